import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logisticRegressionCV } from '../../core/cv.js';
import { fitLogisticRegression } from '../../core/logistic.js';
import { normal } from '../../core/random.js';
import { randomProblem } from '../../core/random-problem.js';
import { simdBackend } from '../../core/simd.js';
import { tsBackend } from '../../core/ts-objective.js';
import { logisticRegressionCVParallel } from './cv.js';
import { createParallelBackend } from './pool.js';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('parallel: 2 and 3 threads agree with the TypeScript reference and one SIMD thread', async () => {
  const { X, y, k, col, rng } = randomProblem(1001, 50, 10, 4, 0.5);
  const rows = Int32Array.from({ length: 700 }, (_, i) => (i * 13) % 1001);
  const sampleWeight = new Float32Array(1001).map(() => rng() * 2);
  const problem = { X, y, k, col, rows, sampleWeight };
  const params = new Float64Array(k * 50 + k).map(() => 0.2 * normal(rng));
  const gRef = new Float64Array(params.length);
  const fRef = tsBackend.bind(problem)!(0.3, params, gRef);
  const gOne = new Float64Array(params.length);
  const fOne = simdBackend.bind(problem)!(0.3, params, gOne);
  for (const threads of [2, 3]) {
    const backend = createParallelBackend({ threads });
    try {
      const kernel = backend.bind(problem)!;
      const g = new Float64Array(params.length);
      const f = kernel(0.3, params, g);
      assert.ok(Math.abs(f - fRef) <= 1e-9 * Math.abs(fRef), `${threads} threads: ${f} vs ${fRef}`);
      assert.ok(Math.abs(f - fOne) <= 1e-12 * Math.abs(fOne));
      assert.ok(maxAbsDiff(g, gRef) <= 1e-6 * 5, `${threads} threads vs reference`);
      assert.ok(maxAbsDiff(g, gOne) <= 1e-7 * 5, `${threads} threads vs one SIMD thread`);
      // Bit-identical on repeat (a pass elsewhere in between, so the repeat is a new pass):
      // fixed partition and summation order.
      kernel(0.3, new Float64Array(params.length), new Float64Array(params.length));
      const g2 = new Float64Array(params.length);
      assert.equal(kernel(0.3, params, g2), f);
      assert.deepEqual(g2, g);
      // The next fit of a C path starts where this one ended, at another C: its first value and
      // gradient come from the held sums, with the bits of a new backend's pass.
      const g3 = new Float64Array(params.length);
      const f3 = backend.bind({ ...problem, col: col.slice() })!(3, params, g3);
      const fresh = createParallelBackend({ threads });
      try {
        const g4 = new Float64Array(params.length);
        assert.equal(f3, fresh.bind(problem)!(3, params, g4));
        assert.deepEqual(g3, g4);
      } finally {
        await fresh.close();
      }
    } finally {
      await backend.close();
    }
  }
});

test('parallel: a fit is bit-identical run to run and predicts like the reference fit', async () => {
  const { X, y } = randomProblem(800, 24, 10, 8, 0.3);
  const runs = [];
  for (let r = 0; r < 2; r++) {
    const backend = createParallelBackend({ threads: 2 });
    try {
      runs.push(fitLogisticRegression(X, y, { C: 0.1, tol: 1e-6, maxIter: 500, backend }));
    } finally {
      await backend.close();
    }
  }
  assert.deepEqual(runs[1].weights, runs[0].weights);
  assert.deepEqual(runs[1].intercepts, runs[0].intercepts);
  const ref = fitLogisticRegression(X, y, { C: 0.1, tol: 1e-6, maxIter: 500, backend: 'ts' });
  assert.deepEqual(runs[0].predict(X), ref.predict(X));
});

test('parallel: CV gives the sequential CvTable (within one validation row per score) and is deterministic', () => {
  const { X, y } = randomProblem(600, 20, 5, 12, 0.4);
  const options = { Cs: 5, cv: 3, seed: 2 };
  const sequential = logisticRegressionCV(X, y, { ...options, backend: 'ts' });
  const a = logisticRegressionCVParallel(X, y, { ...options, threads: 2 });
  const b = logisticRegressionCVParallel(X, y, { ...options, threads: 2 });
  assert.deepEqual(b.table, a.table);
  assert.deepEqual(b.model.weights, a.model.weights);
  assert.equal(a.table.bestC, sequential.table.bestC);
  assert.deepEqual(a.table.Cs, sequential.table.Cs);
  a.table.scores.forEach((foldScores, f) => {
    foldScores.forEach((s, c) => {
      assert.ok(Math.abs(s - sequential.table.scores[f][c]) <= 1 / 200 + 1e-12, `fold ${f} C ${c}`);
    });
  });
  assert.deepEqual(a.model.predict(X), sequential.model.predict(X));
});

test('parallel: problems beyond the kernel fall back; bad thread counts are refused', async () => {
  const { X, y, col } = randomProblem(50, 3, 12, 1);
  const backend = createParallelBackend({ threads: 2 });
  assert.equal(backend.bind({ X, y, k: 12, col }), null);
  await backend.close();
  assert.throws(() => createParallelBackend({ threads: 0 }), RangeError);
});
