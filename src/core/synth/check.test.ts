import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../random.js';
import { checkInteger, checkInterval, checkNumber, uniform } from './check.js';

test('checkInteger accepts integers at or above the minimum and names the parameter', () => {
  assert.equal(checkInteger('count', 0), 0);
  assert.equal(checkInteger('width', 3, 1), 3);
  assert.throws(() => checkInteger('count', -1), { name: 'RangeError', message: /count.*-1/ });
  assert.throws(() => checkInteger('count', 1.5), /count must be an integer ≥ 0, got 1.5/);
  assert.throws(() => checkInteger('count', '3' as unknown as number), TypeError);
});

test('checkNumber checks a closed range and rejects NaN', () => {
  assert.equal(checkNumber('p', 1, 0, 1), 1);
  assert.throws(() => checkNumber('p', 1.01, 0, 1), /p must be a number in \[0, 1\], got 1.01/);
  assert.throws(() => checkNumber('p', Number.NaN, 0, 1), RangeError);
});

test('checkInterval wants an ordered pair inside the bounds', () => {
  assert.deepEqual(checkInterval('brushWidth', [14, 22], 0, 100), [14, 22]);
  assert.throws(() => checkInterval('brushWidth', [22, 14], 0, 100), /brushWidth.*\[22, 14\]/);
  assert.throws(() => checkInterval('brushWidth', [1, 200], 0, 100), RangeError);
  assert.throws(
    () => checkInterval('brushWidth', [1] as unknown as [number, number], 0, 100),
    TypeError,
  );
});

test('uniform stays in its interval and spreads over it', () => {
  const rng = createRng(4);
  const xs = Array.from({ length: 2000 }, () => uniform(rng, [3, 6]));
  assert.ok(xs.every((x) => x >= 3 && x < 6));
  assert.ok(Math.min(...xs) < 3.05 && Math.max(...xs) > 5.95);
});
