/**
 * Cross-validated multinomial logistic regression with scikit-learn's LogisticRegressionCV
 * semantics: a grid of C values fitted per fold as a warm-started path in increasing C, the C with
 * the best mean validation score, then a refit on all rows (or the fold average). Also returns the
 * out-of-fold logits at that C, the only predictions calibration may learn from.
 */

import { checkTypedArray } from './check.js';
import type { CvTable } from './contracts.js';
import { groupKFold, stratifiedKFold } from './folds.js';
import { fitLogisticRegression } from './logistic.js';
import { checkMatrix, labelsPresent } from './logistic-checks.js';
import { type LogisticModel, modelFromParameters } from './logistic-model.js';
import { logLoss, macroF1 } from './metrics.js';
import type { BackendChoice } from './objective.js';
import { createRng } from './random.js';
import type { Matrix, Scoring } from './types.js';

/** Solver settings shared by every fit of a path. */
export interface SolverOptions {
  /** Maximum L-BFGS iterations per fit. Default 100, like scikit-learn. */
  maxIter?: number;
  /** Gradient tolerance of each fit (see `LogisticOptions.tol`). Default 1e-4. */
  tol?: number;
  /** L-BFGS correction pairs of each fit (see `LogisticOptions.memory`). Default 10. */
  memory?: number;
  /** Weight of each row of X in the fits (validation scores are unweighted). Default all 1. */
  sampleWeight?: Float32Array;
  /** How each fit computes the objective (see `LogisticOptions.backend`). Default 'auto'. */
  backend?: BackendChoice;
}

/** Options of `fitPath`. */
export interface PathOptions extends SolverOptions {
  /** The C values, fitted in this order, each fit starting from the previous one's solution. */
  Cs: readonly number[];
  /** The class labels, in column order (every fit of a CV run must share them). */
  classes: readonly number[];
  /** Rows of X to fit on; default all. */
  rows?: Int32Array;
  /** Starting point of the first fit; default zeros. */
  init?: { weights: Float64Array; intercepts: Float64Array };
  /**
   * Starting point of fit i, where given, instead of the previous fit's solution (or `init`):
   * how `warmStart: 'folds'` starts a fold from the previous fold's solutions.
   */
  initAt?: readonly (StartingPoint | undefined)[];
  /** Called after each fit with its index in `Cs` and the model. */
  onFit?: (index: number, model: LogisticModel) => void;
}

/** Options of `fitFold`. */
export interface FoldOptions extends SolverOptions {
  /** The C values in increasing order. */
  Cs: readonly number[];
  /** The class labels, in column order. */
  classes: readonly number[];
  /** How the held-out rows are scored. */
  scoring: Scoring;
  /** Starting point of each fit where given (see `PathOptions.initAt`). */
  initAt?: readonly (StartingPoint | undefined)[];
  /** Called after each fit with its index in `Cs`, its validation score and the model. */
  onFit?: (index: number, score: number, model: LogisticModel) => void;
}

/** A fit's starting point: weights k × d row-major and k intercepts. */
export interface StartingPoint {
  weights: Float64Array;
  intercepts: Float64Array;
}

/**
 * Where the fits of a CV start. 'path' (scikit-learn's): each fold's first C from zeros, every
 * other C from the same fold's previous solution. 'folds': fold 0 as 'path'; fold f > 0 at each C
 * from fold f − 1's solution at that C (the folds share most of their rows, so that is much
 * nearer than the previous C), which makes the folds run in order. Only for fits that converge:
 * fold f − 1's fits were trained on fold f's validation rows, and a fit stopped at `maxIter` stays
 * near its start, so its validation score reads high (on the default data at maxIter 100, fold 2
 * at C = 167 scored 99.53% against 98.73% from zeros; docs/experiments.md, section H).
 */
export type WarmStart = 'path' | 'folds';
export const WARM_STARTS: readonly WarmStart[] = ['path', 'folds'];

/** Options of a `FoldRunner`: `FoldOptions` with the fold named in the progress callback. */
export interface FoldRunnerOptions extends Omit<FoldOptions, 'onFit' | 'initAt'> {
  /** Where the fits start (see `WarmStart`). Default 'path'. */
  warmStart?: WarmStart;
  /** Called after each fit (in any fold order) with its fold, index in `Cs`, score and model. */
  onFit?: (fold: number, index: number, score: number, model: LogisticModel) => void;
}

/**
 * Fits the C path of every fold 0 … nFolds−1 and returns their results in fold order; each must
 * equal what `fitFold` gives (the default runner calls it fold after fold on this thread).
 */
export type FoldRunner = (
  X: Matrix,
  y: Uint8Array,
  folds: Int32Array,
  nFolds: number,
  options: FoldRunnerOptions,
) => FoldResult[];

/** One fold's path: a model and a validation score per C. */
export interface FoldResult {
  fold: number;
  /** The held-out rows of this fold, in ascending order. */
  validationRows: Int32Array;
  /** Validation score at each C (higher is better). */
  scores: number[];
  /** The model at each C. To send one between threads, send its weights and intercepts. */
  models: LogisticModel[];
}

/** A progress report, sent after every fit. */
export interface CvProgress {
  /** Fits finished so far, 1 … total. */
  done: number;
  /** Fits in the whole run: folds × Cs, plus one for the refit. */
  total: number;
  /** The fold of this fit, or −1 for the final refit on all rows. */
  fold: number;
  C: number;
  /** Its validation score (for the refit: the mean CV score of the chosen C). */
  score: number;
}

/** Options of `logisticRegressionCV`. */
export interface CvOptions extends SolverOptions {
  /**
   * A count n → n values log-spaced from 1e-4 to 1e4 (numpy.logspace(-4, 4, n)); or the values
   * themselves (fitted and reported in increasing order). Default 10.
   */
  Cs?: number | readonly number[];
  /** Number of folds: stratified and shuffled by `seed`, or group folds when `groups` is given. Default 5. */
  cv?: number;
  /** Writer / session id per row: folds never split a group (scikit-learn's GroupKFold). */
  groups?: readonly string[];
  /**
   * A precomputed fold index per row (0 … nFolds−1, every fold non-empty); overrides `cv`. With
   * `groups` also given it is checked to keep each group in one fold and reported as group folds.
   */
  folds?: Int32Array;
  /** Seed of the stratified shuffle. Default 0. */
  seed?: number;
  /** Validation score, higher is better. Default 'accuracy'. */
  scoring?: Scoring;
  /**
   * true: refit on all rows at the best C, warm-started from the mean of the fold solutions.
   * false: the model is the mean of the fold models at the best C. Default true.
   */
  refit?: boolean;
  /** The class labels, in column order; default the labels present in y. */
  classes?: readonly number[];
  /**
   * Gradient tolerance of the final refit; default `tol`. The CV fits only rank the Cs, while the
   * refit is the model: on 60k MNIST HOG at the chosen C = 2.78, the refit at tol 1e-4 stops where
   * it starts (the mean of the fold solutions already meets it, 98.56% on MNIST test) and at 1e-7
   * it takes 687 iterations to 98.70%.
   */
  refitTol?: number;
  /** Iteration limit of the final refit; default `maxIter`. */
  refitMaxIter?: number;
  /** Where the fits start (see `WarmStart`). Default 'path'. */
  warmStart?: WarmStart;
  /** Called after every fit, e.g. to draw a progress bar. */
  onProgress?: (event: CvProgress) => void;
  /**
   * How the folds' C paths are fitted; default one fold after another on this thread with
   * `backend`. The refit always runs here, with `backend`. (src/data/parallel runs folds on
   * worker threads this way.)
   */
  foldRunner?: FoldRunner;
}

/** What `logisticRegressionCV` returns. */
export interface CvResult {
  /** The refitted (or fold-averaged) model at the best C. */
  model: LogisticModel;
  /** The table kept in the model file. */
  table: CvTable;
  /** L-BFGS iterations of each fit, [fold][C index]. */
  iterations: number[][];
  /** Whether each fit met its tolerance, [fold][C index]. */
  converged: boolean[][];
  /** Iterations of the refit (0 with refit: false). */
  refitIterations: number;
  /** n × k logits: row i's from the fold model at the best C that did not see row i. */
  oofLogits: Float64Array;
  /** The fold index of each row. */
  folds: Int32Array;
}

/** numpy.logspace(-4, 4, n): n values from 1e-4 to 1e4, evenly spaced in log10. */
export function logspaceCs(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Cs must be an integer ≥ 1, got ${n}`);
  if (n === 1) return [1e-4];
  return Array.from({ length: n }, (_, i) => {
    const e = -4 + (8 * i) / (n - 1);
    // 10 ** −4 is 0.00009999999999999999 in V8; 1 / 10 ** 4 is exactly 1e-4, as numpy gives.
    return e >= 0 ? 10 ** e : 1 / 10 ** -e;
  });
}

function resolveCs(Cs: number | readonly number[]): number[] {
  if (typeof Cs === 'number') return logspaceCs(Cs);
  if (!Array.isArray(Cs))
    throw new TypeError(`Cs must be a count or an array of numbers, got ${typeof Cs}`);
  if (Cs.length === 0) throw new RangeError('Cs must hold at least one value, got none');
  for (const C of Cs) {
    if (typeof C !== 'number' || !(C > 0 && C < Number.POSITIVE_INFINITY))
      throw new RangeError(`Cs must be finite numbers > 0, got ${C}`);
  }
  return [...Cs].sort((a, b) => a - b);
}

/** The validation score of `model` on `rows` of X, y under `scoring` (higher is better). */
export function cvScore(
  model: LogisticModel,
  X: Matrix,
  y: Uint8Array,
  rows: Int32Array,
  scoring: Scoring,
): number {
  switch (scoring) {
    case 'accuracy':
      return model.score(X, y, rows);
    case 'f1_macro': {
      const yTrue = Uint8Array.from(rows, (r) => y[r]);
      return macroF1(yTrue, model.predict(X, rows));
    }
    case 'neg_log_loss': {
      const col = new Map(model.classes.map((c, i) => [c, i]));
      const labels = Uint8Array.from(rows, (r) => {
        const c = col.get(y[r]);
        if (c === undefined)
          throw new RangeError(
            `y contains label ${y[r]}, which is not among classes ${model.classes}`,
          );
        return c;
      });
      return -logLoss(model.predictProba(X, rows), labels, model.classes.length);
    }
    default:
      throw new RangeError(
        `scoring must be 'accuracy', 'f1_macro' or 'neg_log_loss', got ${String(scoring)}`,
      );
  }
}

/**
 * Fits the C path on `rows` (all by default): one model per C, in the given order, each fit
 * warm-started from the previous solution, as scikit-learn's lbfgs path does.
 */
export function fitPath(X: Matrix, y: Uint8Array, options: PathOptions): LogisticModel[] {
  const { Cs, classes, rows, sampleWeight, maxIter, tol, memory, backend, onFit } = options;
  if (!Array.isArray(Cs) || Cs.length === 0)
    throw new RangeError(`Cs must be a non-empty array, got ${String(Cs)}`);
  const models: LogisticModel[] = [];
  let init = options.init;
  for (let i = 0; i < Cs.length; i++) {
    const model = fitLogisticRegression(X, y, {
      C: Cs[i],
      classes,
      rows,
      sampleWeight,
      maxIter,
      tol,
      memory,
      init: options.initAt?.[i] ?? init,
      backend,
    });
    models.push(model);
    init = { weights: model.weights, intercepts: model.intercepts };
    onFit?.(i, model);
  }
  return models;
}

/** The rows of `folds` equal to `fold` (inFold: a fold's validation rows) or not, ascending. */
export function rowsWhere(folds: Int32Array, fold: number, inFold: boolean): Int32Array {
  let count = 0;
  for (let i = 0; i < folds.length; i++) if ((folds[i] === fold) === inFold) count++;
  const out = new Int32Array(count);
  let t = 0;
  for (let i = 0; i < folds.length; i++) if ((folds[i] === fold) === inFold) out[t++] = i;
  return out;
}

/** Refuses a fold that leaves no rows to train on or none to validate on. */
export function checkFoldSizes(fold: number, nTrain: number, nValidation: number): void {
  if (nValidation === 0 || nTrain === 0)
    throw new RangeError(
      `fold ${fold} must leave rows both to train on and to validate on, got ${nTrain} and ${nValidation}`,
    );
}

/**
 * Fits the C path of one fold (training on the rows whose fold differs from `fold`) and scores
 * each model on the held-out rows. Independent of the other folds, so folds can run in parallel.
 */
export function fitFold(
  X: Matrix,
  y: Uint8Array,
  folds: Int32Array,
  fold: number,
  options: FoldOptions,
): FoldResult {
  checkTypedArray('folds', folds, Int32Array);
  if (folds.length !== X.n)
    throw new RangeError(`folds.length must equal X.n = ${X.n}, got ${folds.length}`);
  const validationRows = rowsWhere(folds, fold, true);
  const trainRows = rowsWhere(folds, fold, false);
  checkFoldSizes(fold, trainRows.length, validationRows.length);
  const scores: number[] = [];
  const models = fitPath(X, y, {
    Cs: options.Cs,
    classes: options.classes,
    rows: trainRows,
    sampleWeight: options.sampleWeight,
    maxIter: options.maxIter,
    tol: options.tol,
    memory: options.memory,
    initAt: options.initAt,
    backend: options.backend,
    onFit: (index, model) => {
      const score = cvScore(model, X, y, validationRows, options.scoring);
      scores.push(score);
      options.onFit?.(index, score, model);
    },
  });
  return { fold, validationRows, scores, models };
}

/** The default `FoldRunner`: `fitFold` for each fold in turn, on this thread. */
export const sequentialFolds: FoldRunner = (X, y, folds, nFolds, options) => {
  const { onFit, warmStart, ...foldOptions } = options;
  const results: FoldResult[] = [];
  for (let f = 0; f < nFolds; f++) {
    const previous = warmStart === 'folds' && f > 0 ? results[f - 1].models : undefined;
    results.push(
      fitFold(X, y, folds, f, {
        ...foldOptions,
        initAt: previous?.map((m) => ({ weights: m.weights, intercepts: m.intercepts })),
        onFit: (index, score, model) => onFit?.(f, index, score, model),
      }),
    );
  }
  return results;
};

/** Fold assignment and its kind from the options. */
function resolveFolds(
  y: Uint8Array,
  options: CvOptions,
): { folds: Int32Array; nFolds: number; kind: 'stratified' | 'group' } {
  const n = y.length;
  const groups = options.groups;
  if (groups !== undefined) {
    if (!Array.isArray(groups))
      throw new TypeError(`groups must be an array of strings, got ${typeof groups}`);
    if (groups.length !== n)
      throw new RangeError(`groups.length must equal X.n = ${n}, got ${groups.length}`);
  }
  if (options.folds !== undefined) {
    const folds = options.folds;
    checkTypedArray('folds', folds, Int32Array);
    if (folds.length !== n)
      throw new RangeError(`folds.length must equal X.n = ${n}, got ${folds.length}`);
    let nFolds = 0;
    for (let i = 0; i < n; i++) {
      if (folds[i] < 0) throw new RangeError(`folds[${i}] must be ≥ 0, got ${folds[i]}`);
      nFolds = Math.max(nFolds, folds[i] + 1);
    }
    const sizes = new Int32Array(nFolds);
    for (let i = 0; i < n; i++) sizes[folds[i]]++;
    if (nFolds < 2) throw new RangeError(`folds must number at least 2 folds, got ${nFolds}`);
    const empty = sizes.indexOf(0);
    if (empty >= 0)
      throw new RangeError(
        `folds must use every fold 0 … ${nFolds - 1}, but fold ${empty} is empty`,
      );
    if (groups !== undefined) {
      const foldOf = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const f = foldOf.get(groups[i]);
        if (f === undefined) foldOf.set(groups[i], folds[i]);
        else if (f !== folds[i])
          throw new RangeError(
            `folds must keep each group in one fold, got group ${groups[i]} in folds ${f} and ${folds[i]}`,
          );
      }
    }
    return { folds, nFolds, kind: groups === undefined ? 'stratified' : 'group' };
  }
  const k = options.cv ?? 5;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 2)
    throw new RangeError(`cv must be an integer ≥ 2, got ${k}`);
  if (groups !== undefined) return { folds: groupKFold(groups, k), nFolds: k, kind: 'group' };
  return {
    folds: stratifiedKFold(y, k, createRng(options.seed ?? 0)),
    nFolds: k,
    kind: 'stratified',
  };
}

/**
 * Cross-validated logistic regression (scikit-learn's LogisticRegressionCV with the lbfgs solver
 * and a multinomial loss). Deterministic: the same inputs and seed give an identical result.
 */
export function logisticRegressionCV(X: Matrix, y: Uint8Array, options: CvOptions = {}): CvResult {
  checkMatrix(X);
  checkTypedArray('y', y, Uint8Array);
  if (y.length !== X.n) throw new RangeError(`y.length must equal X.n = ${X.n}, got ${y.length}`);
  const Cs = resolveCs(options.Cs ?? 10);
  const scoring = options.scoring ?? 'accuracy';
  if (scoring !== 'accuracy' && scoring !== 'f1_macro' && scoring !== 'neg_log_loss')
    throw new RangeError(
      `scoring must be 'accuracy', 'f1_macro' or 'neg_log_loss', got ${String(scoring)}`,
    );
  const refit = options.refit ?? true;
  const classes = options.classes ?? labelsPresent(y);
  const { folds, nFolds, kind } = resolveFolds(y, options);
  const { maxIter, tol, memory, sampleWeight, backend, onProgress } = options;
  const warmStart = options.warmStart ?? 'path';
  if (!WARM_STARTS.includes(warmStart))
    throw new RangeError(`warmStart must be 'path' or 'folds', got ${String(warmStart)}`);
  const total = nFolds * Cs.length + (refit ? 1 : 0);
  let done = 0;

  const runFolds = options.foldRunner ?? sequentialFolds;
  const results = runFolds(X, y, folds, nFolds, {
    Cs,
    classes,
    scoring,
    maxIter,
    tol,
    memory,
    sampleWeight,
    backend,
    warmStart,
    onFit: (fold, index, score) => {
      done++;
      onProgress?.({ done, total, fold, C: Cs[index], score });
    },
  });
  if (!Array.isArray(results) || results.length !== nFolds)
    throw new RangeError(`foldRunner must return ${nFolds} fold results, got ${results?.length}`);
  results.forEach((r, f) => {
    if (r.fold !== f || r.scores.length !== Cs.length || r.models.length !== Cs.length)
      throw new RangeError(`foldRunner's result ${f} must be fold ${f} with ${Cs.length} fits`);
  });

  const scores = results.map((r) => r.scores);
  // Best by the sum over folds (first of equals: the smallest C), as scikit-learn does.
  const sums = Cs.map((_, c) => {
    let s = 0;
    for (let f = 0; f < nFolds; f++) s += scores[f][c];
    return s;
  });
  let best = 0;
  for (let c = 1; c < Cs.length; c++) if (sums[c] > sums[best]) best = c;
  const meanScores = sums.map((s) => s / nFolds);
  const bestC = Cs[best];

  const k = classes.length;
  const oofLogits = new Float64Array(X.n * k);
  for (const r of results) {
    const logits = r.models[best].decisionFunction(X, r.validationRows);
    r.validationRows.forEach((row, i) => {
      oofLogits.set(logits.subarray(i * k, i * k + k), row * k);
    });
  }

  // Mean of the fold solutions at the best C (fold order fixed, so the sum is reproducible).
  const meanWeights = new Float64Array(k * X.d);
  const meanIntercepts = new Float64Array(k);
  for (const r of results) {
    const w = r.models[best].weights;
    const b = r.models[best].intercepts;
    for (let j = 0; j < w.length; j++) meanWeights[j] += w[j];
    for (let c = 0; c < k; c++) meanIntercepts[c] += b[c];
  }
  for (let j = 0; j < meanWeights.length; j++) meanWeights[j] /= nFolds;
  for (let c = 0; c < k; c++) meanIntercepts[c] /= nFolds;

  let model: LogisticModel;
  if (refit) {
    model = fitLogisticRegression(X, y, {
      C: bestC,
      classes,
      sampleWeight,
      maxIter: options.refitMaxIter ?? maxIter,
      tol: options.refitTol ?? tol,
      memory,
      backend,
      init: { weights: meanWeights, intercepts: meanIntercepts },
    });
    done++;
    onProgress?.({ done, total, fold: -1, C: bestC, score: meanScores[best] });
  } else {
    model = modelFromParameters(classes, meanWeights, meanIntercepts, bestC, {
      iterations: 0,
      converged: results.every((r) => r.models[best].converged),
    });
  }

  return {
    model,
    table: { Cs, scoring, foldKind: kind, nFolds, scores, meanScores, bestC },
    iterations: results.map((r) => r.models.map((m) => m.iterations)),
    converged: results.map((r) => r.models.map((m) => m.converged)),
    refitIterations: refit ? model.iterations : 0,
    oofLogits,
    folds,
  };
}
