import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './crop.js';
import { referenceScaleToFit, sameImage } from './preprocess-reference.js';
import { createRng } from './random.js';
import { fitSize, resizeArea, scaleRectToFit, scaleToFit } from './scale.js';
import type { GrayImage } from './types.js';

const image = (rows: number[][]): GrayImage => ({
  width: rows[0].length,
  height: rows.length,
  data: Float32Array.from(rows.flat()),
});

function assertClose(actual: Float32Array, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) < tol, `value ${i} is ${v}, expected ${expected[i]}`);
  });
}

const mean = (img: GrayImage) => img.data.reduce((a, v) => a + v, 0) / img.data.length;

test('halving averages 2×2 blocks', () => {
  const out = resizeArea(
    image([
      [1, 0, 0, 0],
      [1, 0, 0.5, 0.5],
      [0, 0, 1, 1],
      [0, 0.5, 1, 1],
    ]),
    2,
    2,
  );
  assertClose(out.data, [0.5, 0.25, 0.125, 1]);
});

test('a fractional ratio counts partly covered pixels by their coverage', () => {
  // 3 → 2: each output pixel covers 1.5 source pixels, sharing the middle one half and half.
  const out = resizeArea(image([[0.25, 1, 0.75]]), 2, 1);
  assertClose(out.data, [(0.25 + 0.5) / 1.5, (0.5 + 0.75) / 1.5]);
  // 2 → 3 (upscaling): each output covers 2/3 of a pixel; the middle one a third of each.
  const up = resizeArea(image([[0.25, 1]]), 3, 1);
  assertClose(up.data, [0.25, 0.625, 1]);
});

test('area averaging preserves the mean, down and up', () => {
  const rng = createRng(7);
  const src: GrayImage = {
    width: 37,
    height: 23,
    data: Float32Array.from({ length: 37 * 23 }, rng),
  };
  for (const [w, h] of [
    [28, 28],
    [5, 3],
    [100, 61],
    [1, 1],
  ]) {
    const out = resizeArea(src, w, h);
    assert.ok(Math.abs(mean(out) - mean(src)) < 1e-5, `${w}×${h}`);
  }
});

test('a constant image stays constant', () => {
  const out = resizeArea({ width: 7, height: 3, data: new Float32Array(21).fill(0.6) }, 20, 9);
  assertClose(out.data, new Array(180).fill(0.6));
});

test('fitSize puts the longer side in the box and rounds the other up, at least 1 px', () => {
  assert.deepEqual(fitSize(40, 10), { width: 20, height: 5 });
  assert.deepEqual(fitSize(10, 40), { width: 5, height: 20 });
  assert.deepEqual(fitSize(7, 7), { width: 20, height: 20 });
  assert.deepEqual(fitSize(100, 33), { width: 20, height: 7 }); // 6.6 → 7
  assert.deepEqual(fitSize(100, 31), { width: 20, height: 7 }); // 6.2 → 7
  assert.deepEqual(fitSize(100, 30), { width: 20, height: 6 }); // exactly 6
  assert.deepEqual(fitSize(1, 100), { width: 1, height: 20 }); // 0.2 → 1
  assert.deepEqual(fitSize(30, 10, 28), { width: 28, height: 10 }); // 9.33 → 10
});

test('scaleToFit keeps the aspect ratio exactly, centring the short side', () => {
  // 4×2 of ones → scale 20 / 4 = 5 in both directions: 20×10, all ones.
  const full = scaleToFit(
    image([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]),
  );
  assert.deepEqual([full.width, full.height], [20, 10]);
  assertClose(full.data, new Array(200).fill(1));
  // 3×7 (scale 20 / 7): the short side, 60 / 7 = 8.57 px, is centred in 9 columns, so each outer
  // column is (9 − 60 / 7) / 2 = 0.21 uncovered.
  const narrow = scaleToFit({ width: 3, height: 7, data: new Float32Array(21).fill(1) });
  assert.deepEqual([narrow.width, narrow.height], [9, 20]);
  const edge = (9 - 60 / 7) / 2;
  const row = [1 - edge, 1, 1, 1, 1, 1, 1, 1, 1 - edge];
  assertClose(narrow.data, new Array(20).fill(row).flat());
  // Total ink scales by exactly scale²: nothing is lost or stretched.
  const sum = (g: GrayImage) => g.data.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(sum(narrow) - 21 * (20 / 7) ** 2) < 1e-4);
});

test('scaleToFit upscales a tiny input and downscales a big one', () => {
  const dot = scaleToFit(image([[0.5]]));
  assert.deepEqual([dot.width, dot.height], [20, 20]);
  assertClose(dot.data, new Array(400).fill(0.5));
  const bar: GrayImage = { width: 200, height: 40, data: new Float32Array(8000).fill(1) };
  const small = scaleToFit(bar);
  assert.deepEqual([small.width, small.height], [20, 4]);
  assertClose(small.data, new Array(80).fill(1));
});

test('bad sizes are rejected', () => {
  const img = image([[1]]);
  assert.throws(() => resizeArea(img, 0, 3), /RangeError: width .* got 0/);
  assert.throws(() => resizeArea(img, 2, 1.5), /RangeError: height .* got 1.5/);
  assert.throws(() => scaleToFit(img, -20), /RangeError: box/);
});

test('scaleToFit gives the reference bit for bit, zeros skipped or not, down and up', () => {
  const rng = createRng(11);
  for (let n = 0; n < 1500; n++) {
    const width = 1 + Math.floor(rng() * 120);
    const height = 1 + Math.floor(rng() * 120);
    const data = new Float32Array(width * height);
    // Runs of ink and of blank, with the odd −0, negative or denormal value.
    let v = 0;
    for (let i = 0; i < data.length; i++) {
      if (rng() < 0.1) v = v === 0 ? [rng(), 1, -0.25, 1e-40][Math.floor(rng() * 4)] : 0;
      data[i] = rng() < 0.01 ? -0 : v;
    }
    const img = { width, height, data };
    for (const box of [20, 7, 150]) {
      assert.ok(sameImage(scaleToFit(img, box), referenceScaleToFit(img, box)), `image ${n}`);
    }
  }
});

test('scaleRectToFit scales a rectangle as scaleToFit scales it cut out, bit for bit', () => {
  const rng = createRng(12);
  for (let n = 0; n < 500; n++) {
    const width = 1 + Math.floor(rng() * 60);
    const height = 1 + Math.floor(rng() * 60);
    const data = Float32Array.from({ length: width * height }, () => (rng() < 0.5 ? 0 : rng()));
    const img = { width, height, data };
    const x = Math.floor(rng() * width);
    const y = Math.floor(rng() * height);
    const rect = {
      x,
      y,
      width: 1 + Math.floor(rng() * (width - x)),
      height: 1 + Math.floor(rng() * (height - y)),
    };
    for (const box of [20, 5]) {
      const want = scaleToFit(extract(img, rect), box);
      assert.ok(sameImage(scaleRectToFit(img, rect, box), want), `image ${n}`);
    }
  }
});
