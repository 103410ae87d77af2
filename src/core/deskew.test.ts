import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deskew, moments, skew } from './deskew.js';
import { rasterise } from './rasterise.js';
import type { GrayImage } from './types.js';

const bar = (x0: number, y0: number, x1: number, y1: number): GrayImage =>
  rasterise({
    width: 28,
    height: 28,
    brushWidth: 2.5,
    strokes: [
      [
        { x: x0, y: y0 },
        { x: x1, y: y1 },
      ],
    ],
  });

/** Per row crossing the bar's full width (not the round caps), the ink's mean column. */
function rowCentres(img: GrayImage): number[] {
  const out: number[] = [];
  for (let y = 0; y < img.height; y++) {
    let m = 0;
    let mx = 0;
    for (let x = 0; x < img.width; x++) {
      m += img.data[y * img.width + x];
      mx += x * img.data[y * img.width + x];
    }
    if (m > 2) out.push(mx / m);
  }
  return out;
}

test('moments of two pixels on a diagonal, by hand', () => {
  const img: GrayImage = {
    width: 3,
    height: 3,
    data: Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1]),
  };
  // Centre (1, 1); both pixels have dx = dy = ±1.
  assert.deepEqual(moments(img), { mass: 2, cx: 1, cy: 1, mu20: 1, mu11: 1, mu02: 1 });
  assert.equal(skew(img), 1);
});

for (const [name, top, bottom] of [
  ['leaning right', 18.5, 9.5],
  ['leaning left', 9.5, 18.5],
] as const) {
  test(`a bar ${name} comes out vertical`, () => {
    const img = bar(top, 4.5, bottom, 23.5);
    assert.ok(Math.abs(skew(img)) > 0.4);
    const out = deskew(img);
    assert.ok(Math.abs(skew(out)) < 0.02, `skew after ${skew(out)}`);
    const centres = rowCentres(out);
    const spread = Math.max(...centres) - Math.min(...centres);
    assert.ok(spread < 0.25, `row centres spread over ${spread} px`);
    // The centre of mass stays put (within the sampling blur).
    assert.ok(Math.abs(moments(out).cx - moments(img).cx) < 0.1);
  });
}

test('an upright symmetric image is unchanged', () => {
  // A ring centred on (14, 14): mirror-symmetric, so μ11 = 0.
  const ring = rasterise({
    width: 28,
    height: 28,
    brushWidth: 2,
    strokes: [
      [
        { x: 14, y: 5 },
        { x: 20, y: 14 },
        { x: 14, y: 23 },
        { x: 8, y: 14 },
        { x: 14, y: 5 },
      ],
    ],
  });
  const out = deskew(ring);
  for (let i = 0; i < 784; i++)
    assert.ok(Math.abs(out.data[i] - ring.data[i]) < 1e-6, `pixel ${i}`);
  const upright = bar(14, 4, 14, 24);
  assert.deepEqual(deskew(upright).data, upright.data);
});

test('an empty image or a single row stays as it is', () => {
  const blank: GrayImage = { width: 28, height: 28, data: new Float32Array(784) };
  assert.deepEqual(deskew(blank).data, blank.data);
  const row = bar(3, 14.5, 25, 14.5);
  assert.deepEqual(deskew({ ...row }).data, row.data);
});
