import assert from 'node:assert/strict';
import { test } from 'node:test';
import { borderLevel, regionBorderLevel, toInkHigh } from './polarity.js';
import { randomDrawings } from './preprocess-reference.js';
import { rasteriseRegion, regionCanvas } from './rasterise.js';
import type { GrayImage } from './types.js';

const image = (rows: number[][]): GrayImage => ({
  width: rows[0].length,
  height: rows.length,
  data: Float32Array.from(rows.flat()),
});

test('light ink on a black background passes through untouched', () => {
  const img = image([
    [0, 0, 0, 0],
    [0, 1, 0.5, 0],
    [0, 0.25, 1, 0],
    [0, 0, 0, 0],
  ]);
  assert.equal(toInkHigh(img), img);
});

test('dark ink on white is inverted', () => {
  const out = toInkHigh(
    image([
      [1, 1, 1, 1],
      [1, 0, 0.5, 1],
      [1, 0.75, 0, 1],
      [1, 1, 1, 1],
    ]),
  );
  assert.deepEqual(Array.from(out.data), [0, 0, 0, 0, 0, 1, 0.5, 0, 0, 0.25, 1, 0, 0, 0, 0, 0]);
});

test('a grey background is mapped to zero and the range stretched', () => {
  // Background 0.75 (dark-on-light): inverted it is 0.25; v ↦ (v − 0.25) / 0.75.
  const out = toInkHigh(
    image([
      [0.75, 0.75, 0.75],
      [0.75, 0, 0.8],
      [0.75, 0.75, 0.75],
    ]),
  );
  assert.deepEqual(Array.from(out.data), [0, 0, 0, 0, 1, 0, 0, 0, 0]);
  // Light-on-dark with background 0.2: (0.6 − 0.2) / 0.8 = 0.5.
  const light = toInkHigh(
    image([
      [0.2, 0.2, 0.2],
      [0.2, 0.6, 0.2],
      [0.2, 0.2, 0.2],
    ]),
  );
  assert.ok(Math.abs(light.data[4] - 0.5) < 1e-6);
  assert.equal(light.data[0], 0);
});

test('ink touching part of the border does not flip the decision', () => {
  // A vertical bar through the whole height touches 2 of the 12 border pixels.
  const rows = [0, 1, 2, 3].map(() => [0, 1, 0, 0]);
  assert.equal(borderLevel(image(rows)), 0);
  const dark = rows.map((r) => r.map((v) => 1 - v));
  assert.deepEqual(toInkHigh(image(dark)).data, image(rows).data);
});

test('a blank white page becomes an all-zero image', () => {
  const out = toInkHigh(
    image([
      [1, 1],
      [1, 1],
    ]),
  );
  assert.deepEqual(Array.from(out.data), [0, 0, 0, 0]);
});

test('borderLevel is the median of the border pixels, including 1-pixel-wide images', () => {
  assert.equal(borderLevel(image([[0.1, 0.9, 0.3]])), 0.30000001192092896);
  assert.equal(borderLevel(image([[0.5], [0.25]])), 0.375);
});

test('non-images are rejected', () => {
  assert.throws(() => toInkHigh({ width: 2, height: 2, data: [0, 0, 0, 0] } as never), TypeError);
  assert.throws(
    () => toInkHigh({ width: 2, height: 3, data: new Float32Array(4) }),
    /RangeError: img.data has 4 values, expected width × height = 6/,
  );
  assert.throws(() => toInkHigh({ width: 0, height: 3, data: new Float32Array(0) }), /img.width/);
});

test('regionBorderLevel is the border median of the zero canvas around the region', () => {
  // A 3×3 canvas with [.1 .2 .3; .4 .5 .6] in its top two rows: the 8 border pixels are .1 .2 .3,
  // .4 and .6 (left and right of the middle row) and three zeros (the bottom row): median
  // (.1 + .2) / 2 in the float32 values.
  const img = image([
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ]);
  assert.equal(regionBorderLevel(img, 0, 0, 3, 3), (Math.fround(0.1) + Math.fround(0.2)) / 2);
  // Inside a 5×5 canvas, clear of its edge: 0 without looking.
  assert.equal(regionBorderLevel(img, 1, 1, 5, 5), 0);
  // Negative values sort below the zeros outside: border −1, −1, −1, 0 ×13 → 0 …
  const negative = image([[-1, -1, -1]]);
  assert.equal(regionBorderLevel(negative, 0, 0, 5, 5), 0);
  // … and on a 3×1 canvas the border is the region itself: −1.
  assert.equal(regionBorderLevel(negative, 0, 0, 3, 1), -1);
});

test('regionBorderLevel equals borderLevel of the whole canvas for every region', () => {
  let positive = 0;
  for (const [i, d] of randomDrawings(3, 1500).entries()) {
    const r = rasteriseRegion(d);
    const level = regionBorderLevel(r.image, r.x, r.y, r.canvasWidth, r.canvasHeight);
    assert.equal(Object.is(level, borderLevel(regionCanvas(r))), true, `drawing ${i}`);
    if (level > 0) positive++;
  }
  assert.ok(positive > 100, `only ${positive} drawings reach the border`);
});

test('regionBorderLevel refuses a region outside its canvas', () => {
  const img = image([[1, 1]]);
  assert.throws(
    () => regionBorderLevel(img, 2, 0, 3, 3),
    /the 2×1 region at \(2, 0\) must lie inside the 3×3 canvas/,
  );
});
