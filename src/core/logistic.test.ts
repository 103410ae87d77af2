import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLogisticRegression } from './logistic.js';
import { labelsPresent } from './logistic-checks.js';
import { modelFromParameters } from './logistic-model.js';
import { createRng, normal } from './random.js';
import { logisticObjective } from './ts-objective.js';
import type { Matrix } from './types.js';

/** n points around k centres in d dimensions (centre c at 3·e_(c mod d), shifted by c / d). */
function blobs(n: number, d: number, k: number, seed: number, spread = 1) {
  const rng = createRng(seed);
  const data = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < d; j++) {
      const centre = (j === c % d ? 3 : 0) + (j === 0 ? Math.floor(c / d) * 3 : 0);
      data[i * d + j] = centre + spread * normal(rng);
    }
  }
  return { X: { n, d, data } as Matrix, y };
}

test('logisticObjective: the gradient matches central differences (sparse and dense rows, weights, rows, classes)', () => {
  const rng = createRng(11);
  const n = 40;
  const d = 6;
  const classes = [7, 2, 5, 0, 9, 3, 4]; // k = 7 exercises the five-class and the single-class loops
  const k = classes.length;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    // Every third row is mostly zero, so both the sparse and the dense row kernels run.
    for (let j = 0; j < d; j++) data[i * d + j] = i % 3 === 0 && j > 1 ? 0 : normal(rng);
  }
  const X = { n, d, data };
  const y = new Uint8Array(n).map((_, i) => classes[i % k]);
  const sampleWeight = new Float32Array(n).map(() => 0.25 + rng() * 2);
  sampleWeight[5] = 0;
  const rows = Int32Array.from({ length: 30 }, (_, i) => (i * 7) % n);
  rows[29] = rows[0]; // a repeated row counts twice
  const params = new Float64Array(k * d + k).map(() => normal(rng));
  const options = { classes, sampleWeight, rows };
  const C = 0.3;
  const grad = new Float64Array(params.length);
  logisticObjective(X, y, C, params, grad, options);
  const scratch = new Float64Array(params.length);
  const h = 1e-5;
  for (let j = 0; j < params.length; j++) {
    const p = Float64Array.from(params);
    p[j] = params[j] + h;
    const fPlus = logisticObjective(X, y, C, p, scratch, options);
    p[j] = params[j] - h;
    const fMinus = logisticObjective(X, y, C, p, scratch, options);
    const numeric = (fPlus - fMinus) / (2 * h);
    assert.ok(
      Math.abs(numeric - grad[j]) <= 1e-7 * Math.max(1, Math.abs(grad[j])),
      `∂f/∂p[${j}]: analytic ${grad[j]}, numeric ${numeric}`,
    );
  }
});

test('logisticObjective: at zero parameters the loss is log k and the intercept gradient 1/k − frequency', () => {
  const { X, y } = blobs(50, 3, 4, 1);
  y[0] = 0;
  y[1] = 0; // class counts 14, 12, 12, 12 → frequencies differ
  const k = 4;
  const params = new Float64Array(k * 4);
  const grad = new Float64Array(params.length);
  const f = logisticObjective(X, y, 1, params, grad);
  assert.ok(Math.abs(f - Math.log(k)) < 1e-14);
  const counts = [0, 0, 0, 0];
  for (const label of y) counts[label]++;
  for (let c = 0; c < k; c++)
    assert.ok(Math.abs(grad[k * 3 + c] - (1 / k - counts[c] / 50)) < 1e-14);
});

test('logisticObjective: scaling is mean loss + ‖W‖²/(2·C·Σs)', () => {
  // One row, x = 0: the loss is log 2 whatever W is, so f − log 2 is the penalty alone.
  const X = { n: 1, d: 2, data: new Float32Array(2) };
  const params = Float64Array.of(1, 2, 3, -1, 0, 0); // W = [[1, 2], [3, −1]]
  const grad = new Float64Array(6);
  const sampleWeight = Float32Array.of(4);
  const f = logisticObjective(X, Uint8Array.of(1), 0.5, params, grad, { sampleWeight });
  assert.ok(Math.abs(f - (Math.log(2) + 15 / (2 * 0.5 * 4))) < 1e-14);
  assert.ok(Math.abs(grad[0] - 1 / (0.5 * 4)) < 1e-15);
});

test('logisticObjective validates its arguments', () => {
  const X = { n: 2, d: 2, data: new Float32Array(4) };
  const y = Uint8Array.of(0, 1);
  const p = new Float64Array(6);
  const g = new Float64Array(6);
  assert.throws(() => logisticObjective(X, y, 0, p, g), /C must be finite and > 0, got 0/);
  assert.throws(() => logisticObjective(X, y, 1, new Float64Array(7), g), /params.length/);
  assert.throws(() => logisticObjective(X, y, 1, p, new Float64Array(5)), /grad.length/);
  assert.throws(
    () => logisticObjective({ ...X, data: new Float64Array(4) as never }, y, 1, p, g),
    TypeError,
  );
  assert.throws(() => logisticObjective(X, Uint8Array.of(0, 2), 1, p, g), /label 2/);
  assert.throws(() => logisticObjective(X, y, 1, p, g, { rows: Int32Array.of(2) }), /rows\[0\]/);
  assert.throws(
    () => logisticObjective(X, y, 1, p, g, { sampleWeight: Float32Array.of(1, -1) }),
    /sampleWeight\[1\] must be finite and ≥ 0, got -1/,
  );
});

test('fitLogisticRegression: a symmetric 1-D problem has the weight solving 2/(1 + e^(2w)) = w/C', () => {
  // Rows x = −1 (class 0) and x = +1 (class 1): by symmetry W = [−w, w], b = 0, and the scaled
  // objective is log(1 + e^(−2w)) + w²/(2C), stationary where 2/(1 + e^(2w)) = w/C.
  const X = { n: 2, d: 1, data: Float32Array.of(-1, 1) };
  const C = 1;
  let lo = 0;
  let hi = 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (2 / (1 + Math.exp(2 * mid)) > mid / C) lo = mid;
    else hi = mid;
  }
  // The float64 reference backend: 1e-9 is below the SIMD kernel's f32 gradient accuracy.
  const m = fitLogisticRegression(X, Uint8Array.of(0, 1), { C, tol: 1e-12, backend: 'ts' });
  assert.ok(Math.abs(m.weights[1] - lo) < 1e-9, `w = ${m.weights[1]}, expected ${lo}`);
  assert.ok(Math.abs(m.weights[0] + lo) < 1e-9);
  assert.ok(Math.abs(m.intercepts[0]) < 1e-9 && Math.abs(m.intercepts[1]) < 1e-9);
});

test('fitLogisticRegression: with no signal the intercepts reproduce the class frequencies', () => {
  const y = Uint8Array.from([0, 0, 1, 1, 1, 2, 2, 2, 2, 2]);
  const X = { n: 10, d: 1, data: new Float32Array(10) };
  const m = fitLogisticRegression(X, y, { tol: 1e-10 });
  const p = m.predictProba(X, Int32Array.of(0));
  assert.ok(
    Math.abs(p[0] - 0.2) < 1e-9 && Math.abs(p[1] - 0.3) < 1e-9 && Math.abs(p[2] - 0.5) < 1e-9,
  );
  assert.ok(m.converged);
});

test('fitLogisticRegression separates blobs, ends at a stationary point, and has class-summed weights 0', () => {
  const { X, y } = blobs(300, 4, 5, 2);
  // The float64 reference: the SIMD kernel's f32 residuals do not sum to exactly 0 over the classes,
  // which leaves Σ_c W about 1e-5 from 0 at this weak penalty.
  const m = fitLogisticRegression(X, y, { C: 10, backend: 'ts' });
  assert.deepEqual(m.classes, [0, 1, 2, 3, 4]);
  assert.ok(m.converged);
  assert.ok(m.score(X, y) > 0.9, `accuracy ${m.score(X, y)}`);
  const params = new Float64Array(5 * 5);
  params.set(m.weights, 0);
  params.set(m.intercepts, 20);
  const grad = new Float64Array(params.length);
  logisticObjective(X, y, 10, params, grad);
  for (const g of grad) assert.ok(Math.abs(g) <= 1e-4);
  // The softmax ignores a vector added to every class while the penalty does not: at the optimum
  // the weights of each feature sum to 0 over the classes.
  for (let j = 0; j < 4; j++) {
    let s = 0;
    for (let c = 0; c < 5; c++) s += m.weights[c * 4 + j];
    assert.ok(Math.abs(s) < 1e-6, `feature ${j}: Σ_c W = ${s}`);
  }
});

test('fitLogisticRegression: sample weight 2 equals a duplicated row', () => {
  const { X, y } = blobs(40, 3, 3, 3, 2);
  const dupData = new Float32Array(41 * 3);
  dupData.set(X.data);
  dupData.set(X.data.subarray(0, 3), 40 * 3);
  const dupY = new Uint8Array(41);
  dupY.set(y);
  dupY[40] = y[0];
  const sampleWeight = new Float32Array(40).fill(1);
  sampleWeight[0] = 2;
  const a = fitLogisticRegression(X, y, { sampleWeight, tol: 1e-10, maxIter: 500 });
  const b = fitLogisticRegression({ n: 41, d: 3, data: dupData }, dupY, {
    tol: 1e-10,
    maxIter: 500,
  });
  const wa = a.weights;
  const wb = b.weights;
  for (let j = 0; j < wa.length; j++) assert.ok(Math.abs(wa[j] - wb[j]) < 1e-7);
});

test('fitLogisticRegression on rows equals the fit on a copy of those rows, bit for bit', () => {
  const { X, y } = blobs(60, 3, 3, 4, 1.5);
  const rows = Int32Array.from({ length: 30 }, (_, i) => 2 * i + 1);
  const sub = new Float32Array(30 * 3);
  rows.forEach((r, i) => {
    sub.set(X.data.subarray(r * 3, r * 3 + 3), i * 3);
  });
  const a = fitLogisticRegression(X, y, { rows });
  const b = fitLogisticRegression(
    { n: 30, d: 3, data: sub },
    Uint8Array.from(rows, (r) => y[r]),
  );
  assert.deepEqual(a.weights, b.weights);
  assert.deepEqual(a.intercepts, b.intercepts);
  assert.equal(a.iterations, b.iterations);
});

test('fitLogisticRegression: a warm start at the solution needs no iteration; fits are deterministic', () => {
  const { X, y } = blobs(120, 3, 4, 5);
  const a = fitLogisticRegression(X, y, { C: 0.5 });
  const again = fitLogisticRegression(X, y, { C: 0.5 });
  assert.deepEqual(again.weights, a.weights);
  const warm = fitLogisticRegression(X, y, {
    C: 0.5,
    init: { weights: a.weights, intercepts: a.intercepts },
  });
  assert.equal(warm.iterations, 0);
  assert.deepEqual(warm.weights, a.weights);
});

test('fitLogisticRegression: stops at maxIter, honours explicit classes, rejects stray labels', () => {
  const { X, y } = blobs(60, 3, 3, 6);
  const m = fitLogisticRegression(X, y, { maxIter: 2, tol: 0 });
  assert.equal(m.iterations, 2);
  assert.equal(m.converged, false);
  const m4 = fitLogisticRegression(X, y, { classes: [2, 1, 0, 9] });
  assert.deepEqual(m4.classes, [2, 1, 0, 9]);
  assert.deepEqual(m4.predict(X), fitLogisticRegression(X, y).predict(X));
  // Class 9 never occurs, so its probability is driven near 0.
  const p = m4.predictProba(X);
  for (let i = 0; i < X.n; i++) assert.ok(p[i * 4 + 3] < 1e-3);
  assert.throws(() => fitLogisticRegression(X, y, { classes: [0, 1] }), /label 2/);
  assert.throws(() => fitLogisticRegression(X, y, { C: -1 }), /C must be finite and > 0, got -1/);
  assert.throws(
    () =>
      fitLogisticRegression(X, y, {
        init: { weights: new Float64Array(2), intercepts: new Float64Array(3) },
      }),
    /init.weights.length must be k × d = 9, got 2/,
  );
});

test('LogisticModel: predictions agree with each other and the model cannot be changed', () => {
  const { X, y } = blobs(90, 3, 3, 7, 1.5);
  const m = fitLogisticRegression(X, y);
  const logits = m.decisionFunction(X);
  const proba = m.predictProba(X);
  const pred = m.predict(X);
  let correct = 0;
  for (let i = 0; i < X.n; i++) {
    const p = proba.subarray(i * 3, i * 3 + 3);
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-12);
    // Probabilities are the softmax of the logits: their log-ratios are logit differences.
    assert.ok(Math.abs(Math.log(p[1] / p[0]) - (logits[i * 3 + 1] - logits[i * 3])) < 1e-9);
    const best = p.indexOf(Math.max(...p));
    assert.equal(pred[i], m.classes[best]);
    if (pred[i] === y[i]) correct++;
  }
  assert.equal(m.score(X, y), correct / X.n);
  const rows = Int32Array.of(5, 0, 5);
  assert.deepEqual(
    [...m.decisionFunction(X, rows)],
    [...logits.subarray(15, 18), ...logits.subarray(0, 3), ...logits.subarray(15, 18)],
  );
  assert.equal(m.score(X, y, rows), [5, 0, 5].filter((r) => pred[r] === y[r]).length / 3);

  assert.ok(Object.isFrozen(m) && Object.isFrozen(m.classes));
  const w = m.weights;
  w[0] += 100;
  assert.notEqual(m.weights[0], w[0], 'weights is a copy');
  assert.throws(() => {
    (m as { C: number }).C = 5;
  }, TypeError);
  assert.throws(() => m.predict({ n: 1, d: 2, data: new Float32Array(2) }), /X.d must equal/);
});

test('modelFromParameters rebuilds a model that predicts the same, and validates', () => {
  const { X, y } = blobs(60, 3, 3, 8);
  const m = fitLogisticRegression(X, y, { C: 2 });
  const r = modelFromParameters(m.classes, [...m.weights], [...m.intercepts], m.C);
  assert.deepEqual(r.predictProba(X), m.predictProba(X));
  assert.equal(r.nFeatures, 3);
  assert.equal(r.C, 2);
  assert.throws(() => modelFromParameters([0, 1], [1, 2, 3], [0, 0], 1), /positive multiple/);
  assert.throws(() => modelFromParameters([0, 1], [1, 2], [0], 1), /intercepts.length/);
  assert.throws(() => modelFromParameters([0, 0], [1, 2], [0, 0], 1), /distinct/);
  assert.throws(() => modelFromParameters([0, 1], [1, Number.NaN], [0, 0], 1), /finite/);
});

test('labelsPresent lists the sorted distinct labels of the rows', () => {
  const y = Uint8Array.of(5, 3, 5, 9, 3);
  assert.deepEqual(labelsPresent(y), [3, 5, 9]);
  assert.deepEqual(labelsPresent(y, Int32Array.of(0, 2)), [5]);
});
