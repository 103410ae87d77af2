/**
 * Training on combined data: several featurised sources (MNIST, synthetic canvas drawings, real
 * pen drawings) stacked into one design matrix with per-source sample weights, group-aware folds
 * (a writer's drawings never sit in two folds), calibration on the out-of-fold predictions of the
 * real-style rows only, and per-source scores. The cross-validation itself stays with the caller
 * (`logisticRegressionCV` or a parallel version): `combineSources` gives its inputs,
 * `calibrateCombined` and `sourceScores` read its outputs.
 */
import { chooseThreshold, fitTemperature, softmaxRows } from './calibration.js';
import type { Metrics } from './contracts.js';
import { concatFeatureSets, type FeatureSet } from './dataset.js';
import { groupKFold, stratifiedKFold } from './folds.js';
import { evaluate } from './metrics.js';
import { createRng } from './random.js';

/**
 * What a source stands for: `mnist` (scanned pen-on-paper digits), `synthetic` (generated canvas
 * drawings) or `real` (drawings people made on a screen: pen drawings, the app's samples).
 * Calibration learns from the most real-looking kind present: `real`, else `synthetic`, else all.
 * A few real drawings alone (fewer than `MIN_REAL_CALIBRATION_ROWS`, e.g. an app that has just
 * started collecting) would give a noisy threshold, so they are pooled with the synthetic rows.
 */
export type SourceKind = 'mnist' | 'synthetic' | 'real';

/** One featurised training source. */
export interface TrainingSource {
  name: string;
  kind: SourceKind;
  set: FeatureSet;
  /** Sample weight of each of its rows. Default 1. */
  weight?: number;
}

/** The sources stacked for one cross-validated fit. */
export interface CombinedData {
  /** All rows, in source order; `groups` is the writer/session of real rows, undefined elsewhere. */
  data: FeatureSet;
  /** Per-row sample weight (the source's weight). */
  sampleWeight: Float32Array;
  /** Index into `names` of each row's source. */
  sourceOf: Uint8Array;
  names: string[];
  kinds: SourceKind[];
  /** Per-row group: the writer/session when the source has one, else undefined. */
  rowGroups: (string | undefined)[];
  /** Rows calibration learns from (see `SourceKind`). */
  calibrationRows: Int32Array;
  /** The kind those rows are of, or 'all' when only MNIST is present. */
  calibrationKind: CalibrationKind;
}

/** The rows calibration learned from: one kind, real drawings pooled with synthetic ones, or all. */
export type CalibrationKind = SourceKind | 'real+synthetic' | 'all';

/** Fewest real rows that are trusted alone for the temperature and the redraw threshold. */
export const MIN_REAL_CALIBRATION_ROWS = 500;

/** Options of `combineSources`. */
export interface CombineOptions {
  /** Real rows needed to calibrate on them alone. Default `MIN_REAL_CALIBRATION_ROWS`. */
  minRealCalibrationRows?: number;
}

/** Stacks sources: rows in order, weights per row, groups of real rows kept (namespaced by source). */
export function combineSources(
  sources: readonly TrainingSource[],
  options: CombineOptions = {},
): CombinedData {
  const minReal = options.minRealCalibrationRows ?? MIN_REAL_CALIBRATION_ROWS;
  if (!Array.isArray(sources) || sources.length === 0)
    throw new RangeError('sources must hold at least one training source, got none');
  if (sources.length > 255)
    throw new RangeError(`sources must number at most 255, got ${sources.length}`);
  const kinds = sources.map((s) => s.kind);
  for (const [i, s] of sources.entries()) {
    if (s.kind !== 'mnist' && s.kind !== 'synthetic' && s.kind !== 'real')
      throw new RangeError(
        `sources[${i}].kind must be 'mnist', 'synthetic' or 'real', got ${String(s.kind)}`,
      );
    const w = s.weight ?? 1;
    if (typeof w !== 'number' || !(w >= 0 && w < Number.POSITIVE_INFINITY))
      throw new RangeError(`sources[${i}].weight (${s.name}) must be finite and ≥ 0, got ${w}`);
  }
  const data = concatFeatureSets(sources.map((s) => s.set));
  const n = data.X.n;
  const sampleWeight = new Float32Array(n);
  const sourceOf = new Uint8Array(n);
  const rowGroups: (string | undefined)[] = new Array(n);
  let row = 0;
  sources.forEach((s, i) => {
    const w = s.weight ?? 1;
    for (let r = 0; r < s.set.X.n; r++, row++) {
      sampleWeight[row] = w;
      sourceOf[row] = i;
      // Only real drawings carry writers worth keeping apart; synthetic groups are generator
      // names spanning thousands of rows, which would make folds of whole generators.
      const g = s.kind === 'real' ? s.set.groups?.[r] : undefined;
      rowGroups[row] = g ? `${s.name}/${g}` : undefined;
    }
  });
  const realRows = rowsOfKind(sourceOf, kinds, ['real']);
  const calibrationKind: CalibrationKind =
    realRows.length >= minReal || (realRows.length > 0 && !kinds.includes('synthetic'))
      ? 'real'
      : realRows.length > 0
        ? 'real+synthetic'
        : kinds.includes('synthetic')
          ? 'synthetic'
          : 'all';
  const calibrationRows =
    calibrationKind === 'real'
      ? realRows
      : rowsOfKind(
          sourceOf,
          kinds,
          calibrationKind === 'real+synthetic'
            ? ['real', 'synthetic']
            : calibrationKind === 'all'
              ? undefined
              : [calibrationKind],
        );
  return {
    data,
    sampleWeight,
    sourceOf,
    names: sources.map((s) => s.name),
    kinds,
    rowGroups,
    calibrationRows,
    calibrationKind,
  };
}

/** Rows whose source is of one of `wanted` (all rows when undefined), in row order. */
function rowsOfKind(
  sourceOf: Uint8Array,
  kinds: readonly SourceKind[],
  wanted: readonly SourceKind[] | undefined,
): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < sourceOf.length; i++) {
    if (wanted === undefined || wanted.includes(kinds[sourceOf[i]])) out.push(i);
  }
  return Int32Array.from(out);
}

/**
 * Fold assignment for mixed data: rows with a group are dealt by scikit-learn's GroupKFold (each
 * group whole in one fold), rows without are stratified by label and shuffled with `seed`. Every
 * fold gets rows of both kinds when there are enough. Returns the folds and, for
 * `logisticRegressionCV`'s check, a group id per row (ungrouped rows get one of their own).
 */
export function groupAwareFolds(
  y: Uint8Array,
  rowGroups: readonly (string | undefined)[],
  k: number,
  seed: number,
): { folds: Int32Array; groups: string[] } {
  if (rowGroups.length !== y.length)
    throw new RangeError(
      `rowGroups.length must equal y.length = ${y.length}, got ${rowGroups.length}`,
    );
  const grouped: number[] = [];
  const free: number[] = [];
  for (let i = 0; i < y.length; i++) (rowGroups[i] === undefined ? free : grouped).push(i);
  const folds = new Int32Array(y.length);
  if (grouped.length > 0) {
    const names = grouped.map((i) => rowGroups[i] as string);
    const distinct = new Set(names).size;
    if (distinct < k && free.length === 0)
      throw new RangeError(
        `${k} folds need at least ${k} writers or sessions, got ${distinct}; use fewer folds or add data`,
      );
    // Fewer groups than folds (an app with drawings from one or two sessions so far): each group
    // gets a fold of its own (GroupKFold with as many folds as groups deals the j-th largest to
    // fold j); the ungrouped rows fill every fold, so no fold is empty and each group is still
    // held out whole.
    const g =
      distinct === 1 ? new Int32Array(names.length) : groupKFold(names, Math.min(k, distinct));
    grouped.forEach((row, j) => {
      folds[row] = g[j];
    });
  }
  if (free.length > 0) {
    const yFree = Uint8Array.from(free, (i) => y[i]);
    const f = stratifiedKFold(yFree, k, createRng(seed));
    free.forEach((row, j) => {
      folds[row] = f[j];
    });
  }
  const groups = Array.from(y, (_, i) => rowGroups[i] ?? `row/${i}`);
  return { folds, groups };
}

/** Temperature and redraw threshold fitted on out-of-fold logits of the calibration rows. */
export interface Calibration {
  temperature: number;
  threshold: number;
  /** How many rows they were fitted on, and of which kind. */
  n: number;
  kind: CalibrationKind;
}

/**
 * Fits the temperature and the threshold on the out-of-fold logits (n × k, class-index columns)
 * of `rows` only. `labels` are class indices 0 … k−1 for all rows.
 */
export function calibrateOnRows(
  oofLogits: Float64Array,
  labels: Uint8Array,
  k: number,
  rows: Int32Array,
  targetError: number,
): { temperature: number; threshold: number } {
  if (rows.length === 0) throw new RangeError('rows must hold at least one row to calibrate on');
  const logits = new Float64Array(rows.length * k);
  const sub = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    logits.set(oofLogits.subarray(r * k, r * k + k), i * k);
    sub[i] = labels[r];
  });
  const temperature = fitTemperature(logits, sub, k);
  const probs = softmaxRows(logits, k, temperature);
  const confidences = new Float64Array(rows.length);
  const correct = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    confidences[i] = probs[i * k + best];
    correct[i] = best === sub[i] ? 1 : 0;
  }
  return { temperature, threshold: chooseThreshold(confidences, correct, targetError) };
}

/** `calibrateOnRows` on the combined data's calibration rows. */
export function calibrateCombined(
  combined: CombinedData,
  oofLogits: Float64Array,
  labels: Uint8Array,
  k: number,
  targetError: number,
): Calibration {
  const { temperature, threshold } = calibrateOnRows(
    oofLogits,
    labels,
    k,
    combined.calibrationRows,
    targetError,
  );
  return {
    temperature,
    threshold,
    n: combined.calibrationRows.length,
    kind: combined.calibrationKind,
  };
}

/** Out-of-fold scores of one source. */
export interface SourceScore {
  name: string;
  kind: SourceKind;
  /** Accuracy of each fold's held-out rows of this source (NaN where a fold has none). */
  foldAccuracy: number[];
  /** Every metric over all of the source's out-of-fold predictions, at the given threshold. */
  metrics: Metrics;
}

/**
 * Per-source out-of-fold metrics at the chosen C: for each source, its rows' out-of-fold
 * probabilities (logits / temperature) evaluated at `threshold`, and accuracy per fold.
 */
export function sourceScores(
  combined: CombinedData,
  oofLogits: Float64Array,
  labels: Uint8Array,
  k: number,
  folds: Int32Array,
  calibration: { temperature: number; threshold: number },
): SourceScore[] {
  let nFolds = 0;
  for (const f of folds) nFolds = Math.max(nFolds, f + 1);
  return combined.names.map((name, s) => {
    const rows: number[] = [];
    for (let i = 0; i < combined.sourceOf.length; i++) if (combined.sourceOf[i] === s) rows.push(i);
    const logits = new Float64Array(rows.length * k);
    const sub = new Uint8Array(rows.length);
    const hits = new Float64Array(nFolds);
    const count = new Float64Array(nFolds);
    rows.forEach((r, i) => {
      logits.set(oofLogits.subarray(r * k, r * k + k), i * k);
      sub[i] = labels[r];
      let best = 0;
      for (let c = 1; c < k; c++) if (oofLogits[r * k + c] > oofLogits[r * k + best]) best = c;
      count[folds[r]]++;
      if (best === labels[r]) hits[folds[r]]++;
    });
    const probs = softmaxRows(logits, k, calibration.temperature);
    return {
      name,
      kind: combined.kinds[s],
      foldAccuracy: Array.from(hits, (h, f) => (count[f] > 0 ? h / count[f] : Number.NaN)),
      metrics: evaluate(probs, sub, k, calibration.threshold),
    };
  });
}
