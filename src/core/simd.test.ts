import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindBackend } from './backend.js';
import { logisticRegressionCV } from './cv.js';
import { fitLogisticRegression } from './logistic.js';
import type { ObjectiveProblem } from './objective.js';
import { normal } from './random.js';
import { randomProblem } from './random-problem.js';
import {
  instantiateKernel,
  type KernelExports,
  partition,
  prepareSimd,
  SIMD_MAX_CLASSES,
  simdAvailable,
  simdBackend,
  singleThreadKernel,
} from './simd.js';
import { tsBackend } from './ts-objective.js';

/**
 * Tolerance of the SIMD objective against the float64 reference: the value to 1e-9 relative, each
 * gradient component to 1e-6 × max|x| (f32 products summed in blocks of 64 rows, then in f64).
 */
const VALUE_TOL = 1e-9;
const GRAD_TOL = 1e-6;

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Asserts the backend's value and gradient match the reference's within the stated tolerance. */
function assertAgrees(problem: ObjectiveProblem, C: number, params: Float64Array, label: string) {
  const gRef = new Float64Array(params.length);
  const gSimd = new Float64Array(params.length);
  const fRef = tsBackend.bind(problem)!(C, params, gRef);
  const fSimd = simdBackend.bind(problem)!(C, params, gSimd);
  assert.ok(
    Math.abs(fSimd - fRef) <= VALUE_TOL * Math.max(1, Math.abs(fRef)),
    `${label}: value ${fSimd} vs ${fRef}`,
  );
  const scale = maxAbs(problem.X.data);
  let worst = 0;
  for (let j = 0; j < gRef.length; j++) worst = Math.max(worst, Math.abs(gSimd[j] - gRef[j]));
  assert.ok(worst <= GRAD_TOL * scale, `${label}: gradient off by ${worst} (max|x| ${scale})`);
}

test('simd: WebAssembly SIMD validates in Node 20', () => {
  assert.equal(simdAvailable(), true);
});

test('simd: value and gradient agree with the TypeScript reference (dense, sparse, d not a multiple of 4, k < 10, rows, weights)', () => {
  const cases = [
    { n: 300, d: 37, k: 10, zeros: 0 },
    { n: 257, d: 64, k: 10, zeros: 0.8 },
    { n: 130, d: 5, k: 3, zeros: 0.3 },
    { n: 90, d: 9, k: 2, zeros: 0 },
  ];
  cases.forEach(({ n, d, k, zeros }, i) => {
    const { X, y, col, rng } = randomProblem(n, d, k, 100 + i, zeros);
    const params = new Float64Array(k * d + k).map(() => 0.3 * normal(rng));
    const label = `n=${n} d=${d} k=${k} zeros=${zeros}`;
    assertAgrees({ X, y, k, col }, 0.5, params, label);
    assertAgrees({ X, y, k, col }, 1e-3, new Float64Array(k * d + k), `${label}, zero params`);
    const rows = Int32Array.from({ length: Math.floor(n / 2) }, (_, t) => (t * 7) % n);
    rows[rows.length - 1] = rows[0]; // a repeated row counts twice
    const sampleWeight = new Float32Array(n).map(() => rng() * 2);
    sampleWeight[rows[1]] = 0;
    assertAgrees({ X, y, k, col, rows, sampleWeight }, 3, params, `${label}, rows and weights`);
  });
});

test('simd: classes out of order map through col like the reference', () => {
  const { X, y, rng } = randomProblem(120, 12, 4, 7);
  const col = new Int16Array(256).fill(-1);
  [2, 0, 3, 1].forEach((label, c) => {
    col[label] = c;
  });
  const params = new Float64Array(4 * 12 + 4).map(() => normal(rng));
  assertAgrees({ X, y, k: 4, col }, 0.2, params, 'permuted classes');
});

test('simd: the same call gives bit-identical results every time', () => {
  const { X, y, k, col, rng } = randomProblem(500, 40, 10, 3, 0.5);
  const params = new Float64Array(k * 40 + k).map(() => normal(rng));
  const kernel = simdBackend.bind({ X, y, k, col })!;
  const g1 = new Float64Array(params.length);
  const g2 = new Float64Array(params.length);
  const f1 = kernel(0.1, params, g1);
  // Bind another problem on the same X in between: the kernel must rebind its own rows.
  simdBackend.bind({ X, y, k, col, rows: Int32Array.of(1, 2, 3) })!(0.1, params, g2);
  const f2 = kernel(0.1, params, g2);
  assert.equal(f1, f2);
  assert.deepEqual(g1, g2);
});

test('simd: more classes than the kernel takes: auto falls back to TypeScript, simd throws', () => {
  const k = SIMD_MAX_CLASSES + 1;
  const { X, y, col } = randomProblem(60, 4, k, 5);
  const problem = { X, y, k, col };
  assert.equal(simdBackend.bind(problem), null);
  const params = new Float64Array(k * 4 + k).fill(0.1);
  const gAuto = new Float64Array(params.length);
  const gTs = new Float64Array(params.length);
  assert.equal(
    bindBackend('auto', problem)(1, params, gAuto),
    tsBackend.bind(problem)!(1, params, gTs),
  );
  assert.deepEqual(gAuto, gTs);
  assert.throws(() => bindBackend('simd', problem), /at most 10 classes/);
  assert.throws(() => bindBackend('gpu' as 'ts', problem), TypeError);
});

/** The value and gradient of `problem` at (C, params) from a fresh kernel memory (a new pass). */
function freshPass(problem: ObjectiveProblem, C: number, params: Float64Array) {
  const data = prepareSimd(problem.X);
  const grad = new Float64Array(params.length);
  const f = singleThreadKernel(data, instantiateKernel(data), problem)(C, params, grad);
  return { f, grad };
}

test('simd: a fit starting where the last pass ended (warm start, another C) reuses its sums: the same bits, no pass', () => {
  const { X, y, k, col, rng } = randomProblem(400, 30, 10, 21, 0.4);
  const rows = Int32Array.from({ length: 300 }, (_, t) => (t * 11) % 400);
  const sampleWeight = new Float32Array(400).map(() => rng() * 2);
  const params = new Float64Array(k * 30 + k).map(() => 0.3 * normal(rng));
  const data = prepareSimd(X);
  const real = instantiateKernel(data);
  let passes = 0;
  const counting: KernelExports = {
    objective: (...args) => {
      passes++;
      return real.objective(...args);
    },
  };
  const problem = { X, y, k, col, rows, sampleWeight };
  const g1 = new Float64Array(params.length);
  singleThreadKernel(data, counting, problem)(0.5, params, g1);
  assert.equal(passes, 1);
  // The next fit of a C path: a new binding of an equal problem (copies of its arrays).
  const next = { X, y: y.slice(), k, col: col.slice(), rows: rows.slice(), sampleWeight };
  const g2 = new Float64Array(params.length);
  const f2 = singleThreadKernel(data, counting, next)(5, params, g2);
  assert.equal(passes, 1, 'same problem, same parameters: the held sums serve');
  const ref = freshPass(problem, 5, params);
  assert.equal(f2, ref.f);
  assert.deepEqual(g2, ref.grad);
  // Anything different runs a pass, and gives that pass's bits.
  const moved = params.slice();
  moved[7] += 1e-12;
  const other = [
    { what: 'other parameters', problem: next, params: moved },
    { what: 'other rows', problem: { ...next, rows: rows.subarray(1) }, params },
    {
      what: 'other weights',
      problem: { ...next, sampleWeight: sampleWeight.map((w) => w + 1) },
      params,
    },
    { what: 'no weights', problem: { X, y, k, col, rows }, params },
    { what: 'other labels', problem: { ...next, y: y.map((v) => (v + 1) % k) }, params },
  ];
  for (const [i, c] of other.entries()) {
    const g = new Float64Array(params.length);
    const f = singleThreadKernel(data, counting, c.problem)(5, c.params, g);
    assert.equal(passes, 2 + i, `${c.what}: a pass runs`);
    const want = freshPass(c.problem, 5, c.params);
    assert.equal(f, want.f, c.what);
    assert.deepEqual(g, want.grad, c.what);
  }
});

test('simd: rows wider than one 64-group mask word (d = 600, groups 0–149)', () => {
  const { X, y, k, col, rng } = randomProblem(70, 600, 10, 31, 0.9);
  const params = new Float64Array(k * 600 + k).map(() => 0.1 * normal(rng));
  assertAgrees({ X, y, k, col }, 0.7, params, 'd=600 sparse');
});

test('simd: models fitted on either backend predict the same classes', () => {
  const { X, y } = randomProblem(600, 30, 10, 21, 0.6);
  const fits = (['ts', 'simd'] as const).map((backend) =>
    fitLogisticRegression(X, y, { C: 0.05, tol: 1e-6, maxIter: 500, backend }),
  );
  assert.ok(fits.every((m) => m.converged));
  assert.deepEqual(fits[1].predict(X), fits[0].predict(X));
  const wTs = fits[0].weights;
  const wSimd = fits[1].weights;
  let worst = 0;
  for (let j = 0; j < wTs.length; j++) worst = Math.max(worst, Math.abs(wTs[j] - wSimd[j]));
  assert.ok(worst <= 1e-3 * maxAbs(wTs), `weights differ by ${worst}`);
});

test('simd: a CV run on either backend chooses the same C with near-equal scores', () => {
  const { X, y } = randomProblem(400, 16, 4, 9, 0.4);
  const options = { Cs: 4, cv: 3, seed: 1 };
  const ts = logisticRegressionCV(X, y, { ...options, backend: 'ts' });
  const simd = logisticRegressionCV(X, y, { ...options, backend: 'simd' });
  assert.equal(simd.table.bestC, ts.table.bestC);
  simd.table.meanScores.forEach((s, i) => {
    assert.ok(
      Math.abs(s - ts.table.meanScores[i]) <= 1 / 400,
      `C ${i}: ${s} vs ${ts.table.meanScores[i]}`,
    );
  });
  assert.deepEqual(simd.model.predict(X), ts.model.predict(X));
});

test('simd: partition splits rows into fixed contiguous ranges covering all', () => {
  assert.deepEqual(partition(10, 0, 3), [0, 3]);
  assert.deepEqual(partition(10, 1, 3), [3, 6]);
  assert.deepEqual(partition(10, 2, 3), [6, 10]);
  assert.deepEqual(partition(1, 0, 2), [0, 0]);
  assert.deepEqual(partition(1, 1, 2), [0, 1]);
});
