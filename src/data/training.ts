/**
 * The training pipeline, shared by `digitrec train` and the server's retraining worker: load and
 * featurise the sources, combine them, cross-validate C on group-aware folds, calibrate on
 * real-style out-of-fold rows, score, and evaluate on held-out sets. It writes no file and prints
 * nothing: progress and results are events, notes are `log` lines.
 */
import { evaluateModel } from '../core/batch.js';
import { softmaxRows } from '../core/calibration.js';
import {
  type Calibration,
  type CombinedData,
  calibrateCombined,
  combineSources,
  groupAwareFolds,
  type SourceScore,
  sourceScores,
  type TrainingSource,
} from '../core/combined.js';
import {
  type CvTable,
  type DataSourceSummary,
  type Metrics,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFile,
} from '../core/contracts.js';
import type { FeatureSet } from '../core/dataset.js';
import { evaluate } from '../core/metrics.js';
import { FEATURE_KINDS } from '../core/model-file.js';
import type { FeatureKind, Scoring } from '../core/types.js';
import type { LabelledData } from './formats.js';
import { hashBytes } from './hash.js';
import { modelId } from './model-io.js';
import { logisticRegressionCVParallel, PARALLEL_MODES, type ParallelMode } from './parallel/cv.js';
import {
  featurizeData,
  loadDataSource,
  parseSourceSpec,
  type SyntheticSourceOptions,
  sourceKind,
  summarise,
} from './sources.js';

/** Everything a training run can be told (from a config file, flags, or the server's options). */
export interface TrainConfig {
  /**
   * Sources, each `NAME[@WEIGHT]`: `mnist`, `mnist-test`, `synthetic[:N]`, `samples[:PATH]`, or
   * paths in any supported format.
   */
  data: string[];
  /** Sample weight per source name (without `@`); a weight in `data` wins. Default 1. */
  weights: Record<string, number>;
  /** How the `synthetic` source is generated (seeded by `seed`). */
  synthetic: SyntheticSourceOptions;
  features: FeatureKind;
  deskew: boolean;
  downscaleTo: number;
  /** A count (log-spaced 1e-4…1e4) or a list of C values. */
  Cs: number | number[];
  cv: number;
  /**
   * Require group-aware folds (a writer's or session's drawings in one fold). They are used
   * anyway whenever a real-drawing source has writers or sessions; this makes their absence an error.
   */
  groupCv: boolean;
  scoring: Scoring;
  /**
   * How the cross-validation uses the two threads: 'rows' splits each gradient's rows (folds in
   * turn), 'folds' runs whole folds at once, one per thread. Each gives the same model every run;
   * the two differ in the last bits of the kernel's sums, so their models differ slightly.
   */
  parallel: ParallelMode;
  seed: number;
  maxIter: number;
  tol: number;
  targetError: number;
  /** Held-out sets to evaluate the final model on. */
  eval: string[];
  out: string;
  createdAt: string;
  canvas: { size: number; brushWidth: number };
  /** Use only the first N items of each source (quick experiments and tests). */
  limit?: number;
}

/** The defaults of every setting (`createdAt` is today, UTC). */
export const TRAIN_DEFAULTS: TrainConfig = {
  data: ['mnist'],
  weights: {},
  synthetic: {},
  features: 'hog',
  deskew: true,
  downscaleTo: 0,
  Cs: 10,
  cv: 5,
  groupCv: false,
  scoring: 'accuracy',
  parallel: 'rows',
  seed: 0,
  maxIter: 100,
  tol: 1e-4,
  targetError: 0.01,
  eval: ['mnist-test'],
  out: 'model.json',
  createdAt: new Date().toISOString().slice(0, 10),
  canvas: { size: 280, brushWidth: 18 },
};

/** Thrown for a configuration that cannot be trained; the message names the setting. */
export class TrainConfigError extends Error {
  override name = 'TrainConfigError';
}

/**
 * Fills a partial configuration (a config file's JSON) with the defaults, refusing unknown
 * settings and bad weights; `where` names the origin in error messages. The other settings are
 * checked by `checkTrainConfig`, once flags have been applied.
 */
export function mergeTrainConfig(partial: unknown, where = 'training config'): TrainConfig {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial))
    throw new TrainConfigError(`${where}: expected a JSON object of settings`);
  const unknown = Object.keys(partial).filter((key) => !(key in TRAIN_DEFAULTS) && key !== 'limit');
  if (unknown.length > 0)
    throw new TrainConfigError(`${where}: unknown setting ${unknown.join(', ')}`);
  const config: TrainConfig = { ...TRAIN_DEFAULTS, ...(partial as Partial<TrainConfig>) };
  if (
    typeof config.weights !== 'object' ||
    config.weights === null ||
    Object.values(config.weights).some((w) => typeof w !== 'number' || !(w >= 0 && w < Infinity))
  )
    throw new TrainConfigError(`${where}: weights must map source names to numbers ≥ 0`);
  return config;
}

/** `mergeTrainConfig`, then every setting checked (the server's `retrainConfig`). */
export function resolveTrainConfig(partial: unknown, where = 'training config'): TrainConfig {
  const config = mergeTrainConfig(partial, where);
  checkTrainConfig(config);
  return config;
}

/** Checks the settings a command line can also set: features, scoring and the data sources. */
export function checkTrainConfig(config: TrainConfig): void {
  if (!FEATURE_KINDS.includes(config.features)) {
    throw new TrainConfigError(
      `--features must be one of ${FEATURE_KINDS.join(', ')}, got ${config.features}`,
    );
  }
  if (!['accuracy', 'f1_macro', 'neg_log_loss'].includes(config.scoring)) {
    throw new TrainConfigError(
      `--scoring must be accuracy, f1_macro or neg_log_loss, got ${config.scoring}`,
    );
  }
  if (!PARALLEL_MODES.includes(config.parallel)) {
    throw new TrainConfigError(`--parallel must be rows or folds, got ${config.parallel}`);
  }
  if (!Array.isArray(config.data) || config.data.length === 0)
    throw new TrainConfigError('--data names no source');
  for (const spec of config.data) {
    try {
      parseSourceSpec(spec);
    } catch (err) {
      throw new TrainConfigError(`--data: ${(err as Error).message}`);
    }
  }
}

/** What a training run reports as it goes. */
export type TrainingEvent =
  /** Units of work done in a phase; `label` names the bar (`features mnist`, `cross-validation`). */
  | {
      kind: 'progress';
      phase: 'generate' | 'features' | 'cross-validation';
      label: string;
      done: number;
      total: number;
      detail?: string;
    }
  /** Cross-validation finished: the CV table, and per-source scores when there are several. */
  | { kind: 'cv'; cv: CvTable; perSource?: SourceScore[]; weights: number[] }
  /** Temperature and threshold fitted on out-of-fold rows. */
  | { kind: 'calibrated'; calibration: Calibration; targetError: number }
  /** The model's metrics on one data set (`cv-out-of-fold` or an `eval` set). */
  | { kind: 'metrics'; name: string; metrics: Metrics };

/** Options of `trainModel` and the preparation steps. */
export interface TrainingOptions {
  /** Notes worth showing (items without ink, …). */
  log?: (line: string) => void;
  /** Progress and results as they happen. */
  onEvent?: (event: TrainingEvent) => void;
  /**
   * Data already in memory, by source name: used instead of loading a source of that name (the
   * server passes the training split of its own store as `samples`).
   */
  preloaded?: Record<string, LabelledData>;
}

function limitSet(fs: FeatureSet, limit?: number): FeatureSet {
  if (limit === undefined || fs.X.n <= limit) return fs;
  return {
    X: { n: limit, d: fs.X.d, data: fs.X.data.slice(0, limit * fs.X.d) },
    y: fs.y.slice(0, limit),
    groups: fs.groups?.slice(0, limit),
    sourceIndex: fs.sourceIndex.slice(0, limit),
    emptyCount: fs.emptyCount,
  };
}

/** Loads (or takes from `preloaded`) and featurises one source, named without its `@WEIGHT`. */
export function prepareSource(
  spec: string,
  config: Pick<TrainConfig, 'features' | 'deskew' | 'downscaleTo' | 'limit'> &
    Partial<Pick<TrainConfig, 'seed' | 'synthetic'>>,
  options: TrainingOptions = {},
) {
  const data =
    options.preloaded && Object.hasOwn(options.preloaded, spec)
      ? options.preloaded[spec]
      : loadDataSource(spec, {
          seed: config.seed,
          synthetic: config.synthetic,
          onProgress: (done, total) =>
            options.onEvent?.({
              kind: 'progress',
              phase: 'generate',
              label: `generating ${spec}`,
              done,
              total,
            }),
        });
  const pre = { deskew: config.deskew, downscaleTo: config.downscaleTo };
  const label = `features ${spec}`;
  const fs = limitSet(
    featurizeData(data, config.features, pre, (done, total) =>
      options.onEvent?.({ kind: 'progress', phase: 'features', label, done, total }),
    ),
    config.limit,
  );
  if (fs.emptyCount > 0)
    options.log?.(`${spec}: ${fs.emptyCount} items had no ink and were left out`);
  return { data, fs, kind: sourceKind(spec, data) };
}

/** Loads, featurises and weighs every `data` source of a configuration. */
export function prepareTrainingSources(
  config: TrainConfig,
  options: TrainingOptions = {},
): { sources: TrainingSource[]; summaries: DataSourceSummary[] } {
  const sources: TrainingSource[] = [];
  const summaries: DataSourceSummary[] = [];
  for (const spec of config.data) {
    const { name, weight: given } = parseSourceSpec(spec);
    const weight = given ?? config.weights[name] ?? 1;
    const { data, fs, kind } = prepareSource(name, config, options);
    sources.push({ name, kind, set: fs, weight });
    summaries.push({ ...summarise(name, data, weight), count: fs.X.n });
  }
  return { sources, summaries };
}

/** The rows' sample weights, or undefined when every one is 1 (no weighting at all). */
export function trainingSampleWeight(combined: CombinedData): Float32Array | undefined {
  return combined.sampleWeight.some((w) => w !== 1) ? combined.sampleWeight : undefined;
}

/**
 * The cross-validation options of a configuration over its combined sources: writers and sessions
 * whole in one fold (MNIST and synthetic rows stratified around them), the sources' weights when
 * any is not 1, refit on. Shared by `trainModel` and the scripts that rerun its CV.
 */
export function trainingCvOptions(config: TrainConfig, combined: CombinedData) {
  const grouped = combined.rowGroups.some((g) => g !== undefined);
  if (config.groupCv && !grouped) {
    throw new TrainConfigError(
      '--group-cv needs a drawing source with writers or sessions (e.g. a strokes JSONL file)',
    );
  }
  const groupFolds = grouped
    ? groupAwareFolds(combined.data.y, combined.rowGroups, config.cv, config.seed)
    : undefined;
  return {
    Cs: config.Cs,
    cv: config.cv,
    folds: groupFolds?.folds,
    groups: groupFolds?.groups,
    sampleWeight: trainingSampleWeight(combined),
    scoring: config.scoring,
    seed: config.seed,
    maxIter: config.maxIter,
    tol: config.tol,
    refit: true,
  };
}

/**
 * Every `data` source loaded, featurised, weighed and stacked into one training set. Only the
 * sources' names, kinds and weights are kept beside it: the per-source matrices, which `combined`
 * has copied, are dropped, so the training data is not held twice.
 */
export function prepareCombinedSources(config: TrainConfig, options: TrainingOptions = {}) {
  const prepared = prepareTrainingSources(config, options);
  const combined = combineSources(prepared.sources);
  const training = prepared.sources.map(({ name, kind, weight }) => ({ name, kind, weight }));
  prepared.sources.length = 0;
  return { combined, summaries: prepared.summaries, training };
}

/**
 * Trains a model as configured and returns it (nothing is written): sources featurised and
 * combined, C cross-validated over both cores on group-aware folds, temperature and threshold
 * fitted on real-style out-of-fold rows, out-of-fold metrics overall and per source, then the
 * `eval` sets. The same configuration and data give the same model, byte for byte.
 */
export function trainModel(config: TrainConfig, options: TrainingOptions = {}): ModelFile {
  const emit = options.onEvent ?? (() => {});
  const preprocessing = { deskew: config.deskew, downscaleTo: config.downscaleTo };
  const { combined, summaries: sources, training } = prepareCombinedSources(config, options);
  const all = combined.data;
  const cvOptions = trainingCvOptions(config, combined);
  const k = 10;
  const nFits = (typeof config.Cs === 'number' ? config.Cs : config.Cs.length) * config.cv + 1;
  emit({
    kind: 'progress',
    phase: 'cross-validation',
    label: 'cross-validation',
    done: 0,
    total: nFits,
  });
  const cvResult = logisticRegressionCVParallel(all.X, all.y, {
    ...cvOptions,
    parallel: config.parallel,
    onProgress: (e) =>
      emit({
        kind: 'progress',
        phase: 'cross-validation',
        label: 'cross-validation',
        done: e.done,
        total: nFits,
        detail: `C=${e.C.toPrecision(3)}`,
      }),
  });
  const cv: CvTable = cvResult.table;

  // Calibrate on out-of-fold logits only (the model never saw those rows), and only on the
  // real-style rows: real drawings when there are any, else synthetic canvas drawings.
  const calibration = calibrateCombined(combined, cvResult.oofLogits, all.y, k, config.targetError);
  const { temperature, threshold } = calibration;
  const oofProbs = softmaxRows(cvResult.oofLogits, k, temperature);
  const metrics: Record<string, Metrics> = {
    'cv-out-of-fold': evaluate(oofProbs, all.y, k, threshold),
  };
  const perSource = sourceScores(
    combined,
    cvResult.oofLogits,
    all.y,
    k,
    cvResult.folds,
    calibration,
  );
  if (training.length > 1) {
    for (const s of perSource) metrics[`cv-out-of-fold:${s.name}`] = s.metrics;
  }
  emit({
    kind: 'cv',
    cv,
    perSource: training.length > 1 ? perSource : undefined,
    weights: training.map((s) => s.weight ?? 1),
  });
  const m = cvResult.model;
  const draft: Omit<ModelFile, 'id'> = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    createdAt: config.createdAt,
    features: config.features,
    preprocessing,
    canvas: config.canvas,
    classes: [...m.classes],
    nFeatures: m.nFeatures,
    weights: m.classes.map((_, c) =>
      Array.from(m.weights.subarray(c * m.nFeatures, (c + 1) * m.nFeatures)),
    ),
    intercepts: Array.from(m.intercepts),
    temperature,
    threshold,
    targetError: config.targetError,
    C: cv.bestC,
    cv,
    metrics,
    training: {
      sources,
      n: all.X.n,
      hash: hashBytes(new TextEncoder().encode(sources.map((s) => s.hash).join(','))),
      seed: config.seed,
    },
  };
  const model: ModelFile = { ...draft, id: modelId(draft) };
  emit({ kind: 'calibrated', calibration, targetError: config.targetError });
  emit({ kind: 'metrics', name: 'cv-out-of-fold', metrics: metrics['cv-out-of-fold'] });
  for (const spec of config.eval) {
    const { fs } = prepareSource(spec, { ...config, limit: undefined }, options);
    metrics[spec] = evaluateModel(model, fs.X, fs.y);
    emit({ kind: 'metrics', name: spec, metrics: metrics[spec] });
  }
  return model;
}
