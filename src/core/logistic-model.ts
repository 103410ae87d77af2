/** The fitted multinomial logistic model: immutable parameters with logits, probabilities, labels. */
import { softmaxRows } from './calibration.js';
import {
  checkC,
  checkClasses,
  checkLabels,
  checkMatrix,
  checkRows,
  describe,
} from './logistic-checks.js';
import { loadRow, rowLogits, rowScratch } from './row-kernel.js';
import type { Matrix } from './types.js';

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
    return softmaxRows(this.decisionFunction(X, rows), this.classes.length);
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

/**
 * The model of a fit: takes ownership of `params` (the objective's layout, k × d weights then k
 * intercepts) without copying or checking them. For the fit itself; others use
 * `modelFromParameters`.
 */
export function fittedModel(
  classes: readonly number[],
  nFeatures: number,
  params: Float64Array,
  C: number,
  iterations: number,
  converged: boolean,
): LogisticModel {
  return new FittedModel(classes, nFeatures, params, C, iterations, converged);
}
