import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupKFold, stratifiedKFold } from './folds.js';
import { createRng, shuffleInPlace } from './random.js';

/** counts[fold][label] of a fold assignment. */
function countTable(folds: Int32Array, y: Uint8Array, k: number): number[][] {
  const t = Array.from({ length: k }, () => new Array<number>(256).fill(0));
  folds.forEach((f, i) => {
    t[f][y[i]]++;
  });
  return t;
}

test('stratifiedKFold partitions the rows with every class in proportion (±1 row) and balanced folds', () => {
  // Unequal classes: 37 zeros, 23 ones, 11 sevens, 4 nines, 2 threes (fewer than k), in mixed order.
  const labels = [
    ...Array(37).fill(0),
    ...Array(23).fill(1),
    ...Array(11).fill(7),
    ...Array(4).fill(9),
    3,
    3,
  ];
  const y = Uint8Array.from(shuffleInPlace(labels, createRng(1)) as number[]);
  const k = 5;
  const folds = stratifiedKFold(y, k, createRng(2));
  assert.equal(folds.length, y.length);
  for (const f of folds) assert.ok(Number.isInteger(f) && f >= 0 && f < k);
  const table = countTable(folds, y, k);
  for (const [label, n] of [
    [0, 37],
    [1, 23],
    [7, 11],
    [9, 4],
    [3, 2],
  ]) {
    for (let f = 0; f < k; f++) {
      assert.ok(
        Math.abs(table[f][label] - n / k) < 1,
        `fold ${f} has ${table[f][label]} of class ${label} (n = ${n})`,
      );
    }
  }
  const sizes = table.map((row) => row.reduce((a, b) => a + b, 0));
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
});

test('stratifiedKFold is seeded: the same seed gives the same folds, another seed others', () => {
  const y = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
  assert.deepEqual(stratifiedKFold(y, 4, createRng(5)), stratifiedKFold(y, 4, createRng(5)));
  assert.notDeepEqual(stratifiedKFold(y, 4, createRng(5)), stratifiedKFold(y, 4, createRng(6)));
});

test('stratifiedKFold validates k and its inputs', () => {
  const y = Uint8Array.of(0, 1, 0);
  assert.throws(() => stratifiedKFold(y, 1, createRng(0)), /k must be an integer ≥ 2, got 1/);
  assert.throws(
    () => stratifiedKFold(y, 4, createRng(0)),
    /at most the number of rows \(3\), got 4/,
  );
  assert.throws(() => stratifiedKFold([0, 1] as never, 2, createRng(0)), TypeError);
});

test('groupKFold: the worked greedy example (largest group first into the lightest fold)', () => {
  // Sizes a 5, b 4, c 3, d 2, e 1 into 2 folds: a→0 (5|0), b→1 (5|4), c→1 (5|7), d→0 (7|7),
  // e→0 (the lower of two equal folds) → 8 | 7.
  const groups = ['a', 'b', 'c', 'd', 'e'].flatMap((g, i) => Array<string>(5 - i).fill(g));
  const folds = groupKFold(groups, 2);
  const foldOf = Object.fromEntries(groups.map((g, i) => [g, folds[i]]));
  assert.deepEqual(foldOf, { a: 0, b: 1, c: 1, d: 0, e: 0 });
});

test('groupKFold never puts a group in two folds, fills every fold, balances sizes, ignores row order', () => {
  const rng = createRng(9);
  // 23 writers with 1 to 30 samples each.
  const groups: string[] = [];
  for (let w = 0; w < 23; w++) {
    const count = 1 + Math.floor(rng() * 30);
    for (let i = 0; i < count; i++) groups.push(`writer-${w}`);
  }
  shuffleInPlace(groups, rng);
  const k = 5;
  const folds = groupKFold(groups, k);
  const seen = new Map<string, number>();
  groups.forEach((g, i) => {
    const f = seen.get(g);
    if (f === undefined) seen.set(g, folds[i]);
    else assert.equal(folds[i], f, `group ${g} appears in folds ${f} and ${folds[i]}`);
  });
  const sizes = new Array<number>(k).fill(0);
  for (const f of folds) sizes[f]++;
  for (const s of sizes) assert.ok(s > 0);
  // Greedy into the lightest fold: no fold exceeds the lightest by more than the largest group.
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 30, `sizes ${sizes}`);
  const reordered = [...groups].reverse();
  const again = groupKFold(reordered, k);
  reordered.forEach((g, i) => {
    assert.equal(again[i], seen.get(g));
  });
});

test('groupKFold: ties in size go in id order, so equal groups spread over the folds', () => {
  const folds = groupKFold(['q', 'p', 's', 'r', 'p', 'q', 'r', 's'], 4);
  assert.deepEqual([...folds], [1, 0, 3, 2, 0, 1, 2, 3]);
});

test('groupKFold needs at least k distinct groups', () => {
  assert.throws(
    () => groupKFold(['a', 'a', 'b'], 3),
    (e: unknown) =>
      e instanceof RangeError && /distinct groups \(2\), got 3/.test((e as Error).message),
  );
  assert.throws(() => groupKFold(['a', 7 as never], 2), /groups\[1\] must be a string/);
  assert.throws(() => groupKFold(['a', 'b'], 1.5), /k must be an integer ≥ 2/);
});
