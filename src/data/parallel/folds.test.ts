import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CvProgress, type CvResult, logisticRegressionCV } from '../../core/cv.js';
import { featurizeImageSet } from '../../core/dataset.js';
import { fitLogisticRegression } from '../../core/logistic.js';
import { randomProblem } from '../../core/random-problem.js';
import { laneView, prepareSimd } from '../../core/simd.js';
import type { ImageSet, Matrix } from '../../core/types.js';
import { loadMnist } from '../mnist.js';
import { logisticRegressionCVParallel } from './cv.js';
import { createFoldRunner } from './folds.js';
import { createParallelBackend } from './pool.js';

/** Everything the folds decide: the table, every fit's iterations, the out-of-fold logits. */
function assertSameFolds(actual: CvResult, expected: CvResult, what: string): void {
  assert.deepEqual(actual.table, expected.table, `${what}: CV table`);
  assert.deepEqual(actual.iterations, expected.iterations, `${what}: iterations`);
  assert.deepEqual(actual.converged, expected.converged, `${what}: converged`);
  assert.deepEqual(actual.folds, expected.folds, `${what}: folds`);
  assert.deepEqual(actual.oofLogits, expected.oofLogits, `${what}: out-of-fold logits`);
}

test("folds mode: each fold's path bit-identical to core's one-thread SIMD backend, for 1–3 threads", () => {
  const { X, y, rng } = randomProblem(900, 30, 10, 21, 0.4);
  const sampleWeight = new Float32Array(900).map(() => 0.5 + rng());
  // refit: false makes the model the mean of the fold models at the best C: their coefficients.
  const options = { Cs: 6, cv: 4, seed: 3, tol: 1e-6, sampleWeight, refit: false };
  const reference = logisticRegressionCV(X, y, { ...options, backend: 'simd' });
  assert.ok(
    reference.iterations.flat().some((i) => i > 5),
    'the fits must do real work to compare',
  );
  for (const threads of [1, 2, 3]) {
    const r = logisticRegressionCVParallel(X, y, { ...options, threads, parallel: 'folds' });
    assertSameFolds(r, reference, `${threads} threads`);
    assert.deepEqual(r.model.weights, reference.model.weights, `${threads} threads: weights`);
    assert.deepEqual(r.model.intercepts, reference.model.intercepts);
  }
});

test('both modes pass memory to every fit: folds mode equals one SIMD thread at the same memory', () => {
  const { X, y } = randomProblem(600, 20, 10, 22, 0.4);
  const options = { Cs: 3, cv: 3, tol: 1e-7, memory: 3, refit: false };
  const reference = logisticRegressionCV(X, y, { ...options, backend: 'simd' });
  const m10 = logisticRegressionCV(X, y, { ...options, memory: 10, backend: 'simd' });
  assert.notDeepEqual(reference.iterations, m10.iterations, 'memory must change the fits');
  const folds = logisticRegressionCVParallel(X, y, { ...options, threads: 2, parallel: 'folds' });
  assertSameFolds(folds, reference, 'folds mode, memory 3');
  const rows = logisticRegressionCVParallel(X, y, { ...options, threads: 1, parallel: 'rows' });
  assertSameFolds(rows, reference, 'rows mode on 1 thread, memory 3');
});

test('folds mode: the refit is one fit from the mean fold solution, rows split over the threads', async () => {
  const { X, y } = randomProblem(700, 16, 5, 8, 0.3);
  const options = { Cs: [0.01, 0.1, 1], cv: 3, seed: 1, tol: 1e-6, maxIter: 300 };
  const events: CvProgress[] = [];
  const refitted = logisticRegressionCVParallel(X, y, {
    ...options,
    threads: 2,
    parallel: 'folds',
    onProgress: (e) => events.push(e),
  });
  const mean = logisticRegressionCVParallel(X, y, {
    ...options,
    refit: false,
    threads: 2,
    parallel: 'folds',
  });
  const reference = logisticRegressionCV(X, y, { ...options, backend: 'simd' });
  assertSameFolds(refitted, reference, 'refit: true');
  const backend = createParallelBackend({ threads: 2 });
  try {
    const expected = fitLogisticRegression(X, y, {
      C: refitted.table.bestC,
      tol: options.tol,
      maxIter: options.maxIter,
      init: { weights: mean.model.weights, intercepts: mean.model.intercepts },
      backend,
    });
    assert.ok(expected.iterations > 0, 'the refit must move from the fold mean');
    assert.equal(refitted.refitIterations, expected.iterations);
    assert.deepEqual(refitted.model.weights, expected.weights);
    assert.deepEqual(refitted.model.intercepts, expected.intercepts);
  } finally {
    await backend.close();
  }
  // One event per fit, `done` counting up, the refit last; the folds may finish in any order.
  assert.deepEqual(
    events.map((e) => e.done),
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
  assert.ok(events.every((e) => e.total === 10));
  assert.equal(events[9].fold, -1);
  const fits = events.slice(0, 9).map((e) => `${e.fold}:${e.C}`);
  assert.deepEqual(new Set(fits).size, 9);
});

/** The first n MNIST training images as HOG features. */
function mnistSlice(n: number): { X: Matrix; y: Uint8Array } {
  const all = loadMnist('train');
  const side = all.width * all.height;
  const set: ImageSet = {
    n,
    width: all.width,
    height: all.height,
    pixels: all.pixels.subarray(0, n * side),
    labels: all.labels.subarray(0, n),
  };
  const fs = featurizeImageSet(set, {
    features: 'hog',
    preprocessing: { deskew: true, downscaleTo: 0, rasterSide: 0 },
  });
  return { X: fs.X, y: fs.y };
}

test('folds mode on an MNIST slice (HOG): the same folds as one SIMD thread, and a usable model', () => {
  const { X, y } = mnistSlice(1500);
  const options = { Cs: [0.1, 1, 10], cv: 3, seed: 0, tol: 1e-5 };
  const reference = logisticRegressionCV(X, y, { ...options, backend: 'simd', refit: false });
  const folds = logisticRegressionCVParallel(X, y, {
    ...options,
    refit: false,
    threads: 2,
    parallel: 'folds',
  });
  assertSameFolds(folds, reference, 'MNIST slice');
  assert.deepEqual(folds.model.weights, reference.model.weights);
  // The out-of-fold accuracy at the best C, from the shared logits, is that of a working model.
  const k = 10;
  let correct = 0;
  for (let i = 0; i < X.n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++)
      if (folds.oofLogits[i * k + c] > folds.oofLogits[i * k + best]) best = c;
    if (best === y[i]) correct++;
  }
  assert.ok(correct / X.n > 0.9, `out-of-fold accuracy ${correct / X.n}`);
  // … and agrees with the CV table: the held-out accuracies at the best C, pooled by fold size.
  const best = folds.table.Cs.indexOf(folds.table.bestC);
  let pooled = 0;
  folds.table.scores.forEach((row, f) => {
    pooled += row[best] * folds.folds.filter((g) => g === f).length;
  });
  assert.ok(Math.abs(pooled - correct) < 1e-9, `${pooled} vs ${correct}`);
});

test('folds mode: bad input is refused before any worker starts; beyond the kernel it runs as rows', () => {
  const { X, y } = randomProblem(120, 6, 3, 2);
  assert.throws(
    () => logisticRegressionCVParallel(X, y, { parallel: 'columns' as 'rows' }),
    /parallel must be 'rows' or 'folds', got columns/,
  );
  assert.throws(
    () => logisticRegressionCVParallel(X, y, { parallel: 'folds', tol: -1 }),
    /tol must be a number ≥ 0, got -1/,
  );
  const badWeight = new Float32Array(120).fill(1);
  badWeight[7] = -2;
  assert.throws(
    () => logisticRegressionCVParallel(X, y, { parallel: 'folds', sampleWeight: badWeight }),
    /sampleWeight\[7\] must be finite and ≥ 0, got -2/,
  );
  assert.throws(
    () => logisticRegressionCVParallel(X, y, { parallel: 'folds', warmStart: 'folds' }),
    /warmStart 'folds' fits the folds in order.*use parallel 'rows'/,
  );
  assert.throws(
    () => logisticRegressionCVParallel(X, y, { parallel: 'folds', threads: 0 }),
    /threads must be a positive integer, got 0/,
  );
  assert.throws(
    () =>
      logisticRegressionCVParallel({ n: 3, d: 2, data: new Float32Array(5) }, y, {
        parallel: 'folds',
      }),
    /X.data.length must be n × d = 6, got 5/,
  );
  // 12 classes: more than the kernel's 10, so both modes use the TypeScript objective alike.
  const wide = randomProblem(240, 5, 12, 4);
  const options = { Cs: 3, cv: 2, threads: 2 };
  const rows = logisticRegressionCVParallel(wide.X, wide.y, { ...options, parallel: 'rows' });
  const folds = logisticRegressionCVParallel(wide.X, wide.y, { ...options, parallel: 'folds' });
  assert.deepEqual(folds.table, rows.table);
  assert.deepEqual(folds.model.weights, rows.model.weights);
});

test('a prepared kernel memory must suit the pool and the fold runner', () => {
  const { X } = randomProblem(40, 8, 3, 5);
  const plain = prepareSimd(X, { threads: 2 });
  assert.throws(
    () => createParallelBackend({ threads: 2, prepared: { X: X.data, data: plain } }),
    /prepared.data must be in shared memory/,
  );
  const shared = prepareSimd(X, { threads: 2, shared: true });
  assert.throws(
    () => createParallelBackend({ threads: 3, prepared: { X: X.data, data: shared } }),
    /prepared.data must be laid out for the 3 threads, got 2/,
  );
  assert.throws(() => createFoldRunner(shared), /data must have at least one lane/);
  assert.throws(() => laneView(shared, 0), /lane must be in \[0, 0\), got 0/);
  assert.throws(() => prepareSimd(X, { lanes: -1 }), /lanes must be an integer ≥ 0, got -1/);
});
