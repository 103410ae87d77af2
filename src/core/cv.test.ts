import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CvProgress,
  fitFold,
  fitPath,
  logisticRegressionCV,
  logspaceCs,
  rowsWhere,
} from './cv.js';
import { fitLogisticRegression } from './logistic.js';
import { createRng, normal } from './random.js';
import type { Matrix } from './types.js';

/** n points of 3 classes around (3, 0, 0, 0), (0, 3, 0, 0), (0, 0, 3, 0), with noise. */
function blobs(n: number, seed: number, spread = 1.2) {
  const rng = createRng(seed);
  const d = 4;
  const data = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = (j === c ? 3 : 0) + spread * normal(rng);
  }
  return { X: { n, d, data } as Matrix, y };
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('logspaceCs matches numpy.logspace(-4, 4, n)', () => {
  const numpy10 = [
    1e-4, 7.7426368268112698e-4, 5.9948425031894088e-3, 4.6415888336127774e-2,
    3.5938136638046259e-1, 2.7825594022071258, 2.1544346900318821e1, 1.6681005372000558e2,
    1.2915496650148827e3, 1e4,
  ];
  logspaceCs(10).forEach((c, i) => {
    assert.ok(Math.abs(c - numpy10[i]) <= 1e-14 * numpy10[i], `${c} vs ${numpy10[i]}`);
  });
  assert.deepEqual(logspaceCs(1), [1e-4]);
  assert.deepEqual(logspaceCs(3), [1e-4, 1, 1e4]);
  assert.throws(() => logspaceCs(0), /Cs must be an integer ≥ 1, got 0/);
});

test('logisticRegressionCV: sane scores and C on separable-ish blobs (neg_log_loss)', () => {
  const { X, y } = blobs(150, 1);
  const r = logisticRegressionCV(X, y, { Cs: 5, cv: 3, scoring: 'neg_log_loss' });
  const t = r.table;
  assert.deepEqual(t.Cs, [1e-4, 1e-2, 1, 1e2, 1e4]);
  assert.equal(t.scoring, 'neg_log_loss');
  assert.equal(t.foldKind, 'stratified');
  assert.equal(t.nFolds, 3);
  assert.equal(t.scores.length, 3);
  for (const row of t.scores) assert.equal(row.length, 5);
  // At C = 1e-4 the weights are nearly 0: probabilities near 1/3, log loss near log 3.
  for (const row of t.scores) assert.ok(Math.abs(row[0] + Math.log(3)) < 0.05, `${row[0]}`);
  t.meanScores.forEach((m, c) => {
    const mean = (t.scores[0][c] + t.scores[1][c] + t.scores[2][c]) / 3;
    assert.ok(Math.abs(m - mean) < 1e-12);
  });
  const best = t.Cs.indexOf(t.bestC);
  assert.equal(Math.max(...t.meanScores), t.meanScores[best]);
  assert.ok(t.bestC >= 1e-2 && t.bestC <= 1e2, `bestC ${t.bestC}`);
  assert.ok(t.meanScores[best] > -0.5);
  assert.equal(r.model.C, t.bestC);
  assert.ok(r.model.score(X, y) > 0.85);
  assert.deepEqual(
    r.iterations.map((row) => row.length),
    [5, 5, 5],
  );
});

test('logisticRegressionCV: accuracy and f1_macro scores are fractions, and an explicit C list is sorted', () => {
  const { X, y } = blobs(90, 2);
  const acc = logisticRegressionCV(X, y, { Cs: [10, 0.1, 1], cv: 3 });
  assert.deepEqual(acc.table.Cs, [0.1, 1, 10]);
  for (const row of acc.table.scores) for (const s of row) assert.ok(s >= 0.6 && s <= 1);
  const f1 = logisticRegressionCV(X, y, { Cs: [1], cv: 3, scoring: 'f1_macro' });
  for (const row of f1.table.scores) assert.ok(row[0] > 0.6 && row[0] <= 1);
});

test('logisticRegressionCV with refit equals a direct fit at the best C', () => {
  const { X, y } = blobs(120, 3);
  const r = logisticRegressionCV(X, y, { Cs: 4, cv: 3, tol: 1e-9, maxIter: 1000 });
  const direct = fitLogisticRegression(X, y, { C: r.table.bestC, tol: 1e-9, maxIter: 1000 });
  assert.ok(maxAbsDiff(r.model.weights, direct.weights) < 1e-6);
  assert.ok(maxAbsDiff(r.model.intercepts, direct.intercepts) < 1e-6);
  assert.ok(r.refitIterations > 0);
});

test('logisticRegressionCV: refitTol and refitMaxIter govern the refit only', () => {
  const { X, y } = blobs(150, 3);
  const loose = logisticRegressionCV(X, y, { Cs: 3, cv: 3, tol: 1e-2 });
  const tight = logisticRegressionCV(X, y, {
    Cs: 3,
    cv: 3,
    tol: 1e-2,
    refitTol: 1e-9,
    refitMaxIter: 1000,
  });
  // Same CV fits, so the same table; only the refit went further.
  assert.deepEqual(tight.table, loose.table);
  assert.deepEqual(tight.iterations, loose.iterations);
  assert.ok(tight.refitIterations > loose.refitIterations);
  const direct = fitLogisticRegression(X, y, { C: tight.table.bestC, tol: 1e-9, maxIter: 1000 });
  assert.ok(maxAbsDiff(tight.model.weights, direct.weights) < 1e-5);
});

test('logisticRegressionCV: out-of-fold logits come from the model that did not see the row', () => {
  const { X, y } = blobs(120, 4, 2);
  const opts = { Cs: [0.01, 1], cv: 3, tol: 1e-9, maxIter: 1000 };
  const r = logisticRegressionCV(X, y, opts);
  for (let f = 0; f < 3; f++) {
    const trainRows = Int32Array.from([...r.folds.keys()].filter((i) => r.folds[i] !== f));
    const heldOut = Int32Array.from([...r.folds.keys()].filter((i) => r.folds[i] === f));
    const foldModel = fitLogisticRegression(X, y, {
      C: r.table.bestC,
      rows: trainRows,
      tol: 1e-9,
      maxIter: 1000,
    });
    const expected = foldModel.decisionFunction(X, heldOut);
    const got = new Float64Array(heldOut.length * 3);
    heldOut.forEach((row, i) => {
      got.set(r.oofLogits.subarray(row * 3, row * 3 + 3), i * 3);
    });
    assert.ok(maxAbsDiff(got, expected) < 1e-5, `fold ${f}`);
    // The refitted model saw these rows, so its logits differ.
    assert.ok(maxAbsDiff(got, r.model.decisionFunction(X, heldOut)) > 1e-3);
  }
});

test('logisticRegressionCV with refit: false averages the fold models at the best C', () => {
  const { X, y } = blobs(90, 5);
  const opts = { Cs: [0.1, 1, 10], cv: 3, seed: 7 };
  const r = logisticRegressionCV(X, y, { ...opts, refit: false });
  const best = r.table.Cs.indexOf(r.table.bestC);
  const mean = new Float64Array(3 * 4);
  for (let f = 0; f < 3; f++) {
    const fold = fitFold(X, y, r.folds, f, {
      Cs: r.table.Cs,
      classes: [0, 1, 2],
      scoring: 'accuracy',
    });
    assert.deepEqual(fold.scores, r.table.scores[f]);
    const w = fold.models[best].weights;
    for (let j = 0; j < w.length; j++) mean[j] += w[j];
  }
  for (let j = 0; j < mean.length; j++) mean[j] /= 3;
  assert.deepEqual(r.model.weights, mean);
  assert.equal(r.refitIterations, 0);
  assert.equal(r.model.C, r.table.bestC);
});

test('fitPath warm-starts each C from the previous solution', () => {
  const { X, y } = blobs(60, 6);
  const Cs = [0.01, 0.1, 1];
  const path = fitPath(X, y, { Cs, classes: [0, 1, 2] });
  for (let i = 1; i < Cs.length; i++) {
    const prev = path[i - 1];
    const m = fitLogisticRegression(X, y, {
      C: Cs[i],
      init: { weights: prev.weights, intercepts: prev.intercepts },
    });
    assert.deepEqual(m.weights, path[i].weights);
  }
});

test('logisticRegressionCV is deterministic for a seed, and the seed changes the folds', () => {
  const { X, y } = blobs(60, 7);
  const a = logisticRegressionCV(X, y, { Cs: 3, cv: 3, seed: 1 });
  const b = logisticRegressionCV(X, y, { Cs: 3, cv: 3, seed: 1 });
  assert.deepEqual(a.table, b.table);
  assert.deepEqual(a.oofLogits, b.oofLogits);
  assert.deepEqual(a.model.weights, b.model.weights);
  assert.notDeepEqual(logisticRegressionCV(X, y, { Cs: 3, cv: 3, seed: 2 }).folds, a.folds);
});

test('logisticRegressionCV: group folds keep groups apart; precomputed folds are used as given', () => {
  const { X, y } = blobs(60, 8);
  const groups = Array.from({ length: 60 }, (_, i) => `w${Math.floor(i / 6)}`);
  const g = logisticRegressionCV(X, y, { Cs: [1], cv: 4, groups });
  assert.equal(g.table.foldKind, 'group');
  assert.equal(g.table.nFolds, 4);
  for (let i = 0; i < 60; i++) assert.equal(g.folds[i], g.folds[Math.floor(i / 6) * 6]);

  const folds = Int32Array.from({ length: 60 }, (_, i) => (i < 20 ? 0 : 1));
  const p = logisticRegressionCV(X, y, { Cs: [1], folds });
  assert.equal(p.table.nFolds, 2);
  assert.equal(p.table.foldKind, 'stratified');
  assert.deepEqual(p.folds, folds);
  assert.throws(
    () => logisticRegressionCV(X, y, { Cs: [1], folds, groups: groups.map((_, i) => `${i % 2}`) }),
    /keep each group in one fold/,
  );
  assert.throws(
    () => logisticRegressionCV(X, y, { folds: Int32Array.from(folds, (f) => 2 * f) }),
    /fold 1 is empty/,
  );
});

test('logisticRegressionCV reports progress after every fit, the refit last', () => {
  const { X, y } = blobs(45, 9);
  const events: CvProgress[] = [];
  logisticRegressionCV(X, y, { Cs: [0.1, 1], cv: 3, onProgress: (e) => events.push(e) });
  assert.equal(events.length, 7);
  events.forEach((e, i) => {
    assert.equal(e.done, i + 1);
    assert.equal(e.total, 7);
  });
  assert.deepEqual(
    events.slice(0, 6).map((e) => [e.fold, e.C]),
    [
      [0, 0.1],
      [0, 1],
      [1, 0.1],
      [1, 1],
      [2, 0.1],
      [2, 1],
    ],
  );
  assert.equal(events[6].fold, -1);
});

test('logisticRegressionCV validates its options', () => {
  const { X, y } = blobs(30, 10);
  assert.throws(() => logisticRegressionCV(X, y, { Cs: [] }), /Cs must hold at least one value/);
  assert.throws(
    () => logisticRegressionCV(X, y, { Cs: [0, 1] }),
    /Cs must be finite numbers > 0, got 0/,
  );
  assert.throws(() => logisticRegressionCV(X, y, { cv: 1 }), /cv must be an integer ≥ 2, got 1/);
  assert.throws(
    () => logisticRegressionCV(X, y, { scoring: 'roc_auc' as never }),
    /scoring must be/,
  );
  assert.throws(() => logisticRegressionCV(X, y.subarray(1)), /y.length must equal X.n = 30/);
});

test("warmStart 'folds' starts fold f at each C from fold f − 1's solution, to the same optimum", () => {
  const { X, y } = blobs(240, 12, 2);
  const options = { Cs: 4, cv: 3, tol: 1e-9, maxIter: 1000, refit: false } as const;
  const path = logisticRegressionCV(X, y, options);
  const folds = logisticRegressionCV(X, y, { ...options, warmStart: 'folds' });
  // Fold 0 starts as the path does (whether the later folds need fewer iterations depends on the
  // problem: the bench measures it).
  assert.deepEqual(folds.iterations[0], path.iterations[0]);
  // Strictly convex: converged fits are the same optimum wherever they start.
  assert.ok(folds.converged.flat().every(Boolean) && path.converged.flat().every(Boolean));
  assert.deepEqual(folds.table.scores, path.table.scores);
  assert.ok(maxAbsDiff(folds.oofLogits, path.oofLogits) < 1e-4);
  // Fold 1's fit at C index 2 is the fit from fold 0's solution at that C.
  const { folds: foldOf } = path;
  const rows1 = rowsWhere(foldOf, 1, false);
  const rows0 = rowsWhere(foldOf, 0, false);
  const Cs = path.table.Cs;
  const from = fitPath(X, y, { Cs, classes: [0, 1, 2], rows: rows0, tol: 1e-9, maxIter: 1000 })[2];
  const direct = fitLogisticRegression(X, y, {
    C: Cs[2],
    rows: rows1,
    tol: 1e-9,
    maxIter: 1000,
    init: { weights: from.weights, intercepts: from.intercepts },
  });
  assert.equal(direct.iterations, folds.iterations[1][2]);
  assert.throws(
    () => logisticRegressionCV(X, y, { warmStart: 'everywhere' as never }),
    /warmStart must be 'path' or 'folds', got everywhere/,
  );
});

test('memory sets the L-BFGS pairs of every fit and the refit, to the same optimum', () => {
  const { X, y } = blobs(300, 13, 2.5);
  const options = { Cs: [0.1, 10], cv: 3, tol: 1e-9, maxIter: 2000 } as const;
  const m10 = logisticRegressionCV(X, y, options);
  const m3 = logisticRegressionCV(X, y, { ...options, memory: 3 });
  assert.notDeepEqual(m3.iterations, m10.iterations);
  assert.deepEqual(m3.table.scores, m10.table.scores);
  assert.ok(maxAbsDiff(m3.model.weights, m10.model.weights) < 1e-5);
  const refit = fitLogisticRegression(X, y, {
    C: m3.table.bestC,
    tol: 1e-9,
    maxIter: 2000,
    memory: 3,
  });
  assert.ok(maxAbsDiff(refit.weights, m3.model.weights) < 1e-5);
  assert.throws(
    () => fitLogisticRegression(X, y, { memory: 0 }),
    /memory must be a positive integer, got 0/,
  );
});
