/**
 * Writer-disjoint evaluation: the real drawings are split into folds by writer (each writer in
 * exactly one), and for each fold a model is trained — cross-validated C, calibrated on its own
 * out-of-fold real-style rows — on the other sources plus the other writers' drawings, then
 * tested on the held-out writers, as a model meets people it has never seen. Without the real
 * drawings in training the model does not depend on the fold: it is fitted once and tested on all.
 */
import { softmaxRows } from './calibration.js';
import {
  type CombinedData,
  calibrateCombined,
  combineSources,
  groupAwareFolds,
  type TrainingSource,
} from './combined.js';
import type { Metrics } from './contracts.js';
import { type CvOptions, type CvResult, logisticRegressionCV } from './cv.js';
import type { FeatureSet } from './dataset.js';
import { groupKFold } from './folds.js';
import type { LogisticModel } from './logistic.js';
import { evaluate } from './metrics.js';
import type { Matrix } from './types.js';

/** A cross-validated fit: `logisticRegressionCV` or anything with its signature (e.g. parallel). */
export type CvFit = (X: Matrix, y: Uint8Array, options: CvOptions) => CvResult;

/** Options of `writerCrossValidation`. */
export interface WriterCvOptions {
  /** Outer folds over the writers. Default 5. */
  nFolds?: number;
  /** Train on the other writers' drawings too (false: the other sources only). Default true. */
  includeReal?: boolean;
  /** Options of each inner cross-validation (Cs, cv, seed, scoring, maxIter, tol). */
  cv?: Omit<CvOptions, 'folds' | 'groups' | 'sampleWeight' | 'classes'>;
  /** Error rate allowed on accepted predictions when choosing each fold's threshold. Default 0.01. */
  targetError?: number;
  /** The fit; default `logisticRegressionCV`. */
  fit?: CvFit;
  /** Called when a fold starts fitting (fold −1: the single fit without real drawings). */
  onFold?: (fold: number, nFolds: number, nTrain: number) => void;
  /** Passed to each fit's `onProgress`. */
  onProgress?: CvOptions['onProgress'];
}

/** One outer fold's result. */
export interface WriterFold {
  fold: number;
  /** Writers held out (their group ids). */
  writers: string[];
  nTrain: number;
  C: number;
  temperature: number;
  threshold: number;
  /** On the held-out writers' drawings, at this fold's threshold. */
  heldOut: Metrics;
  /** On each test set (e.g. MNIST test), at this fold's threshold. */
  tests: Record<string, Metrics>;
}

/** What `writerCrossValidation` returns. */
export interface WriterCvResult {
  folds: WriterFold[];
  /**
   * All held-out drawings pooled (each predicted by the model of its fold, with that model's
   * temperature). `threshold` is NaN: the redraw rate and accepted accuracy count each drawing
   * against its own fold's threshold.
   */
  pooled: Metrics;
  /** Mean over folds of each test set's accuracy. */
  testAccuracy: Record<string, number>;
}

function subset(set: FeatureSet, rows: Int32Array): FeatureSet {
  const d = set.X.d;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    data.set(set.X.data.subarray(r * d, r * d + d), i * d);
  });
  return {
    X: { n: rows.length, d, data },
    y: Uint8Array.from(rows, (r) => set.y[r]),
    groups: set.groups ? Array.from(rows, (r) => set.groups?.[r] ?? '') : undefined,
    sourceIndex: Int32Array.from(rows, (r) => set.sourceIndex[r]),
    emptyCount: 0,
  };
}

function rowsWhere(folds: Int32Array, keep: (f: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < folds.length; i++) if (keep(folds[i])) out.push(i);
  return Int32Array.from(out);
}

/** Fits one cross-validated, calibrated model on `sources`. */
function fitCalibrated(
  sources: TrainingSource[],
  options: WriterCvOptions,
): { model: LogisticModel; C: number; temperature: number; threshold: number; n: number } {
  const combined: CombinedData = combineSources(sources);
  const { data } = combined;
  const cv = options.cv ?? {};
  const k = cv.cv ?? 5;
  const grouped = combined.rowGroups.some((g) => g !== undefined);
  const folds = grouped ? groupAwareFolds(data.y, combined.rowGroups, k, cv.seed ?? 0) : undefined;
  const weighted = sources.some((s) => (s.weight ?? 1) !== 1);
  const result = (options.fit ?? logisticRegressionCV)(data.X, data.y, {
    ...cv,
    folds: folds?.folds,
    groups: folds?.groups,
    sampleWeight: weighted ? combined.sampleWeight : undefined,
    classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    onProgress: options.onProgress,
  });
  const cal = calibrateCombined(
    combined,
    result.oofLogits,
    data.y,
    10,
    options.targetError ?? 0.01,
  );
  return {
    model: result.model,
    C: result.table.bestC,
    temperature: cal.temperature,
    threshold: cal.threshold,
    n: data.X.n,
  };
}

function score(
  model: LogisticModel,
  set: FeatureSet,
  temperature: number,
  threshold: number,
): { metrics: Metrics; probs: Float64Array } {
  const probs = softmaxRows(model.decisionFunction(set.X), 10, temperature);
  return { metrics: evaluate(probs, set.y, 10, threshold), probs };
}

/**
 * Writer-grouped cross-validation of training on `base` sources (MNIST, synthetic) plus `real`
 * drawings, tested on held-out writers and on each of `tests`. `real.set.groups` must give each
 * drawing's writer. Deterministic: writers go to folds by scikit-learn's GroupKFold.
 */
export function writerCrossValidation(
  base: readonly TrainingSource[],
  real: TrainingSource,
  tests: Readonly<Record<string, FeatureSet>>,
  options: WriterCvOptions = {},
): WriterCvResult {
  const groups = real.set.groups;
  if (!groups) throw new TypeError(`real source ${real.name} must have writer groups, got none`);
  const nFolds = options.nFolds ?? 5;
  const outer = groupKFold(groups, nFolds);
  const includeReal = options.includeReal ?? true;
  const n = real.set.X.n;
  const pooledProbs = new Float64Array(n * 10);
  const rowThreshold = new Float64Array(n);
  const folds: WriterFold[] = [];
  const runTests = (model: LogisticModel, t: number, thr: number) =>
    Object.fromEntries(
      Object.entries(tests).map(([name, set]) => [name, score(model, set, t, thr).metrics]),
    );
  /** Scores fold `f`'s held-out writers with `fit`, pools their probabilities, keeps the record. */
  const recordFold = (
    f: number,
    heldRows: Int32Array,
    fit: ReturnType<typeof fitCalibrated>,
    testMetrics: Record<string, Metrics>,
  ) => {
    const held = subset(real.set, heldRows);
    const { metrics, probs } = score(fit.model, held, fit.temperature, fit.threshold);
    heldRows.forEach((r, i) => {
      pooledProbs.set(probs.subarray(i * 10, i * 10 + 10), r * 10);
      rowThreshold[r] = fit.threshold;
    });
    folds.push({
      fold: f,
      writers: [...new Set(held.groups)].sort(),
      nTrain: fit.n,
      C: fit.C,
      temperature: fit.temperature,
      threshold: fit.threshold,
      heldOut: metrics,
      tests: testMetrics,
    });
  };

  if (!includeReal) {
    options.onFold?.(
      -1,
      nFolds,
      base.reduce((a, s) => a + s.set.X.n, 0),
    );
    const fit = fitCalibrated([...base], options);
    const testMetrics = runTests(fit.model, fit.temperature, fit.threshold);
    for (let f = 0; f < nFolds; f++) {
      recordFold(
        f,
        rowsWhere(outer, (g) => g === f),
        fit,
        testMetrics,
      );
    }
  } else {
    for (let f = 0; f < nFolds; f++) {
      const heldRows = rowsWhere(outer, (g) => g === f);
      const trainRows = rowsWhere(outer, (g) => g !== f);
      const sources = [...base, { ...real, set: subset(real.set, trainRows) }];
      options.onFold?.(
        f,
        nFolds,
        sources.reduce((a, s) => a + s.set.X.n, 0),
      );
      const fit = fitCalibrated(sources, options);
      recordFold(f, heldRows, fit, runTests(fit.model, fit.temperature, fit.threshold));
    }
  }

  // Pooled: accuracy, ECE and log loss from the pooled probabilities; redraws per row's threshold.
  const pooled = evaluate(pooledProbs, real.set.y, 10, 0);
  let redraw = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (pooledProbs[i * 10 + c] > pooledProbs[i * 10 + best]) best = c;
    if (pooledProbs[i * 10 + best] < rowThreshold[i]) redraw++;
    else {
      accepted++;
      if (best === real.set.y[i]) acceptedCorrect++;
    }
  }
  pooled.threshold = Number.NaN;
  pooled.redrawRate = redraw / n;
  pooled.acceptedAccuracy = accepted > 0 ? acceptedCorrect / accepted : Number.NaN;
  const testAccuracy = Object.fromEntries(
    Object.keys(tests).map((name) => [
      name,
      folds.reduce((a, f) => a + f.tests[name].accuracy, 0) / folds.length,
    ]),
  );
  return { folds, pooled, testAccuracy };
}
