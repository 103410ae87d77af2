import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Box, crop, extract, inkBoundingBox } from './crop.js';
import { createRng } from './random.js';
import type { GrayImage } from './types.js';

const image = (rows: number[][]): GrayImage => ({
  width: rows[0].length,
  height: rows.length,
  data: Float32Array.from(rows.flat()),
});

const sample = image([
  [0, 0, 0, 0, 0, 0],
  [0, 0, 0.5, 0, 0, 0],
  [0, 0, 1, 0.75, 0, 0.05],
  [0, 0, 0, 0.25, 0, 0],
  [0, 0, 0, 0, 0, 0],
]);

test('the box encloses the ink and ignores pixels fainter than a tenth of the maximum', () => {
  assert.deepEqual(inkBoundingBox(sample), { x: 2, y: 1, width: 2, height: 3 });
  // With threshold 0 every non-zero pixel counts, so the faint 0.05 at (5, 2) widens the box.
  assert.deepEqual(inkBoundingBox(sample, 0), { x: 2, y: 1, width: 4, height: 3 });
  // At 0.3 of the maximum the 0.25 pixel no longer counts.
  assert.deepEqual(inkBoundingBox(sample, 0.3), { x: 2, y: 1, width: 2, height: 2 });
});

test('the threshold is relative to the maximum, so a faint drawing is cropped the same way', () => {
  const faint = { ...sample, data: sample.data.map((v) => v * 0.2) };
  assert.deepEqual(inkBoundingBox(faint), inkBoundingBox(sample));
});

test('crop copies the box, keeping faint pixels inside it', () => {
  const out = crop(sample);
  assert.ok(out);
  assert.deepEqual(
    out,
    image([
      [0.5, 0],
      [1, 0.75],
      [0, 0.25],
    ]),
  );
});

test('an image without ink has no box and crops to null', () => {
  const blank = image([
    [0, 0],
    [0, 0],
  ]);
  assert.equal(inkBoundingBox(blank), null);
  assert.equal(crop(blank), null);
});

test('a single pixel crops to a 1×1 image', () => {
  const one = image([
    [0, 0, 0],
    [0, 0, 0.3],
    [0, 0, 0],
  ]);
  assert.deepEqual(crop(one), image([[0.30000001192092896]]));
});

test('bad thresholds and boxes are rejected with a RangeError', () => {
  assert.throws(() => inkBoundingBox(sample, 1), /RangeError: threshold .* got 1/);
  assert.throws(() => crop(sample, { threshold: -0.1 }), RangeError);
  assert.throws(
    () => extract(sample, { x: 5, y: 0, width: 2, height: 1 }),
    /RangeError: box must be .* inside the 6×5 image/,
  );
});

/** The box by testing every pixel, as `inkBoundingBox` did before it scanned from the outside in. */
function bruteForceBox(img: GrayImage, threshold: number): Box | null {
  let max = 0;
  for (const v of img.data) if (v > max) max = v;
  if (!(max > 0)) return null;
  let x0 = img.width;
  let x1 = -1;
  let y0 = img.height;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x];
      if (v > threshold * max && v > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

test('the box is the one testing every pixel gives, on random sparse images of any shape', () => {
  const rng = createRng(7);
  for (let n = 0; n < 3000; n++) {
    const width = 1 + Math.floor(rng() * 40);
    const height = 1 + Math.floor(rng() * 40);
    const density = [0, 0.002, 0.02, 0.2, 1][n % 5];
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) {
      if (rng() < density) data[i] = [1, 0.05, rng(), -0.5, Number.NaN][Math.floor(rng() * 5)];
    }
    const img = { width, height, data };
    for (const threshold of [0, 0.1, 0.5, 0.99]) {
      assert.deepEqual(inkBoundingBox(img, threshold), bruteForceBox(img, threshold), `image ${n}`);
    }
  }
});

test('inkBoundingBox: an infinite value (beyond float32) gives no ink box instead of scanning forever', () => {
  const data = new Float32Array(9);
  data[4] = 1e39; // Infinity once stored as float32
  const img = { width: 3, height: 3, data };
  assert.equal(inkBoundingBox(img), null);
  assert.equal(inkBoundingBox(img, 0), null);
});
