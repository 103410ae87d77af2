/**
 * Limited-memory BFGS for smooth unconstrained minimisation, with a line search that satisfies the
 * strong Wolfe conditions (Nocedal & Wright, Numerical Optimization, algorithms 7.4, 3.5 and 3.6).
 * Its defaults and stopping rules follow what scikit-learn passes to SciPy's L-BFGS-B for
 * logistic regression: gtol on the largest gradient component, SciPy's relative-decrease ftol,
 * at most 50 line-search evaluations, at most `maxIter` iterations.
 */
import { checkTypedArray } from './check.js';

/** A smooth function: writes the gradient at `x` into `grad` and returns the value at `x`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimizeLbfgs`. */
export interface LbfgsOptions {
  /** Number of correction pairs kept (the m of L-BFGS). Default 10. */
  memory?: number;
  /** Stop when the largest absolute gradient component is ≤ this (scikit-learn's `tol`). Default 1e-4. */
  gtol?: number;
  /**
   * Stop when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ this (SciPy's ftol). Default 64 × machine
   * epsilon, as scikit-learn uses.
   */
  ftol?: number;
  /** Maximum number of iterations (line searches that moved x). Default 100, like scikit-learn. */
  maxIter?: number;
  /** Maximum number of function evaluations in all. Default 15000, like SciPy. */
  maxEval?: number;
  /** Maximum number of evaluations in one line search. Default 50, as scikit-learn sets. */
  maxLineSearch?: number;
}

/** Why `minimizeLbfgs` stopped. */
export type LbfgsStopReason = 'gtol' | 'ftol' | 'maxIter' | 'maxEval' | 'lineSearch';

/** The outcome of `minimizeLbfgs`. */
export interface LbfgsResult {
  /** The final point (a new array; `x0` is not modified). */
  x: Float64Array;
  /** The function value at `x`. */
  f: number;
  /** The largest absolute gradient component at `x`. */
  gradNorm: number;
  /** Iterations performed (each one accepted step). */
  iterations: number;
  /** Function-and-gradient evaluations performed. */
  evaluations: number;
  /** True when stopped by `gtol` or `ftol`. */
  converged: boolean;
  /** The stopping rule that fired ('lineSearch': no step along the search direction decreased f). */
  reason: LbfgsStopReason;
}

/** Sufficient-decrease (Armijo) constant of the Wolfe conditions. */
const WOLFE_C1 = 1e-4;
/** Curvature constant of the strong Wolfe conditions (0.9 is the usual choice for quasi-Newton). */
const WOLFE_C2 = 0.9;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!(v >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    // NaN must win so a broken gradient is never mistaken for convergence.
    if (!(v <= m)) m = v;
  }
  return m;
}

/**
 * Minimises `fn` from `x0` by L-BFGS with a strong-Wolfe line search. Deterministic: the same
 * function and start give bit-identical results. `x0` is left untouched.
 */
export function minimizeLbfgs(
  fn: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${typeof fn}`);
  checkTypedArray('x0', x0, Float64Array);
  if (x0.length === 0) throw new RangeError('x0 must have at least one element, got 0');
  const m = positiveInteger('memory', options.memory, 10);
  const gtol = nonNegative('gtol', options.gtol, 1e-4);
  const ftol = nonNegative('ftol', options.ftol, 64 * Number.EPSILON);
  const maxIter = positiveInteger('maxIter', options.maxIter, 100);
  const maxEval = positiveInteger('maxEval', options.maxEval, 15000);
  const maxLs = positiveInteger('maxLineSearch', options.maxLineSearch, 50);

  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  const gTrial = new Float64Array(n);
  // The lowest point of a failed line search, kept so a partial decrease is never thrown away.
  const xLow = new Float64Array(n);
  const gLow = new Float64Array(n);
  // Correction pairs s = Δx, y = Δg in a ring buffer; slot (head + i) % m holds the i-th oldest.
  const S = new Float64Array(m * n);
  const Y = new Float64Array(m * n);
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let head = 0;
  let stored = 0;

  let evaluations = 1;
  let f = fn(x, g);
  let gradNorm = maxAbs(g);
  if (!Number.isFinite(f)) throw new RangeError(`fn(x0) must be finite, got ${f}`);
  let iterations = 0;

  const finish = (reason: LbfgsStopReason): LbfgsResult => ({
    x,
    f,
    gradNorm,
    iterations,
    evaluations,
    converged: reason === 'gtol' || reason === 'ftol',
    reason,
  });

  if (gradNorm <= gtol) return finish('gtol');

  for (;;) {
    // Search direction d = −H·g by the two-loop recursion over the stored pairs.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = stored - 1; j >= 0; j--) {
      const slot = (head + j) % m;
      const off = slot * n;
      let sd = 0;
      for (let i = 0; i < n; i++) sd += S[off + i] * d[i];
      const a = rho[slot] * sd;
      alpha[slot] = a;
      for (let i = 0; i < n; i++) d[i] -= a * Y[off + i];
    }
    if (stored > 0) {
      // Initial inverse Hessian γI with γ = sᵀy / yᵀy of the newest pair (N&W eq. 7.20).
      const slot = (head + stored - 1) % m;
      const off = slot * n;
      let yy = 0;
      for (let i = 0; i < n; i++) yy += Y[off + i] * Y[off + i];
      const gamma = 1 / (rho[slot] * yy);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < stored; j++) {
      const slot = (head + j) % m;
      const off = slot * n;
      let yd = 0;
      for (let i = 0; i < n; i++) yd += Y[off + i] * d[i];
      const b = alpha[slot] - rho[slot] * yd;
      for (let i = 0; i < n; i++) d[i] += b * S[off + i];
    }

    let dg = dot(d, g);
    if (!(dg < 0)) {
      // The quasi-Newton model went bad (round-off): fall back to steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
    }
    // Like SciPy: a steepest-descent step moves a unit distance, later ones try the full quasi-Newton step.
    const step0 = stored === 0 ? 1 / Math.sqrt(-dg) : 1;

    const f0 = f;
    const evalBudget = Math.min(maxLs, maxEval - evaluations);
    if (evalBudget <= 0) return finish('maxEval');

    // Strong-Wolfe line search on φ(a) = f(x + a·d); on success xTrial/gTrial hold the new point.
    let used = 0;
    const phi = (a: number): [number, number] => {
      for (let i = 0; i < n; i++) xTrial[i] = x[i] + a * d[i];
      used++;
      const v = fn(xTrial, gTrial);
      return [v, dot(gTrial, d)];
    };
    const armijo = (a: number, v: number) => v <= f0 + WOLFE_C1 * a * dg;
    const curvatureOk = (dv: number) => Math.abs(dv) <= -WOLFE_C2 * dg;

    let aLo = 0;
    let fLo = f0;
    let dLo = dg;
    let haveLow = false;
    const keepLow = (a: number, v: number, dv: number) => {
      aLo = a;
      fLo = v;
      dLo = dv;
      xLow.set(xTrial);
      gLow.set(gTrial);
      haveLow = true;
    };
    let accepted = false;
    let fNew = f0;

    const zoom = (aHiIn: number, fHiIn: number, dHiIn: number) => {
      let aHi = aHiIn;
      let fHi = fHiIn;
      let dHi = dHiIn;
      while (used < evalBudget) {
        // Cubic through both ends (N&W eq. 3.59), bisection when it is undefined or too near an end.
        const lo = Math.min(aLo, aHi);
        const width = Math.abs(aHi - aLo);
        let a = Number.NaN;
        if (Number.isFinite(fHi) && Number.isFinite(dHi)) {
          const d1 = dLo + dHi - (3 * (fLo - fHi)) / (aLo - aHi);
          const disc = d1 * d1 - dLo * dHi;
          if (disc >= 0) {
            const d2 = Math.sign(aHi - aLo) * Math.sqrt(disc);
            a = aHi - ((aHi - aLo) * (dHi + d2 - d1)) / (dHi - dLo + 2 * d2);
          }
        }
        if (!(a >= lo + 0.1 * width && a <= lo + 0.9 * width)) a = (aLo + aHi) / 2;
        if (a === aLo || a === aHi) return;
        const [v, dv] = phi(a);
        if (!armijo(a, v) || v >= fLo) {
          aHi = a;
          fHi = v;
          dHi = dv;
        } else {
          if (curvatureOk(dv)) {
            accepted = true;
            fNew = v;
            return;
          }
          if (dv * (aHi - aLo) >= 0) {
            aHi = aLo;
            fHi = fLo;
            dHi = dLo;
          }
          keepLow(a, v, dv);
        }
      }
    };

    let a = step0;
    let aPrev = 0;
    let fPrev = f0;
    let dPrev = dg;
    while (used < evalBudget) {
      const [v, dv] = phi(a);
      if (!armijo(a, v) || (used > 1 && v >= fPrev)) {
        zoom(a, v, dv);
        break;
      }
      if (curvatureOk(dv)) {
        accepted = true;
        fNew = v;
        break;
      }
      keepLow(a, v, dv);
      if (dv >= 0) {
        zoom(aPrev, fPrev, dPrev);
        break;
      }
      aPrev = a;
      fPrev = v;
      dPrev = dv;
      // Still descending steeply: extrapolate.
      a *= 4;
    }
    evaluations += used;

    if (!accepted && haveLow && fLo < f0) {
      // Out of line-search budget, but a point with sufficient decrease exists: take it.
      xTrial.set(xLow);
      gTrial.set(gLow);
      fNew = fLo;
      accepted = true;
    }
    if (!accepted) {
      if (stored > 0) {
        // Forget the curvature history and retry along the steepest descent.
        stored = 0;
        head = 0;
        if (evaluations >= maxEval) return finish('maxEval');
        continue;
      }
      return finish('lineSearch');
    }

    // Store the new pair when its curvature is positive (always so under strong Wolfe, up to round-off).
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const s = xTrial[i] - x[i];
      const yv = gTrial[i] - g[i];
      sy += s * yv;
      yy += yv * yv;
    }
    if (sy > Number.EPSILON * yy) {
      const slot = (head + stored) % m;
      const off = slot * n;
      for (let i = 0; i < n; i++) {
        S[off + i] = xTrial[i] - x[i];
        Y[off + i] = gTrial[i] - g[i];
      }
      rho[slot] = 1 / sy;
      if (stored < m) stored++;
      else head = (head + 1) % m;
    }
    x.set(xTrial);
    g.set(gTrial);
    f = fNew;
    gradNorm = maxAbs(g);
    iterations++;

    if (gradNorm <= gtol) return finish('gtol');
    if ((f0 - f) / Math.max(Math.abs(f0), Math.abs(f), 1) <= ftol) return finish('ftol');
    if (iterations >= maxIter) return finish('maxIter');
    if (evaluations >= maxEval) return finish('maxEval');
  }
}
