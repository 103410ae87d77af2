import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimizeLbfgs, type Objective } from './lbfgs.js';

/** The extended Rosenbrock function Σ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)²; minimum 0 at all ones. */
const rosenbrock: Objective = (x, grad) => {
  grad.fill(0);
  let f = 0;
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i];
    const b = x[i + 1];
    const t = b - a * a;
    f += 100 * t * t + (1 - a) * (1 - a);
    grad[i] = -400 * a * t - 2 * (1 - a);
    grad[i + 1] = 200 * t;
  }
  return f;
};

/** f(x) = ½(x − c)ᵀA(x − c) with a fixed ill-conditioned SPD A: minimum 0 at c. */
function quadratic(c: number[]): Objective {
  const n = c.length;
  // A = tridiagonal with diagonal 1, 10, 100, … (capped) and off-diagonal 0.5: diagonally dominant, SPD.
  const diag = c.map((_, i) => 10 ** Math.min(i, 3));
  return (x, grad) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ai = diag[i] * (x[i] - c[i]);
      if (i > 0) ai += 0.5 * (x[i - 1] - c[i - 1]);
      if (i < n - 1) ai += 0.5 * (x[i + 1] - c[i + 1]);
      grad[i] = ai;
      f += 0.5 * (x[i] - c[i]) * ai;
    }
    return f;
  };
}

test('minimizeLbfgs finds the Rosenbrock minimum at (1, 1) from (−1.2, 1)', () => {
  const x0 = Float64Array.of(-1.2, 1);
  const r = minimizeLbfgs(rosenbrock, x0, { gtol: 1e-8, maxIter: 500 });
  assert.equal(r.converged, true);
  assert.equal(r.reason, 'gtol');
  assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6, `x = ${r.x}`);
  assert.ok(r.f < 1e-12);
  assert.ok(r.gradNorm <= 1e-8);
  assert.ok(r.iterations > 10 && r.evaluations >= r.iterations);
  assert.deepEqual([...x0], [-1.2, 1], 'x0 is left untouched');
});

test('minimizeLbfgs solves the 20-dimensional Rosenbrock function', () => {
  const x0 = new Float64Array(20).map((_, i) => (i % 2 === 0 ? -1.2 : 1));
  const r = minimizeLbfgs(rosenbrock, x0, { gtol: 1e-7, maxIter: 1000 });
  assert.equal(r.converged, true);
  for (const v of r.x) assert.ok(Math.abs(v - 1) < 1e-5, `x = ${r.x}`);
});

test('minimizeLbfgs finds the known minimum of an ill-conditioned quadratic', () => {
  const c = [1, -2, 3, 0.5, -4, 2, 7, -1];
  const r = minimizeLbfgs(quadratic(c), new Float64Array(c.length), {
    gtol: 1e-10,
    ftol: 0,
  });
  assert.equal(r.reason, 'gtol');
  for (let i = 0; i < c.length; i++) assert.ok(Math.abs(r.x[i] - c[i]) < 1e-9, `x = ${r.x}`);
  assert.ok(r.f < 1e-15);
});

test('minimizeLbfgs stops at maxIter and says so', () => {
  const r = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 3 });
  assert.equal(r.iterations, 3);
  assert.equal(r.reason, 'maxIter');
  assert.equal(r.converged, false);
  assert.ok(r.f < 24.2, 'three steps still decrease f from f(x0) = 24.2');
});

test('minimizeLbfgs stops on a small relative decrease when gtol cannot fire', () => {
  const r = minimizeLbfgs(quadratic([1, 2, 3]), new Float64Array(3), { gtol: 0, ftol: 1e-3 });
  assert.equal(r.reason, 'ftol');
  assert.equal(r.converged, true);
  // It stopped early: f is small but well above the round-off of f* = 0.
  assert.ok(r.f < 0.1 && r.f > 1e-12, `f = ${r.f}`);
});

test('minimizeLbfgs does nothing at a stationary start', () => {
  const r = minimizeLbfgs(quadratic([1, 2]), Float64Array.of(1, 2));
  assert.equal(r.iterations, 0);
  assert.equal(r.evaluations, 1);
  assert.equal(r.reason, 'gtol');
});

test('minimizeLbfgs is deterministic', () => {
  const x0 = new Float64Array(10).map((_, i) => (i % 2 === 0 ? -1.2 : 1));
  const a = minimizeLbfgs(rosenbrock, x0, { maxIter: 40 });
  const b = minimizeLbfgs(rosenbrock, x0, { maxIter: 40 });
  assert.deepEqual(a, b);
});

test('minimizeLbfgs reports a function without a descent direction as a line-search failure', () => {
  // A gradient that points the wrong way: no step along −g decreases f.
  const liar: Objective = (x, grad) => {
    grad[0] = -2 * x[0];
    return x[0] * x[0];
  };
  const r = minimizeLbfgs(liar, Float64Array.of(1));
  assert.equal(r.reason, 'lineSearch');
  assert.equal(r.converged, false);
  assert.equal(r.x[0], 1);
});

test('minimizeLbfgs validates its arguments', () => {
  assert.throws(() => minimizeLbfgs(rosenbrock, [1, 2] as unknown as Float64Array), TypeError);
  assert.throws(() => minimizeLbfgs(rosenbrock, new Float64Array(0)), /x0 must have/);
  assert.throws(
    () => minimizeLbfgs(rosenbrock, Float64Array.of(0, 0), { memory: 0 }),
    /memory must be a positive integer, got 0/,
  );
  assert.throws(
    () => minimizeLbfgs(rosenbrock, Float64Array.of(0, 0), { gtol: -1 }),
    /gtol must be a number ≥ 0, got -1/,
  );
  assert.throws(
    () => minimizeLbfgs(() => Number.NaN, Float64Array.of(0)),
    /fn\(x0\) must be finite, got NaN/,
  );
});
