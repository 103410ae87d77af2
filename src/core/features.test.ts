import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  concatExtractors,
  EXTRACTORS,
  extractFeatures,
  featureLength,
  hogExtractor,
  pixelExtractor,
} from './features.js';
import { hog } from './hog.js';
import { createRng } from './random.js';
import type { GrayImage } from './types.js';

const rng = createRng(1);
const img: GrayImage = { width: 28, height: 28, data: Float32Array.from({ length: 784 }, rng) };

test('feature lengths: 784 pixels, 324 HOG', () => {
  assert.equal(featureLength('pixels'), 784);
  assert.equal(featureLength('hog'), 324);
  // 4-px cells: 7×7 cells, 6×6 blocks of 2×2 cells × 9 orientations = 1,296, after the 324.
  assert.equal(featureLength('hog2'), 324 + 1296);
  for (const [kind, e] of Object.entries(EXTRACTORS)) {
    assert.equal(extractFeatures(img, kind as never).length, e.length);
  }
});

test("'pixels' are the canonical image's values; 'hog' is the default HOG", () => {
  assert.deepEqual(extractFeatures(img, 'pixels'), img.data);
  assert.deepEqual(extractFeatures(img, 'hog'), hog(img));
});

test('features are written into out, e.g. a row of a design matrix', () => {
  const matrix = new Float32Array(3 * 324);
  const row = matrix.subarray(324, 648);
  assert.equal(extractFeatures(img, 'hog', row), row);
  assert.deepEqual(matrix.subarray(324, 648), hog(img));
  const two = extractFeatures(img, 'hog2');
  assert.deepEqual(two.subarray(0, 324), hog(img));
  assert.deepEqual(two.subarray(324), hog(img, { cellSize: 4 }));
  assert.deepEqual(matrix.subarray(0, 324), new Float32Array(324));
});

test('concatExtractors lays the parts out one after another', () => {
  const both = concatExtractors(pixelExtractor, hogExtractor({ cellSize: 4 }));
  assert.equal(both.length, 784 + 1296);
  const out = new Float32Array(both.length);
  both.extract(img, out);
  assert.deepEqual(out.subarray(0, 784), img.data);
  assert.deepEqual(out.subarray(784), hog(img, { cellSize: 4 }));
});

test('wrong kinds, sizes and buffers are rejected', () => {
  assert.throws(
    () => featureLength('sift' as never),
    /RangeError: feature kind must be one of pixels, hog, hog2, got "sift"/,
  );
  assert.throws(() => featureLength('toString' as never), RangeError);
  const small: GrayImage = { width: 20, height: 20, data: new Float32Array(400) };
  assert.throws(
    () => extractFeatures(small, 'pixels'),
    /RangeError: img28 must be 28×28, got 20×20/,
  );
  assert.throws(
    () => extractFeatures(img, 'hog', new Float32Array(784)),
    /RangeError: out has length 784/,
  );
  assert.throws(() => extractFeatures(img, 'pixels', [] as never), TypeError);
});
