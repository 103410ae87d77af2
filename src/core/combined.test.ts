import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  calibrateOnRows,
  combineSources,
  groupAwareFolds,
  sourceScores,
  type TrainingSource,
} from './combined.js';
import type { FeatureSet } from './dataset.js';

/** A feature set of n rows of one feature (the row's index), labels cycling 0 … 9. */
function rows(n: number, groups?: string[]): FeatureSet {
  return {
    X: { n, d: 1, data: Float32Array.from({ length: n }, (_, i) => i) },
    y: Uint8Array.from({ length: n }, (_, i) => i % 10),
    groups,
    sourceIndex: Int32Array.from({ length: n }, (_, i) => i),
    emptyCount: 0,
  };
}

test('combineSources: rows in order, weights and sources per row, writers kept for real rows only', () => {
  const sources: TrainingSource[] = [
    { name: 'mnist', kind: 'mnist', set: rows(3) },
    { name: 'synthetic', kind: 'synthetic', set: rows(2, ['synthetic-template', 'x']), weight: 2 },
    { name: 'pen', kind: 'real', set: rows(2, ['w1', 'w2']), weight: 3 },
  ];
  const c = combineSources(sources, { minRealCalibrationRows: 2 });
  assert.equal(c.data.X.n, 7);
  assert.deepEqual(Array.from(c.sampleWeight), [1, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual(Array.from(c.sourceOf), [0, 0, 0, 1, 1, 2, 2]);
  assert.deepEqual(c.rowGroups, [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    'pen/w1',
    'pen/w2',
  ]);
  assert.equal(c.calibrationKind, 'real');
  assert.deepEqual(Array.from(c.calibrationRows), [5, 6]);
  // Fewer real rows than the minimum: pooled with the synthetic rows, unless there are none.
  const few = combineSources(sources, { minRealCalibrationRows: 3 });
  assert.equal(few.calibrationKind, 'real+synthetic');
  assert.deepEqual(Array.from(few.calibrationRows), [3, 4, 5, 6]);
  assert.equal(combineSources(sources).calibrationKind, 'real+synthetic');
  const noSynth = combineSources([sources[0], sources[2]], { minRealCalibrationRows: 3 });
  assert.equal(noSynth.calibrationKind, 'real');
  assert.deepEqual(Array.from(noSynth.calibrationRows), [3, 4]);
  // Without real drawings calibration falls back to the synthetic rows, then to all rows.
  const s = combineSources(sources.slice(0, 2));
  assert.equal(s.calibrationKind, 'synthetic');
  assert.deepEqual(Array.from(s.calibrationRows), [3, 4]);
  const m = combineSources(sources.slice(0, 1));
  assert.equal(m.calibrationKind, 'all');
  assert.deepEqual(Array.from(m.calibrationRows), [0, 1, 2]);
  assert.throws(() => combineSources([]), /at least one training source/);
  assert.throws(
    () => combineSources([{ name: 'a', kind: 'mnist', set: rows(1), weight: -1 }]),
    /sources\[0\]\.weight \(a\) must be finite and ≥ 0, got -1/,
  );
});

test('groupAwareFolds: each writer whole in one fold, ungrouped rows stratified across all folds', () => {
  const n = 200;
  const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
  // Rows 0–99 ungrouped; rows 100–199 by 10 writers of 10 rows each.
  const groups = Array.from({ length: n }, (_, i) =>
    i < 100 ? undefined : `w${Math.floor(i / 10)}`,
  );
  const { folds, groups: ids } = groupAwareFolds(y, groups, 5, 0);
  const foldOf = new Map<string, number>();
  for (let i = 100; i < n; i++) {
    const f = foldOf.get(groups[i] as string);
    if (f === undefined) foldOf.set(groups[i] as string, folds[i]);
    else assert.equal(folds[i], f, `writer ${groups[i]} split between folds`);
  }
  // 10 equal writers over 5 folds: 2 writers a fold.
  const writersPerFold = new Array(5).fill(0);
  for (const f of foldOf.values()) writersPerFold[f]++;
  assert.deepEqual(writersPerFold, [2, 2, 2, 2, 2]);
  // The 100 ungrouped rows: 10 of each digit, dealt 2 of each digit to each fold.
  const perFoldDigit = Array.from({ length: 5 }, () => new Array(10).fill(0));
  for (let i = 0; i < 100; i++) perFoldDigit[folds[i]][y[i]]++;
  for (const row of perFoldDigit) assert.deepEqual(row, new Array(10).fill(2));
  assert.equal(ids[0], 'row/0');
  assert.equal(ids[150], 'w15');
  assert.throws(() => groupAwareFolds(y, groups.slice(1), 5, 0), /rowGroups.length must equal/);
});

test('groupAwareFolds: fewer sessions than folds (an app that has just started) — each session a fold of its own', () => {
  const y = Uint8Array.from({ length: 60 }, (_, i) => i % 10);
  // Rows 0–29 ungrouped; rows 30–49 session "b" (20 rows), rows 50–59 session "a" (10 rows).
  const groups = Array.from({ length: 60 }, (_, i) => (i < 30 ? undefined : i < 50 ? 'b' : 'a'));
  const { folds } = groupAwareFolds(y, groups, 3, 0);
  // Largest first: b in fold 0, a in fold 1; fold 2 holds ungrouped rows only.
  for (let i = 30; i < 50; i++) assert.equal(folds[i], 0);
  for (let i = 50; i < 60; i++) assert.equal(folds[i], 1);
  // The 30 ungrouped rows (3 of each digit) still fill every fold: one of each digit.
  const perFold = [0, 0, 0];
  for (let i = 0; i < 30; i++) perFold[folds[i]]++;
  assert.deepEqual(perFold, [10, 10, 10]);
  // One session alone: it is one fold, the ungrouped rows are in all three.
  const one = groupAwareFolds(
    y,
    groups.map((g) => (g ? 'only' : g)),
    3,
    0,
  ).folds;
  assert.deepEqual([...new Set(one.subarray(30))], [0]);
  // With no ungrouped rows to fill the other folds, it cannot be done: the error says why.
  assert.throws(
    () => groupAwareFolds(y.subarray(30), groups.slice(30), 3, 0),
    /3 folds need at least 3 writers or sessions, got 2/,
  );
});

test('calibrateOnRows learns only from the given rows', () => {
  const k = 2;
  // Rows 0–1: right with a margin of 4; rows 2–3: wrong with the same margin.
  const logits = Float64Array.from([4, 0, 0, 4, 0, 4, 4, 0]);
  const labels = Uint8Array.from([0, 1, 0, 1]);
  const right = calibrateOnRows(logits, labels, k, Int32Array.from([0, 1]), 0.01);
  const wrong = calibrateOnRows(logits, labels, k, Int32Array.from([2, 3]), 0.01);
  // All right: sharpen as far as allowed; all wrong: flatten as far as allowed.
  assert.equal(right.temperature, 0.01);
  assert.equal(wrong.temperature, 100);
  // Equal confidences: one threshold accepts both rows.
  assert.ok(right.threshold > 0.99);
  assert.throws(
    () => calibrateOnRows(logits, labels, k, new Int32Array(0), 0.01),
    /at least one row/,
  );
});

test('sourceScores: accuracy per source and per fold from out-of-fold logits', () => {
  const c = combineSources([
    { name: 'a', kind: 'mnist', set: rows(4) },
    { name: 'b', kind: 'synthetic', set: rows(2) },
  ]);
  const k = 10;
  const labels = c.data.y; // 0 1 2 3 0 1
  // Predict the label except for row 1 (source a, fold 1) and row 5 (source b, fold 0).
  const pred = [0, 9, 2, 3, 0, 9];
  const logits = new Float64Array(6 * k);
  pred.forEach((p, i) => {
    logits[i * k + p] = 5;
  });
  const folds = Int32Array.from([0, 1, 0, 1, 0, 0]);
  const s = sourceScores(c, logits, labels, k, folds, { temperature: 1, threshold: 0 });
  assert.equal(s.length, 2);
  assert.equal(s[0].name, 'a');
  assert.deepEqual(s[0].foldAccuracy, [1, 0.5]);
  assert.equal(s[0].metrics.accuracy, 0.75);
  assert.equal(s[0].metrics.n, 4);
  assert.deepEqual(s[1].foldAccuracy.slice(0, 1), [0.5]);
  assert.ok(Number.isNaN(s[1].foldAccuracy[1]));
  assert.equal(s[1].metrics.accuracy, 0.5);
});
