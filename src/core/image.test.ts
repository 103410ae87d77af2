import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blankImage, checkImage } from './image.js';

test('blankImage is all zeros of the given size', () => {
  assert.deepEqual(blankImage(3, 2), { width: 3, height: 2, data: new Float32Array(6) });
});

test('checkImage accepts a GrayImage and names what is wrong otherwise', () => {
  checkImage(blankImage(2, 2));
  assert.throws(() => checkImage(null as never), /TypeError: img must be a GrayImage, got null/);
  assert.throws(
    () => checkImage({ width: 1, height: 1, data: [0] } as never, 'canvas'),
    /TypeError: canvas.data must be a Float32Array, got \[object Array\]/,
  );
  assert.throws(
    () => checkImage({ width: 1.5, height: 1, data: new Float32Array(1) }),
    /RangeError: img.width must be a positive integer, got 1.5/,
  );
  assert.throws(
    () => checkImage({ width: 2, height: 2, data: new Float32Array(3) }),
    /RangeError: img.data has 3 values, expected width × height = 4/,
  );
});
