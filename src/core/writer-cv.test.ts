import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainingSource } from './combined.js';
import { logisticRegressionCV } from './cv.js';
import type { FeatureSet } from './dataset.js';
import { createRng, normal } from './random.js';
import { type CvFit, writerCrossValidation } from './writer-cv.js';

/** n rows of 10 classes in 10 dimensions, class c around 4·e_c; writers w0 … w(writers−1). */
function blobs(n: number, seed: number, writers?: number): FeatureSet {
  const rng = createRng(seed);
  const d = 10;
  const data = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 10;
    for (let j = 0; j < d; j++) data[i * d + j] = (j === y[i] ? 4 : 0) + normal(rng);
  }
  return {
    X: { n, d, data },
    y,
    groups: writers
      ? Array.from({ length: n }, (_, i) => `w${Math.floor(i / (n / writers))}`)
      : undefined,
    sourceIndex: Int32Array.from({ length: n }, (_, i) => i),
    emptyCount: 0,
  };
}

test('writerCrossValidation: each writer held out exactly once, never trained on in its fold', () => {
  const base: TrainingSource[] = [{ name: 'mnist', kind: 'mnist', set: blobs(200, 1) }];
  const real: TrainingSource = { name: 'pen', kind: 'real', set: blobs(120, 2, 6), weight: 2 };
  const calls: { n: number; weights?: Float32Array }[] = [];
  const fit: CvFit = (X, y, o) => {
    calls.push({ n: X.n, weights: o.sampleWeight });
    assert.ok(o.folds, 'inner folds are group-aware');
    return logisticRegressionCV(X, y, o);
  };
  const r = writerCrossValidation(
    base,
    real,
    { test: blobs(100, 3) },
    {
      nFolds: 3,
      cv: { Cs: [1], cv: 2 },
      fit,
    },
  );
  assert.equal(r.folds.length, 3);
  const held = r.folds.flatMap((f) => f.writers).sort();
  assert.deepEqual(held, ['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
  for (const f of r.folds) {
    assert.equal(f.writers.length, 2);
    assert.equal(f.heldOut.n, 40);
    assert.equal(f.nTrain, 200 + 80);
    assert.ok(f.tests.test.accuracy > 0.9, `test accuracy ${f.tests.test.accuracy}`);
  }
  assert.deepEqual(
    calls.map((c) => c.n),
    [280, 280, 280],
  );
  // The real rows carry their weight into the fit.
  const w = calls[0].weights;
  assert.ok(w);
  assert.equal(w[0], 1);
  assert.equal(w[279], 2);
  assert.equal(r.pooled.n, 120);
  assert.ok(r.pooled.accuracy > 0.9, `pooled ${r.pooled.accuracy}`);
  assert.ok(Number.isNaN(r.pooled.threshold));
  const mean = r.folds.reduce((a, f) => a + f.tests.test.accuracy, 0) / 3;
  assert.equal(r.testAccuracy.test, mean);
});

test('writerCrossValidation without real drawings fits once and tests on all of them', () => {
  let fits = 0;
  const r = writerCrossValidation(
    [{ name: 'mnist', kind: 'mnist', set: blobs(200, 1) }],
    { name: 'pen', kind: 'real', set: blobs(120, 2, 6) },
    {},
    {
      nFolds: 3,
      includeReal: false,
      cv: { Cs: [1], cv: 2 },
      fit: (X, y, o) => {
        fits++;
        return logisticRegressionCV(X, y, o);
      },
    },
  );
  assert.equal(fits, 1);
  assert.equal(r.folds.length, 3);
  for (const f of r.folds) assert.equal(f.nTrain, 200);
  assert.equal(r.pooled.n, 120);
  assert.equal(
    r.pooled.accuracy,
    r.folds.reduce((a, f) => a + f.heldOut.accuracy * f.heldOut.n, 0) / 120,
  );
  assert.throws(
    () =>
      writerCrossValidation([], { name: 'x', kind: 'real', set: blobs(10, 1) }, {}, { nFolds: 2 }),
    /must have writer groups/,
  );
});
