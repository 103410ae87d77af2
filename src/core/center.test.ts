import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centerByMass, centerOfMass } from './center.js';
import type { GrayImage } from './types.js';

const image = (rows: number[][]): GrayImage => ({
  width: rows[0].length,
  height: rows.length,
  data: Float32Array.from(rows.flat()),
});

const at = (img: GrayImage, x: number, y: number) => img.data[y * img.width + x];

test('the centre of mass weights pixel indices by intensity', () => {
  assert.deepEqual(centerOfMass(image([[1, 0, 0, 1]])), { x: 1.5, y: 0 });
  assert.deepEqual(
    centerOfMass(
      image([
        [0, 0.25],
        [0, 0.75],
      ]),
    ),
    { x: 1, y: 0.75 },
  );
  assert.equal(centerOfMass(image([[0, 0]])), null);
});

test('a single pixel lands exactly on (14, 14)', () => {
  const out = centerByMass(image([[0.5]]));
  assert.deepEqual([out.width, out.height], [28, 28]);
  assert.equal(at(out, 14, 14), 0.5);
  assert.equal(
    out.data.reduce((a, v) => a + v, 0),
    0.5,
  );
});

test('a 20×20 box is shifted by the rounded offset of its centre of mass', () => {
  // Ink in the top-left 4×4 corner of a 20×20 image: centre of mass (1.5, 1.5), so the shift is
  // round(14 − 1.5) = 13 (JavaScript rounds 12.5 up) and the block covers 13…16.
  const rows = Array.from({ length: 20 }, (_, y) =>
    Array.from({ length: 20 }, (_, x) => (x < 4 && y < 4 ? 1 : 0)),
  );
  const out = centerByMass(image(rows));
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      assert.equal(at(out, x, y), x >= 13 && x < 17 && y >= 13 && y < 17 ? 1 : 0, `(${x}, ${y})`);
    }
  }
  const com = centerOfMass(out);
  assert.deepEqual(com, { x: 14.5, y: 14.5 });
});

test('the result is within half a pixel of (14, 14) and keeps all ink when it fits', () => {
  const img = image([
    [0, 0.3, 1, 0],
    [0.2, 1, 0, 0],
    [1, 0.5, 0, 0.9],
  ]);
  const out = centerByMass(img);
  const com = centerOfMass(out);
  assert.ok(com && Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5);
  const sum = (g: GrayImage) => g.data.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(sum(out) - sum(img)) < 1e-6);
});

test('what falls outside the square is clipped', () => {
  // A 40-wide row with ink at both ends: the centre of mass is mid-row, the ends fall off.
  const row = new Array(40).fill(0);
  row[0] = 1;
  row[39] = 1;
  row[20] = 1;
  const out = centerByMass(image([row]), 28);
  // Centre of mass x = 59 / 3 = 19.67 → shift round(14 − 19.67) = −6: pixel 20 lands on 14.
  assert.equal(at(out, 14, 14), 1);
  assert.equal(
    out.data.reduce((a, v) => a + v, 0),
    1,
  );
});

test('an empty image gives an all-zero square; a bad size is rejected', () => {
  assert.deepEqual(centerByMass(image([[0, 0]]), 5).data, new Float32Array(25));
  assert.throws(() => centerByMass(image([[1]]), 0), /RangeError: size .* got 0/);
});
