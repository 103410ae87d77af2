import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomDrawings, referenceRasterise, sameImage } from './preprocess-reference.js';
import { rasterise, rasteriseRegion, regionCanvas } from './rasterise.js';
import type { Drawing, GrayImage } from './types.js';

// With brush width 2 (r = 1) a pixel whose centre is d away from the path gets clamp(1.5 − d, 0, 1):
// d = 0 → 1, d = 1 → 0.5, d = √2 → 1.5 − √2, d ≥ 1.5 → 0.
const A = 0.5;
const D = 1.5 - Math.SQRT2;

function rows(img: GrayImage): number[][] {
  const out: number[][] = [];
  for (let y = 0; y < img.height; y++)
    out.push(Array.from(img.data.subarray(y * img.width, (y + 1) * img.width)));
  return out;
}

function assertGolden(img: GrayImage, expected: number[][]): void {
  assert.equal(img.height, expected.length);
  assert.equal(img.width, expected[0].length);
  const got = rows(img);
  for (let y = 0; y < expected.length; y++) {
    for (let x = 0; x < expected[y].length; x++) {
      // Float32 storage: compare to single precision.
      assert.ok(
        Math.abs(got[y][x] - expected[y][x]) < 1e-6,
        `pixel (${x}, ${y}) is ${got[y][x]}, expected ${expected[y][x]}`,
      );
    }
  }
}

const drawing = (
  strokes: [number, number][][],
  width: number,
  height: number,
  brushWidth: number,
): Drawing => ({
  width,
  height,
  brushWidth,
  strokes: strokes.map((s) => s.map(([x, y]) => ({ x, y }))),
});

test('a dot at a pixel centre is a disc', () => {
  const img = rasterise(drawing([[[2.5, 2.5]]], 5, 5, 2));
  assertGolden(img, [
    [0, 0, 0, 0, 0],
    [0, D, A, D, 0],
    [0, A, 1, A, 0],
    [0, D, A, D, 0],
    [0, 0, 0, 0, 0],
  ]);
});

test('a horizontal segment has round caps', () => {
  const img = rasterise(
    drawing(
      [
        [
          [1.5, 2.5],
          [5.5, 2.5],
        ],
      ],
      8,
      5,
      2,
    ),
  );
  assertGolden(img, [
    [0, 0, 0, 0, 0, 0, 0, 0],
    [D, A, A, A, A, A, D, 0],
    [A, 1, 1, 1, 1, 1, A, 0],
    [D, A, A, A, A, A, D, 0],
    [0, 0, 0, 0, 0, 0, 0, 0],
  ]);
});

test('a corner is joined round, not mitred', () => {
  // Right along y = 1.5, then down along x = 4.5. The outer corner pixel (5, 0) is √2 from the
  // corner point: a mitre would fill it, a round join gives 1.5 − √2.
  const img = rasterise(
    drawing(
      [
        [
          [1.5, 1.5],
          [4.5, 1.5],
          [4.5, 4.5],
        ],
      ],
      7,
      7,
      2,
    ),
  );
  assertGolden(img, [
    [D, A, A, A, A, D, 0],
    [A, 1, 1, 1, 1, A, 0],
    [D, A, A, A, 1, A, 0],
    [0, 0, 0, A, 1, A, 0],
    [0, 0, 0, A, 1, A, 0],
    [0, 0, 0, D, A, D, 0],
    [0, 0, 0, 0, 0, 0, 0],
  ]);
});

test('overlapping strokes combine by max, not sum', () => {
  const once = rasterise(drawing([[[2.5, 2.5]]], 5, 5, 2));
  const twice = rasterise(drawing([[[2.5, 2.5]], [[2.5, 2.5]]], 5, 5, 2));
  assert.deepEqual(twice.data, once.data);
});

test('an empty drawing, or one with an empty stroke, is all zeros at the canvas size', () => {
  for (const strokes of [[], [[]]] as [number, number][][][]) {
    const img = rasterise(drawing(strokes, 12, 7, 3));
    assert.equal(img.width, 12);
    assert.equal(img.height, 7);
    assert.deepEqual(img.data, new Float32Array(84));
  }
});

test('total ink equals the capsule area (length × width + disc)', () => {
  // A diagonal segment, far from the border: the one-pixel ramp integrates to the exact area.
  const img = rasterise(
    drawing(
      [
        [
          [40.3, 50.1],
          [140.7, 120.9],
        ],
      ],
      200,
      200,
      12,
    ),
  );
  const length = Math.sqrt(100.4 ** 2 + 70.8 ** 2);
  const area = length * 12 + Math.PI * 36;
  const ink = img.data.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(ink - area) / area < 0.005, `ink ${ink}, area ${area}`);
});

test('scale renders at a lower resolution with a scaled brush', () => {
  // The dot at (25, 25) with brush 20 at scale 0.1 is the dot at (2.5, 2.5) with brush 2.
  const small = rasterise(drawing([[[25, 25]]], 50, 50, 20), { scale: 0.1 });
  const direct = rasterise(drawing([[[2.5, 2.5]]], 5, 5, 2));
  assert.equal(small.width, 5);
  assert.equal(small.height, 5);
  for (let i = 0; i < 25; i++) assert.ok(Math.abs(small.data[i] - direct.data[i]) < 1e-6);
  // 280 × 0.1 = 28 exactly, and sides round to the nearest pixel.
  const canvas = rasterise(drawing([], 280, 201, 14), { scale: 0.1 });
  assert.deepEqual([canvas.width, canvas.height], [28, 20]);
});

test('maxSide lowers the scale until the ink spans at most that many pixels, never raises it', () => {
  const line = (x0: number, x1: number): Drawing => ({
    width: 280,
    height: 280,
    brushWidth: 20,
    strokes: [
      [
        { x: x0, y: 100 },
        { x: x1, y: 100 },
      ],
    ],
  });
  // Ink from x = 30 to 250 (points 40 … 240, brush radius 10): 220 px, so 55 px is scale 1/4.
  const long = line(40, 240);
  const quarter = rasterise(long, { maxSide: 55 });
  assert.deepEqual([quarter.width, quarter.height], [70, 70]);
  assert.deepEqual(quarter, rasterise(long, { scale: 0.25 }));
  assert.deepEqual(
    rasterise(long, { maxSide: 110, scale: 0.25 }),
    rasterise(long, { scale: 0.25 }),
  );
  // Ink that already fits, and 0, leave the scale alone.
  assert.deepEqual(rasterise(long, { maxSide: 220 }), rasterise(long));
  assert.deepEqual(rasterise(long, { maxSide: 0 }), rasterise(long));
  // Ink beyond the canvas does not count: x from 0 to 250 here, so 125 px is scale 1/2.
  const off = line(-5000, 240);
  assert.deepEqual(rasterise(off, { maxSide: 125 }), rasterise(off, { scale: 0.5 }));
  for (const maxSide of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => rasterise(long, { maxSide }),
      /RangeError: options.maxSide must be a finite number ≥ 0, got /,
    );
  }
});

test('strokes partly or wholly off the canvas are clipped', () => {
  const img = rasterise(
    drawing(
      [
        [
          [-10, 2.5],
          [2.5, 2.5],
        ],
        [[100, 100]],
      ],
      5,
      5,
      2,
    ),
  );
  assert.deepEqual(
    rows(img)[2].map((v) => Math.round(v * 1e6) / 1e6),
    [1, 1, 1, A, 0],
  );
  const ink = img.data.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(ink - (3 + A + 2 * (3 * A + D))) < 1e-6, `ink ${ink}`);
});

test('invalid drawings are rejected with the parameter named', () => {
  const ok = drawing([[[1, 1]]], 5, 5, 2);
  assert.throws(
    () => rasterise({ ...ok, brushWidth: 0 }),
    /RangeError: drawing.brushWidth .* got 0/,
  );
  assert.throws(() => rasterise({ ...ok, brushWidth: Number.NaN }), RangeError);
  assert.throws(() => rasterise({ ...ok, width: 2.5 }), /RangeError: drawing.width .* got 2.5/);
  assert.throws(() => rasterise({ ...ok, height: 0 }), /RangeError: drawing.height/);
  assert.throws(
    () =>
      rasterise(
        drawing(
          [
            [[1, 1]],
            [
              [1, 1],
              [Number.POSITIVE_INFINITY, 2],
            ],
          ],
          5,
          5,
          2,
        ),
      ),
    /RangeError: stroke 1, point 1 .* \(Infinity, 2\)/,
  );
  assert.throws(() => rasterise({ ...ok, strokes: 'x' as never }), TypeError);
  assert.throws(() => rasterise(null as never), TypeError);
  assert.throws(() => rasterise(ok, { scale: -1 }), /RangeError: options.scale/);
});

test('rasterise draws what the reference full-canvas rasteriser draws, bit for bit', () => {
  for (const [i, d] of randomDrawings(1, 600).entries()) {
    for (const scale of [1, 0.1, 0.37, 2]) {
      assert.ok(sameImage(rasterise(d, { scale }), referenceRasterise(d, scale)), `drawing ${i}`);
    }
  }
});

test('rasteriseRegion is the canvas cut to the reach of the strokes: same pixels, zeros outside', () => {
  let clipped = 0;
  for (const [i, d] of randomDrawings(2, 1500).entries()) {
    for (const scale of [1, 0.1, 0.37]) {
      const region = rasteriseRegion(d, { scale });
      const canvas = referenceRasterise(d, scale);
      assert.deepEqual([region.canvasWidth, region.canvasHeight], [canvas.width, canvas.height]);
      assert.ok(sameImage(regionCanvas(region), canvas), `drawing ${i} at scale ${scale}`);
      if (region.image.width < canvas.width || region.image.height < canvas.height) clipped++;
    }
  }
  // Most drawings leave part of the canvas out of their region.
  assert.ok(clipped > 3000, `only ${clipped} regions smaller than their canvas`);
});

test('the region of a dot is the box the brush can reach, in canvas coordinates', () => {
  // r = 1, reach 1.5: columns floor(10.5 − 1.5) = 9 … ceil(10.5 + 1.5) = 12, rows 19 … 22; the
  // last column and row are the box's rounding, 2 px from the dot and blank.
  const region = rasteriseRegion(drawing([[[10.5, 20.5]]], 40, 30, 2));
  assert.deepEqual([region.x, region.y, region.image.width, region.image.height], [9, 19, 4, 4]);
  assertGolden(region.image, [
    [D, A, D, 0],
    [A, 1, A, 0],
    [D, A, D, 0],
    [0, 0, 0, 0],
  ]);
});

test('a drawing that reaches no pixel gives a 1×1 zero region at (0, 0)', () => {
  for (const strokes of [
    [],
    [[]],
    [[[-50, -50]]],
    [
      [
        [100, 5],
        [120, 5],
      ],
    ],
  ] as [number, number][][][]) {
    const region = rasteriseRegion(drawing(strokes, 40, 30, 4));
    assert.deepEqual(region, {
      image: { width: 1, height: 1, data: new Float32Array(1) },
      x: 0,
      y: 0,
      canvasWidth: 40,
      canvasHeight: 30,
    });
  }
});

test('rasteriseRegion checks its drawing as rasterise does', () => {
  const bad = { width: 10, height: 10, brushWidth: 0, strokes: [] } as Drawing;
  assert.throws(
    () => rasteriseRegion(bad),
    /drawing.brushWidth must be a finite number > 0, got 0/,
  );
  assert.throws(() => rasteriseRegion({ ...bad, brushWidth: 1 }, { scale: 0 }), /options.scale/);
});

test('strokes from far outside the canvas are drawn as the reference draws them', () => {
  for (const far of [5e4, 2e5, 1e9]) {
    const d = drawing(
      [
        [
          [-far, 10.3],
          [far, 13.7],
        ],
        [
          [20.2, -far],
          [21.9, far],
        ],
      ],
      40,
      30,
      5,
    );
    assert.ok(sameImage(rasterise(d), referenceRasterise(d)), `at ${far}`);
    assert.ok(sameImage(regionCanvas(rasteriseRegion(d)), referenceRasterise(d)), `at ${far}`);
  }
});
