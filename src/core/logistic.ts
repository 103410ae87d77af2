/**
 * Multinomial logistic regression with an L2 penalty, in scikit-learn's conventions: the fit
 * minimises C · Σᵢ sᵢ·logloss(xᵢ, yᵢ) + ½‖W‖² (intercepts not penalised), solved by L-BFGS.
 */
import { type LbfgsResult, minimizeLbfgs } from './lbfgs.js';
import { finishObjective } from './objective.js';
import { simdBackend } from './simd.js';
import type { Matrix } from './types.js';

/** The fixed part of one fit: the data, the used rows and weights, and the label columns. */
export interface ObjectiveProblem {
  X: Matrix;
  y: Uint8Array;
  /** Number of classes (columns). */
  k: number;
  /** Column of each label (−1 for labels not among the classes; none occur in the used rows). */
  col: Int16Array;
  rows?: Int32Array;
  sampleWeight?: Float32Array;
}

/** The objective of `logisticObjective` for one problem: returns its value, writes its gradient. */
export type ObjectiveKernel = (C: number, params: Float64Array, grad: Float64Array) => number;

/**
 * A way of computing the objective. `bind` is called once per fit with checked inputs and returns
 * the kernel, or null when it cannot handle the problem (the fit then uses the TypeScript one).
 */
export interface ObjectiveBackend {
  readonly name: string;
  bind(problem: ObjectiveProblem): ObjectiveKernel | null;
}

/**
 * Which objective a fit runs on: 'ts' the float64 TypeScript reference, 'simd' the WebAssembly
 * SIMD kernel on this thread (an error where WebAssembly SIMD is missing), 'auto' SIMD when
 * available and the TypeScript one otherwise, or any ObjectiveBackend (e.g. the worker pool of
 * src/data/parallel).
 */
export type BackendChoice = 'auto' | 'ts' | 'simd' | ObjectiveBackend;

/** Options shared by the objective and the fit: which rows count and how much. */
export interface RowOptions {
  /** Fit on these row indices of X only (no copy of X is made); default all rows. */
  rows?: Int32Array;
  /** Weight of each row of X (indexed by row of X, not by position in `rows`); default all 1. */
  sampleWeight?: Float32Array;
}

/** Options of `logisticObjective`. */
export interface ObjectiveOptions extends RowOptions {
  /**
   * The class labels in column order; default 0 … k−1, where k = params.length / (X.d + 1).
   * Every label of y in the used rows must be one of them.
   */
  classes?: readonly number[];
}

/** Options of `fitLogisticRegression`. */
export interface LogisticOptions extends RowOptions {
  /** Inverse regularisation strength (scikit-learn's C). Default 1. */
  C?: number;
  /** Maximum L-BFGS iterations. Default 100, like scikit-learn. */
  maxIter?: number;
  /** Stop when the largest gradient component of the scaled objective is ≤ tol. Default 1e-4. */
  tol?: number;
  /** Start from these parameters instead of zeros (a warm start); shapes as the model's. */
  init?: { weights: Float64Array; intercepts: Float64Array };
  /** The class labels, ascending or not, in the column order wanted; default the labels present. */
  classes?: readonly number[];
  /** How the objective is computed (see `BackendChoice`). Default 'auto'. */
  backend?: BackendChoice;
}

/** A fitted model. Immutable: the array getters return fresh copies. */
export interface LogisticModel {
  /** Class labels, in the column order of weights, logits and probabilities. */
  readonly classes: readonly number[];
  /** Features per row expected. */
  readonly nFeatures: number;
  /** Weights, k × d, one row per class (a copy). */
  readonly weights: Float64Array;
  /** Intercepts, one per class (a copy). */
  readonly intercepts: Float64Array;
  /** The C it was fitted with. */
  readonly C: number;
  /** L-BFGS iterations of the fit (0 for a model rebuilt from parameters). */
  readonly iterations: number;
  /** Whether the fit met its tolerance (true for a model rebuilt from parameters). */
  readonly converged: boolean;
  /** Logits, n × k row-major, for all rows of X or the given ones. */
  decisionFunction(X: Matrix, rows?: Int32Array): Float64Array;
  /** Class probabilities (softmax of the logits), n × k row-major. */
  predictProba(X: Matrix, rows?: Int32Array): Float64Array;
  /** The most probable class label per row (the first of equals, like numpy's argmax). */
  predict(X: Matrix, rows?: Int32Array): Uint8Array;
  /** Mean accuracy of `predict` against the labels y (y indexed by row of X). */
  score(X: Matrix, y: Uint8Array, rows?: Int32Array): number;
}

function describe(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? value.constructor.name
      : typeof value;
}

/** Checks a design matrix and returns it; `name` is used in messages. */
export function checkMatrix(X: Matrix, name = 'X'): Matrix {
  if (typeof X !== 'object' || X === null)
    throw new TypeError(`${name} must be a Matrix {n, d, data}, got ${describe(X)}`);
  if (!(X.data instanceof Float32Array))
    throw new TypeError(`${name}.data must be a Float32Array, got ${describe(X.data)}`);
  if (!Number.isInteger(X.n) || X.n < 0)
    throw new RangeError(`${name}.n must be an integer ≥ 0, got ${X.n}`);
  if (!Number.isInteger(X.d) || X.d < 1)
    throw new RangeError(`${name}.d must be an integer ≥ 1, got ${X.d}`);
  if (X.data.length !== X.n * X.d)
    throw new RangeError(`${name}.data.length must be n × d = ${X.n * X.d}, got ${X.data.length}`);
  return X;
}

function checkRows(rows: Int32Array | undefined, n: number): void {
  if (rows === undefined) return;
  if (!(rows instanceof Int32Array))
    throw new TypeError(`rows must be an Int32Array, got ${describe(rows)}`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r < 0 || r >= n)
      throw new RangeError(`rows[${i}] must be a row of X in [0, ${n}), got ${r}`);
  }
}

function checkLabels(y: Uint8Array, n: number): void {
  if (!(y instanceof Uint8Array)) throw new TypeError(`y must be a Uint8Array, got ${describe(y)}`);
  if (y.length !== n) throw new RangeError(`y.length must equal X.n = ${n}, got ${y.length}`);
}

function checkSampleWeight(sw: Float32Array | undefined, n: number): void {
  if (sw === undefined) return;
  if (!(sw instanceof Float32Array))
    throw new TypeError(`sampleWeight must be a Float32Array, got ${describe(sw)}`);
  if (sw.length !== n)
    throw new RangeError(`sampleWeight.length must equal X.n = ${n}, got ${sw.length}`);
  for (let i = 0; i < n; i++) {
    if (!(sw[i] >= 0 && sw[i] < Number.POSITIVE_INFINITY))
      throw new RangeError(`sampleWeight[${i}] must be finite and ≥ 0, got ${sw[i]}`);
  }
}

function checkClasses(classes: readonly number[]): void {
  if (!Array.isArray(classes))
    throw new TypeError(`classes must be an array of labels, got ${describe(classes)}`);
  if (classes.length < 2)
    throw new RangeError(`classes must hold at least 2 labels, got ${classes.length}`);
  const seen = new Set<number>();
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c > 255)
      throw new RangeError(`classes must be integers in [0, 255], got ${c}`);
    if (seen.has(c)) throw new RangeError(`classes must be distinct, got ${c} twice`);
    seen.add(c);
  }
}

/** Maps label → column (−1 for labels not among the classes). */
export function columnOf(classes: readonly number[]): Int16Array {
  const col = new Int16Array(256).fill(-1);
  classes.forEach((c, i) => {
    col[c] = i;
  });
  return col;
}

/** The sorted distinct labels of y over the given rows (all rows by default). */
export function labelsPresent(y: Uint8Array, rows?: Int32Array): number[] {
  const seen = new Uint8Array(256);
  if (rows) for (let i = 0; i < rows.length; i++) seen[y[rows[i]]] = 1;
  else for (let i = 0; i < y.length; i++) seen[y[i]] = 1;
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (seen[c]) out.push(c);
  return out;
}

/**
 * Scratch space for one row: the row in float64 (`x`), and its nonzero columns (`nz`) and values
 * (`xv`). Raw MNIST pixels are ~80% zero, so sparse rows skip the zeros; dense rows (HOG
 * features) index directly, which is faster than gathering.
 */
interface RowScratch {
  x: Float64Array;
  nz: Int32Array;
  xv: Float64Array;
  /** Number of nonzeros of the current row, or −1 when the row is dense. */
  m: number;
}

function rowScratch(d: number): RowScratch {
  return { x: new Float64Array(d), nz: new Int32Array(d), xv: new Float64Array(d), m: -1 };
}

/** Loads row `r` of `data` into the scratch, choosing the sparse form when under half is nonzero. */
function loadRow(data: Float32Array, r: number, d: number, row: RowScratch): void {
  const { x, nz, xv } = row;
  const base = r * d;
  let m = 0;
  for (let j = 0; j < d; j++) {
    const v = data[base + j];
    x[j] = v;
    if (v !== 0) {
      nz[m] = j;
      xv[m] = v;
      m++;
    }
  }
  row.m = 2 * m < d ? m : -1;
}

/**
 * Writes W·x + b for the loaded row into z. Each class has its own float64 accumulator summing
 * features in ascending order, so the sparse and dense forms give bit-identical logits. Classes
 * go five at a time so every feature loaded serves five dot products.
 */
function rowLogits(params: Float64Array, d: number, k: number, row: RowScratch, z: Float64Array) {
  const { x, nz, xv, m } = row;
  const bOff = k * d;
  let c = 0;
  for (; c + 4 < k; c += 5) {
    const o0 = c * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    const o4 = o3 + d;
    let s0 = params[bOff + c];
    let s1 = params[bOff + c + 1];
    let s2 = params[bOff + c + 2];
    let s3 = params[bOff + c + 3];
    let s4 = params[bOff + c + 4];
    if (m < 0) {
      for (let j = 0; j < d; j++) {
        const v = x[j];
        s0 += params[o0 + j] * v;
        s1 += params[o1 + j] * v;
        s2 += params[o2 + j] * v;
        s3 += params[o3 + j] * v;
        s4 += params[o4 + j] * v;
      }
    } else {
      for (let t = 0; t < m; t++) {
        const j = nz[t];
        const v = xv[t];
        s0 += params[o0 + j] * v;
        s1 += params[o1 + j] * v;
        s2 += params[o2 + j] * v;
        s3 += params[o3 + j] * v;
        s4 += params[o4 + j] * v;
      }
    }
    z[c] = s0;
    z[c + 1] = s1;
    z[c + 2] = s2;
    z[c + 3] = s3;
    z[c + 4] = s4;
  }
  for (; c < k; c++) {
    const off = c * d;
    let s = params[bOff + c];
    if (m < 0) for (let j = 0; j < d; j++) s += params[off + j] * x[j];
    else for (let t = 0; t < m; t++) s += params[off + nz[t]] * xv[t];
    z[c] = s;
  }
}

/** Adds res[c] · x to weight row c of grad for the loaded row, five classes per pass over x. */
function addOuter(grad: Float64Array, d: number, k: number, row: RowScratch, res: Float64Array) {
  const { x, nz, xv, m } = row;
  let c = 0;
  for (; c + 4 < k; c += 5) {
    const o0 = c * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    const o4 = o3 + d;
    const r0 = res[c];
    const r1 = res[c + 1];
    const r2 = res[c + 2];
    const r3 = res[c + 3];
    const r4 = res[c + 4];
    if (m < 0) {
      for (let j = 0; j < d; j++) {
        const v = x[j];
        grad[o0 + j] += r0 * v;
        grad[o1 + j] += r1 * v;
        grad[o2 + j] += r2 * v;
        grad[o3 + j] += r3 * v;
        grad[o4 + j] += r4 * v;
      }
    } else {
      for (let t = 0; t < m; t++) {
        const j = nz[t];
        const v = xv[t];
        grad[o0 + j] += r0 * v;
        grad[o1 + j] += r1 * v;
        grad[o2 + j] += r2 * v;
        grad[o3 + j] += r3 * v;
        grad[o4 + j] += r4 * v;
      }
    }
  }
  for (; c < k; c++) {
    const off = c * d;
    const r = res[c];
    if (m < 0) for (let j = 0; j < d; j++) grad[off + j] += r * x[j];
    else for (let t = 0; t < m; t++) grad[off + nz[t]] += r * xv[t];
  }
}

/**
 * The scaled multinomial objective and its gradient at `params`, for a fit on X, y at this C.
 *
 * Layout of `params` and `grad` (length k·d + k): the weights k × d row-major (one row per class),
 * then the k intercepts. The value returned is the scikit-learn objective
 * C·Σᵢ sᵢ·logloss(xᵢ, yᵢ) + ½‖W‖² divided by C·Σᵢ sᵢ, i.e. the weighted mean log loss plus
 * ‖W‖² / (2·C·Σsᵢ): the same minimiser, better conditioned, and the scaling scikit-learn's lbfgs
 * solver uses (so `tol` means the same). One pass over the used rows of X; no allocation per row.
 */
export function logisticObjective(
  X: Matrix,
  y: Uint8Array,
  C: number,
  params: Float64Array,
  grad: Float64Array,
  options: ObjectiveOptions = {},
): number {
  checkMatrix(X);
  checkLabels(y, X.n);
  checkC(C);
  if (!(params instanceof Float64Array))
    throw new TypeError(`params must be a Float64Array, got ${describe(params)}`);
  if (!(grad instanceof Float64Array))
    throw new TypeError(`grad must be a Float64Array, got ${describe(grad)}`);
  const d = X.d;
  if (params.length % (d + 1) !== 0 || params.length === 0)
    throw new RangeError(`params.length must be k × (d + 1) = k × ${d + 1}, got ${params.length}`);
  const k = params.length / (d + 1);
  if (grad.length !== params.length)
    throw new RangeError(
      `grad.length must equal params.length = ${params.length}, got ${grad.length}`,
    );
  const classes = options.classes ?? Array.from({ length: k }, (_, i) => i);
  checkClasses(classes);
  if (classes.length !== k)
    throw new RangeError(`classes.length must equal k = ${k}, got ${classes.length}`);
  checkRows(options.rows, X.n);
  checkSampleWeight(options.sampleWeight, X.n);
  const col = columnOf(classes);
  const rows = options.rows;
  const nUsed = rows ? rows.length : X.n;
  for (let i = 0; i < nUsed; i++) {
    const label = y[rows ? rows[i] : i];
    if (col[label] < 0)
      throw new RangeError(`y contains label ${label}, which is not among classes ${classes}`);
  }
  return objectiveUnchecked(X, y, C, params, grad, col, k, rows, options.sampleWeight);
}

/** `logisticObjective` after validation; `col` maps labels to columns. */
function objectiveUnchecked(
  X: Matrix,
  y: Uint8Array,
  C: number,
  params: Float64Array,
  grad: Float64Array,
  col: Int16Array,
  k: number,
  rows: Int32Array | undefined,
  sw: Float32Array | undefined,
): number {
  const { d, data } = X;
  const nUsed = rows ? rows.length : X.n;
  const z = new Float64Array(k);
  const res = new Float64Array(k);
  const row = rowScratch(d);
  const bOff = k * d;
  grad.fill(0);
  let swSum = 0;
  let loss = 0;
  for (let i = 0; i < nUsed; i++) {
    const r = rows ? rows[i] : i;
    const s = sw ? sw[r] : 1;
    if (s === 0) continue;
    swSum += s;
    loadRow(data, r, d, row);
    rowLogits(params, d, k, row, z);
    // Softmax with the maximum subtracted, so exp never overflows.
    let zMax = z[0];
    for (let c = 1; c < k; c++) if (z[c] > zMax) zMax = z[c];
    const yc = col[y[r]];
    const zy = z[yc];
    let sumExp = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[c] - zMax);
      z[c] = e;
      sumExp += e;
    }
    // −log softmax_y = log Σ exp(z − zMax) + zMax − z_y, finite even when exp(z_y − zMax) underflows.
    loss += s * (Math.log(sumExp) + zMax - zy);
    // The gradient of the row's loss is (p − onehot(y)) ⊗ x, weighted by s.
    const inv = 1 / sumExp;
    for (let c = 0; c < k; c++) {
      const rc = s * (z[c] * inv - (c === yc ? 1 : 0));
      res[c] = rc;
      grad[bOff + c] += rc;
    }
    addOuter(grad, d, k, row, res);
  }
  return finishObjective(loss, swSum, C, params, grad, bOff, k);
}

/** The float64 TypeScript objective: the reference, and the fallback of every other backend. */
export const tsBackend: ObjectiveBackend = {
  name: 'ts',
  bind: ({ X, y, col, k, rows, sampleWeight }) => {
    return (C, params, grad) =>
      objectiveUnchecked(X, y, C, params, grad, col, k, rows, sampleWeight);
  },
};

/** The kernel of a backend choice for a checked problem, falling back to the TypeScript one. */
export function bindBackend(choice: BackendChoice, problem: ObjectiveProblem): ObjectiveKernel {
  if (choice === 'ts') return tsBackend.bind(problem)!;
  if (choice === 'simd') {
    const kernel = simdBackend.bind(problem);
    if (!kernel)
      throw new RangeError(
        `backend 'simd' needs WebAssembly SIMD and at most 10 classes, got ${problem.k} classes`,
      );
    return kernel;
  }
  if (choice === 'auto') return simdBackend.bind(problem) ?? tsBackend.bind(problem)!;
  if (typeof choice !== 'object' || choice === null || typeof choice.bind !== 'function')
    throw new TypeError(`backend must be 'auto', 'ts', 'simd' or an ObjectiveBackend`);
  return choice.bind(problem) ?? tsBackend.bind(problem)!;
}

function checkC(C: number): void {
  if (typeof C !== 'number') throw new TypeError(`C must be a number, got ${describe(C)}`);
  if (!(C > 0 && C < Number.POSITIVE_INFINITY))
    throw new RangeError(`C must be finite and > 0, got ${C}`);
}

/** Rows used by a prediction: the given ones, or all rows of X. */
function rowCount(X: Matrix, rows: Int32Array | undefined): number {
  checkRows(rows, X.n);
  return rows ? rows.length : X.n;
}

/** The fitted model: parameters in the objective's layout, kept private and never handed out. */
class FittedModel implements LogisticModel {
  readonly classes: readonly number[];
  readonly nFeatures: number;
  readonly C: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly #params: Float64Array;

  constructor(
    classes: readonly number[],
    nFeatures: number,
    params: Float64Array,
    C: number,
    iterations: number,
    converged: boolean,
  ) {
    this.classes = Object.freeze([...classes]);
    this.nFeatures = nFeatures;
    this.#params = params;
    this.C = C;
    this.iterations = iterations;
    this.converged = converged;
    Object.freeze(this);
  }

  get weights(): Float64Array {
    return this.#params.slice(0, this.classes.length * this.nFeatures);
  }

  get intercepts(): Float64Array {
    return this.#params.slice(this.classes.length * this.nFeatures);
  }

  decisionFunction(X: Matrix, rows?: Int32Array): Float64Array {
    checkMatrix(X);
    if (X.d !== this.nFeatures)
      throw new RangeError(`X.d must equal the model's nFeatures = ${this.nFeatures}, got ${X.d}`);
    const n = rowCount(X, rows);
    const k = this.classes.length;
    const d = X.d;
    const out = new Float64Array(n * k);
    const z = new Float64Array(k);
    const row = rowScratch(d);
    for (let i = 0; i < n; i++) {
      loadRow(X.data, rows ? rows[i] : i, d, row);
      rowLogits(this.#params, d, k, row, z);
      out.set(z, i * k);
    }
    return out;
  }

  predictProba(X: Matrix, rows?: Int32Array): Float64Array {
    const logits = this.decisionFunction(X, rows);
    softmaxInPlace(logits, this.classes.length);
    return logits;
  }

  predict(X: Matrix, rows?: Int32Array): Uint8Array {
    const logits = this.decisionFunction(X, rows);
    const k = this.classes.length;
    const n = logits.length / k;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.classes[argmaxRow(logits, i * k, k)];
    return out;
  }

  score(X: Matrix, y: Uint8Array, rows?: Int32Array): number {
    checkMatrix(X);
    checkLabels(y, X.n);
    const pred = this.predict(X, rows);
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[rows ? rows[i] : i]) correct++;
    return correct / pred.length;
  }
}

/** Index of the largest of values[off … off+k) relative to off; the first of equals. */
function argmaxRow(values: Float64Array, off: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (values[off + c] > values[off + best]) best = c;
  return best;
}

/** Replaces each row of k logits by its softmax, subtracting the row maximum first. */
function softmaxInPlace(values: Float64Array, k: number): void {
  for (let off = 0; off < values.length; off += k) {
    let zMax = values[off];
    for (let c = 1; c < k; c++) if (values[off + c] > zMax) zMax = values[off + c];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(values[off + c] - zMax);
      values[off + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) values[off + c] /= sum;
  }
}

/**
 * Rebuilds a model from its parameters (e.g. read from a model file): `weights` k × d row-major,
 * one row per class, `intercepts` k. The arrays are copied. `fit` records how it was obtained
 * (default 0 iterations, converged).
 */
export function modelFromParameters(
  classes: readonly number[],
  weights: ArrayLike<number>,
  intercepts: ArrayLike<number>,
  C: number,
  fit: { iterations?: number; converged?: boolean } = {},
): LogisticModel {
  checkClasses(classes);
  checkC(C);
  const k = classes.length;
  if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number')
    throw new TypeError(`weights must be an array of numbers, got ${describe(weights)}`);
  if (
    intercepts === null ||
    typeof intercepts !== 'object' ||
    typeof intercepts.length !== 'number'
  )
    throw new TypeError(`intercepts must be an array of numbers, got ${describe(intercepts)}`);
  const d = weights.length / k;
  if (!Number.isInteger(d) || d < 1)
    throw new RangeError(
      `weights.length must be a positive multiple of the ${k} classes, got ${weights.length}`,
    );
  if (intercepts.length !== k)
    throw new RangeError(`intercepts.length must equal the ${k} classes, got ${intercepts.length}`);
  const params = new Float64Array(k * d + k);
  for (let j = 0; j < k * d; j++) params[j] = weights[j];
  for (let c = 0; c < k; c++) params[k * d + c] = intercepts[c];
  for (let j = 0; j < params.length; j++) {
    if (!Number.isFinite(params[j]))
      throw new RangeError(`weights and intercepts must be finite numbers, got ${params[j]}`);
  }
  return new FittedModel(classes, d, params, C, fit.iterations ?? 0, fit.converged ?? true);
}

/** What `checkFit` returns: the options with their defaults applied, and the label columns. */
export interface CheckedFit {
  C: number;
  maxIter: number;
  tol: number;
  classes: readonly number[];
  /** Column of each label (−1 for labels not among the classes). */
  col: Int16Array;
}

/**
 * Checks the inputs of `fitLogisticRegression` (X, y, C, maxIter, tol, rows, sampleWeight,
 * classes, every used label among the classes) and applies the defaults, throwing as the fit
 * would. For code that runs fits elsewhere (worker threads) and wants bad input refused up front.
 */
export function checkFit(X: Matrix, y: Uint8Array, options: LogisticOptions = {}): CheckedFit {
  checkMatrix(X);
  checkLabels(y, X.n);
  const C = options.C ?? 1;
  checkC(C);
  const maxIter = options.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 1)
    throw new RangeError(`maxIter must be a positive integer, got ${maxIter}`);
  const tol = options.tol ?? 1e-4;
  if (typeof tol !== 'number' || !(tol >= 0))
    throw new RangeError(`tol must be a number ≥ 0, got ${tol}`);
  const { rows, sampleWeight } = options;
  checkRows(rows, X.n);
  checkSampleWeight(sampleWeight, X.n);
  const classes = options.classes ?? labelsPresent(y, rows);
  checkClasses(classes);
  const col = columnOf(classes);
  const nUsed = rows ? rows.length : X.n;
  for (let i = 0; i < nUsed; i++) {
    const label = y[rows ? rows[i] : i];
    if (col[label] < 0)
      throw new RangeError(`y contains label ${label}, which is not among classes ${classes}`);
  }
  return { C, maxIter, tol, classes, col };
}

/**
 * The L-BFGS run of one fit: minimises `kernel` at C from x0 (not modified) to tolerance `tol`
 * on the largest gradient component, or `maxIter` iterations. Every fit goes through here, so a
 * fit in a worker thread is the same computation as `fitLogisticRegression`.
 */
export function solveFit(
  kernel: ObjectiveKernel,
  C: number,
  x0: Float64Array,
  tol: number,
  maxIter: number,
): LbfgsResult {
  const fn = (p: Float64Array, g: Float64Array) => kernel(C, p, g);
  return minimizeLbfgs(fn, x0, { gtol: tol, maxIter });
}

/**
 * Fits multinomial logistic regression on X, y (optionally only `rows`, weighted by
 * `sampleWeight`) by L-BFGS on the scaled objective of `logisticObjective`. Deterministic.
 */
export function fitLogisticRegression(
  X: Matrix,
  y: Uint8Array,
  options: LogisticOptions = {},
): LogisticModel {
  const { C, maxIter, tol, classes, col } = checkFit(X, y, options);
  const { rows, sampleWeight } = options;
  const k = classes.length;
  const d = X.d;
  const x0 = new Float64Array(k * d + k);
  if (options.init !== undefined) {
    const { weights, intercepts } = options.init;
    if (!(weights instanceof Float64Array) || !(intercepts instanceof Float64Array))
      throw new TypeError('init.weights and init.intercepts must be Float64Arrays');
    if (weights.length !== k * d)
      throw new RangeError(`init.weights.length must be k × d = ${k * d}, got ${weights.length}`);
    if (intercepts.length !== k)
      throw new RangeError(`init.intercepts.length must be k = ${k}, got ${intercepts.length}`);
    x0.set(weights, 0);
    x0.set(intercepts, k * d);
  }
  const kernel = bindBackend(options.backend ?? 'auto', {
    X,
    y,
    k,
    col,
    rows,
    sampleWeight,
  });
  const result = solveFit(kernel, C, x0, tol, maxIter);
  return new FittedModel(classes, d, result.x, C, result.iterations, result.converged);
}
