/**
 * Multinomial logistic regression with an L2 penalty, in scikit-learn's conventions: the fit
 * minimises C · Σᵢ sᵢ·logloss(xᵢ, yᵢ) + ½‖W‖² (intercepts not penalised), solved by L-BFGS.
 */
import { bindBackend } from './backend.js';
import { type LbfgsResult, minimizeLbfgs } from './lbfgs.js';
import {
  checkC,
  checkClasses,
  checkLabels,
  checkMatrix,
  checkRows,
  checkSampleWeight,
  columnOf,
  labelsPresent,
} from './logistic-checks.js';
import { fittedModel, type LogisticModel } from './logistic-model.js';
import type { BackendChoice, ObjectiveKernel, RowOptions } from './objective.js';
import type { Matrix } from './types.js';

/** L-BFGS correction pairs of a fit unless told otherwise (scikit-learn's, via SciPy's maxcor). */
export const DEFAULT_MEMORY = 10;

/** Options of `fitLogisticRegression`. */
export interface LogisticOptions extends RowOptions {
  /** Inverse regularisation strength (scikit-learn's C). Default 1. */
  C?: number;
  /** Maximum L-BFGS iterations. Default 100, like scikit-learn. */
  maxIter?: number;
  /** Stop when the largest gradient component of the scaled objective is ≤ tol. Default 1e-4. */
  tol?: number;
  /**
   * Correction pairs L-BFGS keeps (its m; scikit-learn's lbfgs, i.e. SciPy's maxcor, keeps 10).
   * Default 10. More pairs cost 4·m passes over the parameters per iteration, nothing per row.
   */
  memory?: number;
  /** Start from these parameters instead of zeros (a warm start); shapes as the model's. */
  init?: { weights: Float64Array; intercepts: Float64Array };
  /** The class labels, ascending or not, in the column order wanted; default the labels present. */
  classes?: readonly number[];
  /** How the objective is computed (see `BackendChoice`). Default 'auto'. */
  backend?: BackendChoice;
}

/** What `checkFit` returns: the options with their defaults applied, and the label columns. */
export interface CheckedFit {
  C: number;
  maxIter: number;
  tol: number;
  memory: number;
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
  const memory = options.memory ?? DEFAULT_MEMORY;
  if (!Number.isInteger(memory) || memory < 1)
    throw new RangeError(`memory must be a positive integer, got ${memory}`);
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
  return { C, maxIter, tol, memory, classes, col };
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
  memory = DEFAULT_MEMORY,
): LbfgsResult {
  const fn = (p: Float64Array, g: Float64Array) => kernel(C, p, g);
  return minimizeLbfgs(fn, x0, { gtol: tol, maxIter, memory });
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
  const { C, maxIter, tol, memory, classes, col } = checkFit(X, y, options);
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
  const result = solveFit(kernel, C, x0, tol, maxIter, memory);
  return fittedModel(classes, d, result.x, C, result.iterations, result.converged);
}
