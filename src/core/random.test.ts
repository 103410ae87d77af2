import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, normal, shuffleInPlace } from './random.js';

test('createRng: the same seed gives the same sequence, another seed another one', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 5 }, a);
  assert.deepEqual(sa, Array.from({ length: 5 }, b));
  assert.notDeepEqual(sa, Array.from({ length: 5 }, c));
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

test('createRng: uniform enough that the mean of 10k draws is near 1/2', () => {
  const rng = createRng(1);
  let s = 0;
  for (let i = 0; i < 10000; i++) s += rng();
  assert.ok(Math.abs(s / 10000 - 0.5) < 0.01);
});

test('normal: mean near 0, variance near 1', () => {
  const rng = createRng(7);
  let s = 0;
  let s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const z = normal(rng);
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(s2 / n - 1) < 0.05);
});

test('shuffleInPlace keeps the multiset and is seeded', () => {
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const s1 = shuffleInPlace([...xs], createRng(3));
  const s2 = shuffleInPlace([...xs], createRng(3));
  assert.deepEqual(s1, s2);
  assert.notDeepEqual(s1, xs);
  assert.deepEqual(
    [...s1].sort((p, q) => (p as number) - (q as number)),
    xs,
  );
});

test('createRng rejects a non-finite seed', () => {
  assert.throws(() => createRng(Number.NaN), /seed must be a finite number/);
});
