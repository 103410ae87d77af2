/**
 * The training pipeline, shared by `digitrec train` and the server's retraining worker: load and
 * featurise the sources, combine them, cross-validate C on group-aware folds, calibrate on
 * real-style out-of-fold rows, score, and evaluate on held-out sets. It writes no file and prints
 * nothing: progress and results are events, notes are `log` lines.
 */
import { evaluateModel, labelsToClassIndex } from '../core/batch.js';
import {
  type CalibratedModel,
  calibratedModel,
  calibratedRead,
  fuseLogits,
  type LinearReader,
  readerProbabilities,
} from '../core/calibrated-model.js';
import { groupThreshold, softmaxRows } from '../core/calibration.js';
import {
  type CombinedData,
  calibrateCombined,
  calibrateOnRows,
  combineSources,
  groupAwareFolds,
  sourceScores,
  type TrainingSource,
} from '../core/combined.js';
import type {
  CvTable,
  DataSourceSummary,
  Fusion,
  Metrics,
  ModelFile,
  PreprocessOptions,
} from '../core/contracts.js';
import { type CvResult, WARM_STARTS } from '../core/cv.js';
import type { FeatureSet } from '../core/dataset.js';
import { chooseFusionWeight, drawingTrajectories, type FusionScore } from '../core/fusion.js';
import { digitSizeScales, GEOMETRY_LENGTH, geometryMatrix } from '../core/junk.js';
import { evaluate } from '../core/metrics.js';
import { FEATURE_KINDS, modelFileOf } from '../core/model-file.js';
import { DEFAULT_PREPROCESS, isRasterSide, MAX_RASTER_SIDE } from '../core/preprocess.js';
import { RESTROKED_GROUP, TEMPLATE_GROUP } from '../core/synth/index.js';
import { JUNK_KINDS } from '../core/synth/junk.js';
import type { Matrix } from '../core/types.js';
import type { LabelledData } from './formats.js';
import { hashBytes } from './hash.js';
import { trainJunkReader } from './junk-training.js';
import { modelId } from './model-io.js';
import { logisticRegressionCVParallel, PARALLEL_MODES } from './parallel/cv.js';
import { crossValidateReader } from './reader-cv.js';
import {
  featurizeData,
  loadDataSource,
  parseSourceSpec,
  sourceKind,
  summarise,
} from './sources.js';
import {
  type OnlineData,
  preprocessingOf,
  type TrainConfig,
  type TrainingEvent,
} from './training-config.js';

export type { OnlineData, TrainConfig, TrainingEvent } from './training-config.js';

/** The defaults of every setting (`createdAt` is today, UTC). */
export const TRAIN_DEFAULTS: TrainConfig = {
  data: ['mnist'],
  weights: {},
  synthetic: {},
  features: 'hog',
  deskew: true,
  downscaleTo: 0,
  rasterSide: DEFAULT_PREPROCESS.rasterSide,
  Cs: 10,
  cv: 5,
  groupCv: false,
  scoring: 'accuracy',
  parallel: 'rows',
  seed: 0,
  maxIter: 100,
  tol: 1e-4,
  memory: 10,
  warmStart: 'path',
  targetError: 0.01,
  eval: ['mnist-test'],
  out: 'model.json',
  createdAt: new Date().toISOString().slice(0, 10),
  canvas: { size: 280, brushWidth: 18 },
  online: true,
  onlineCs: [0.3, 1, 3],
  fusionWeight: 'cv',
  junk: 0,
  junkKinds: [...JUNK_KINDS],
  junkTarget: 0.005,
  templateFolds: 'stratified',
  thresholdQuantile: 0.2,
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
  if (!isRasterSide(config.rasterSide))
    throw new TrainConfigError(
      `--raster-side must be an integer from 0 to ${MAX_RASTER_SIDE}, got ${JSON.stringify(config.rasterSide)}`,
    );
  if (!Number.isInteger(config.memory) || config.memory < 1 || config.memory > 1000)
    throw new TrainConfigError(`--memory must be an integer in 1 … 1000, got ${config.memory}`);
  if (!WARM_STARTS.includes(config.warmStart))
    throw new TrainConfigError(`--warm-start must be path or folds, got ${config.warmStart}`);
  if (config.warmStart === 'folds' && config.parallel === 'folds')
    throw new TrainConfigError(
      '--warm-start folds fits the folds one after another; it needs --parallel rows, got folds',
    );
  if (!Array.isArray(config.data) || config.data.length === 0)
    throw new TrainConfigError('--data names no source');
  if (config.templateFolds !== 'style' && config.templateFolds !== 'stratified')
    throw new TrainConfigError(
      `templateFolds must be 'style' or 'stratified', got ${JSON.stringify(config.templateFolds)}`,
    );
  if (!(typeof config.thresholdQuantile === 'number' && config.thresholdQuantile <= 1))
    throw new TrainConfigError(
      `thresholdQuantile must be a number ≤ 1, got ${JSON.stringify(config.thresholdQuantile)}`,
    );
  if (typeof config.online !== 'boolean')
    throw new TrainConfigError(
      `online must be true or false, got ${JSON.stringify(config.online)}`,
    );
  if (
    config.fusionWeight !== 'cv' &&
    !(
      typeof config.fusionWeight === 'number' &&
      config.fusionWeight >= 0 &&
      config.fusionWeight < Infinity
    )
  )
    throw new TrainConfigError(
      `fusionWeight must be 'cv' or a number ≥ 0, got ${JSON.stringify(config.fusionWeight)}`,
    );
  const height = config.synthetic?.height;
  if (
    height !== undefined &&
    !(
      Array.isArray(height) &&
      height.length === 2 &&
      height.every((h) => typeof h === 'number' && h >= 0.05 && h <= 1) &&
      height[0] <= height[1]
    )
  )
    throw new TrainConfigError(
      `synthetic.height must be [low, high] with 0.05 ≤ low ≤ high ≤ 1 (digit height as a share of the canvas), got ${JSON.stringify(height)}`,
    );
  if (!(Number.isInteger(config.junk) && config.junk >= 0))
    throw new TrainConfigError(
      `junk must be a count of non-digits ≥ 0, got ${JSON.stringify(config.junk)}`,
    );
  if (
    !Array.isArray(config.junkKinds) ||
    config.junkKinds.length === 0 ||
    config.junkKinds.some((k) => !(JUNK_KINDS as readonly string[]).includes(k))
  )
    throw new TrainConfigError(
      `junkKinds must be a non-empty list of ${JUNK_KINDS.join(', ')}; got ${JSON.stringify(config.junkKinds)}`,
    );
  if (!(typeof config.junkTarget === 'number' && config.junkTarget >= 0 && config.junkTarget < 1))
    throw new TrainConfigError(
      `junkTarget must be a share in [0, 1), got ${JSON.stringify(config.junkTarget)}`,
    );
  for (const spec of config.data) {
    try {
      parseSourceSpec(spec);
    } catch (err) {
      throw new TrainConfigError(`--data: ${(err as Error).message}`);
    }
  }
}

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
  config: Pick<TrainConfig, 'features' | 'limit' | keyof PreprocessOptions> &
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
  const pre = preprocessingOf(config);
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

/** Seed of the sizes the not-a-digit reader sees training digits at (see `digitSizeScales`). */
const DIGIT_SIZE_SEED = 0x51e;

/**
 * The rows of a featurised source the online reader learns from — drawings with a person's
 * stroke order (not re-stroked MNIST digits, whose order is a tracer's) — and their trajectories.
 */
export function onlineRowsOf(data: LabelledData, fs: FeatureSet): OnlineRows | undefined {
  if (data.kind !== 'drawings') return undefined;
  const rows: number[] = [];
  for (let r = 0; r < fs.X.n; r++) {
    if (data.drawings[fs.sourceIndex[r]].group !== RESTROKED_GROUP) rows.push(r);
  }
  if (rows.length === 0) return undefined;
  const drawings = rows.map((r) => data.drawings[fs.sourceIndex[r]]);
  return {
    rows: Int32Array.from(rows),
    X: drawingTrajectories(drawings),
    G: geometryMatrix(
      drawings.map((d) => d.drawing),
      digitSizeScales(drawings.length, DIGIT_SIZE_SEED),
    ),
  };
}

/**
 * The template style of each row of a synthetic source (`7-bar`, from the drawing's id
 * `synthetic-template/SEED/I/STYLE[/aug]`), undefined for other rows and sources.
 */
export function templateStylesOf(
  data: LabelledData,
  fs: FeatureSet,
): (string | undefined)[] | undefined {
  if (data.kind !== 'drawings') return undefined;
  const styles = Array.from(fs.sourceIndex, (i) => {
    const d = data.drawings[i];
    if (d.group !== TEMPLATE_GROUP) return undefined;
    return d.id.split('/')[3];
  });
  return styles.some((s) => s !== undefined) ? styles : undefined;
}

/** A source's rows with strokes for the online reader (indices into its rows) and their features. */
export interface OnlineRows {
  rows: Int32Array;
  X: Matrix;
  /** The drawings' geometry (for the not-a-digit reader). */
  G: Matrix;
}

/** Loads, featurises and weighs every `data` source of a configuration. */
export function prepareTrainingSources(
  config: TrainConfig,
  options: TrainingOptions = {},
): {
  sources: TrainingSource[];
  summaries: DataSourceSummary[];
  online: (OnlineRows | undefined)[];
  styles: ((string | undefined)[] | undefined)[];
} {
  const sources: TrainingSource[] = [];
  const summaries: DataSourceSummary[] = [];
  const online: (OnlineRows | undefined)[] = [];
  const styles: ((string | undefined)[] | undefined)[] = [];
  for (const spec of config.data) {
    const { name, weight: given } = parseSourceSpec(spec);
    const weight = given ?? config.weights[name] ?? 1;
    const { data, fs, kind } = prepareSource(name, config, options);
    sources.push({ name, kind, set: fs, weight });
    summaries.push({ ...summarise(name, data, weight), count: fs.X.n });
    online.push(config.online === false ? undefined : onlineRowsOf(data, fs));
    styles.push(kind === 'synthetic' ? templateStylesOf(data, fs) : undefined);
  }
  return { sources, summaries, online, styles };
}

/** Stacks the sources' online rows in source order, as `combineSources` stacks their rows. */
export function combineOnlineRows(
  sources: readonly TrainingSource[],
  online: readonly (OnlineRows | undefined)[],
): OnlineData | undefined {
  const parts = online.map((o, i) => ({ o, i })).filter((p) => p.o !== undefined);
  if (parts.length === 0) return undefined;
  const offsets: number[] = [];
  let offset = 0;
  for (const s of sources) {
    offsets.push(offset);
    offset += s.set.X.n;
  }
  const n = parts.reduce((a, p) => a + (p.o as OnlineRows).rows.length, 0);
  const d = (parts[0].o as OnlineRows).X.d;
  const data = new Float32Array(n * d);
  const g = new Float32Array(n * GEOMETRY_LENGTH);
  const rows = new Int32Array(n);
  let at = 0;
  for (const { o, i } of parts) {
    const part = o as OnlineRows;
    data.set(part.X.data, at * d);
    g.set(part.G.data, at * GEOMETRY_LENGTH);
    for (let j = 0; j < part.rows.length; j++) rows[at + j] = offsets[i] + part.rows[j];
    at += part.rows.length;
  }
  return { X: { n, d, data }, G: { n, d: GEOMETRY_LENGTH, data: g }, rows };
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
export function trainingCvOptions(
  config: TrainConfig,
  combined: CombinedData,
  rowStyles?: readonly (string | undefined)[],
) {
  const grouped = combined.rowGroups.some((g) => g !== undefined);
  if (config.groupCv && !grouped) {
    throw new TrainConfigError(
      '--group-cv needs a drawing source with writers or sessions (e.g. a strokes JSONL file)',
    );
  }
  let groupFolds = grouped
    ? groupAwareFolds(combined.data.y, combined.rowGroups, config.cv, config.seed)
    : undefined;
  if (config.templateFolds === 'style' && rowStyles?.some((st) => st !== undefined)) {
    const base =
      groupFolds ?? groupAwareFolds(combined.data.y, combined.rowGroups, config.cv, config.seed);
    groupFolds = styleFolds(combined.data.y, rowStyles, base, config.cv);
  }
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
    memory: config.memory,
    warmStart: config.warmStart,
    refit: true,
  };
}

/**
 * `base` folds with the template rows re-dealt by style: each digit's styles (sorted by name) go
 * round-robin over the folds, starting at fold digit mod k, so every fold holds out about a k-th
 * of each digit's styles whole. The groups name the style of template rows.
 */
export function styleFolds(
  y: Uint8Array,
  rowStyles: readonly (string | undefined)[],
  base: { folds: Int32Array; groups: string[] },
  k: number,
): { folds: Int32Array; groups: string[] } {
  const folds = Int32Array.from(base.folds);
  const groups = [...base.groups];
  const stylesOfDigit = new Map<number, Set<string>>();
  rowStyles.forEach((st, i) => {
    if (st === undefined) return;
    const set = stylesOfDigit.get(y[i]) ?? new Set<string>();
    set.add(st);
    stylesOfDigit.set(y[i], set);
  });
  const foldOfStyle = new Map<string, number>();
  for (const [digit, set] of stylesOfDigit) {
    [...set].sort().forEach((st, j) => {
      foldOfStyle.set(st, (digit + j) % k);
    });
  }
  rowStyles.forEach((st, i) => {
    if (st === undefined) return;
    folds[i] = foldOfStyle.get(st) as number;
    groups[i] = `template-style/${st}`;
  });
  return { folds, groups };
}

/**
 * Every `data` source loaded, featurised, weighed and stacked into one training set. Only the
 * sources' names, kinds and weights are kept beside it: the per-source matrices, which `combined`
 * has copied, are dropped, so the training data is not held twice.
 */
export function prepareCombinedSources(config: TrainConfig, options: TrainingOptions = {}) {
  const prepared = prepareTrainingSources(config, options);
  const combined = combineSources(prepared.sources);
  const online = combineOnlineRows(prepared.sources, prepared.online);
  const rowStyles = prepared.styles.flatMap(
    (st, i) => st ?? new Array<undefined>(prepared.sources[i].set.X.n).fill(undefined),
  );
  const training = prepared.sources.map(({ name, kind, weight }) => ({ name, kind, weight }));
  prepared.sources.length = 0;
  prepared.online.length = 0;
  return { combined, summaries: prepared.summaries, training, online, rowStyles };
}

/**
 * The online reader and the fusion, fitted; the weights tried, and the out-of-fold logits of the
 * stroke rows (both readers', with their class-index labels) to score the calibrated model on.
 */
interface FittedReaders {
  reader: LinearReader;
  fusion: Fusion;
  scores: FusionScore[];
  oof: { image: Float64Array; online: Float64Array; labels: Uint8Array };
}

/** The q-quantile of sorted values (linear between order statistics), NaN for none. */
function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

/** Rows of `data` (its length) whose fold keeps rows both in and out of it, for every fold. */
function foldsUsable(folds: Int32Array): boolean {
  let nFolds = 0;
  for (const f of folds) nFolds = Math.max(nFolds, f + 1);
  const count = new Int32Array(nFolds);
  for (const f of folds) count[f]++;
  return nFolds >= 2 && count.every((c) => c > 0 && c < folds.length);
}

/**
 * The online reader cross-validated on the stroke rows (the image reader's folds, so each row's
 * two out-of-fold logits come from models that never saw it), then the fusion: the online weight
 * from the config or chosen on the out-of-fold calibration rows, and a temperature and threshold
 * fitted on the fused out-of-fold logits of those rows.
 */
function trainOnlineReader(
  config: TrainConfig,
  combined: CombinedData,
  online: OnlineData,
  onlineGroups: readonly string[],
  image: CvResult,
  classes: readonly number[],
  emit: (event: TrainingEvent) => void,
  log?: (line: string) => void,
): FittedReaders | undefined {
  const all = combined.data;
  const k = classes.length;
  const y = Uint8Array.from(online.rows, (r) => all.y[r]);
  const present = new Set(y);
  const missing = classes.filter((c) => !present.has(c));
  if (missing.length > 0) {
    log?.(`online reader: not trained, its drawings have no ${missing.join(', ')}`);
    return undefined;
  }
  const imageFolds = Int32Array.from(online.rows, (r) => image.folds[r]);
  const folds = foldsUsable(imageFolds) ? imageFolds : undefined;
  const weights = trainingSampleWeight(combined);
  const cv = crossValidateReader(
    config,
    online.X,
    y,
    {
      label: 'online reader',
      classes,
      folds,
      sampleWeight: weights ? Float32Array.from(online.rows, (r) => weights[r]) : undefined,
    },
    emit,
  );
  const labels = labelsToClassIndex({ classes } as ModelFile, y);
  const imageOof = new Float64Array(online.rows.length * k);
  online.rows.forEach((r, i) => {
    imageOof.set(image.oofLogits.subarray(r * k, r * k + k), i * k);
  });
  const calibrating = new Set(combined.calibrationRows);
  let calRows = Int32Array.from(
    [...online.rows.keys()].filter((i) => calibrating.has(online.rows[i])),
  );
  if (calRows.length === 0) calRows = Int32Array.from(online.rows.keys());
  const chosen = chooseFusionWeight(imageOof, cv.oofLogits, labels, k, calRows);
  const onlineWeight = config.fusionWeight === 'cv' ? chosen.weight : config.fusionWeight;
  const fusedOof = fuseLogits(imageOof, cv.oofLogits, onlineWeight);
  const { temperature, threshold: pooledThreshold } = calibrateOnRows(
    fusedOof,
    labels,
    k,
    calRows,
    config.targetError,
  );
  // The threshold must hold group by group: writers (real rows) or template styles.
  const fusedProbs = softmaxRows(fusedOof, k, temperature);
  const conf = new Float64Array(calRows.length);
  const correct = new Uint8Array(calRows.length);
  const groupOf = calRows.length > 0 ? Array.from(calRows, (i) => onlineGroups[i]) : [];
  calRows.forEach((i, j) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (fusedProbs[i * k + c] > fusedProbs[i * k + best]) best = c;
    conf[j] = fusedProbs[i * k + best];
    correct[j] = best === labels[i] ? 1 : 0;
  });
  const byGroup = groupThreshold(
    conf,
    correct,
    groupOf,
    config.targetError,
    config.thresholdQuantile,
  );
  const threshold = config.thresholdQuantile < 0 ? pooledThreshold : byGroup.threshold;
  log?.(
    `fused threshold: pooled ${pooledThreshold.toFixed(3)}; by group (${byGroup.groupThresholds.length} groups) at quantiles ${[0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1].map((q) => `${q}: ${quantileOf(byGroup.groupThresholds, q).toFixed(3)}`).join(', ')}`,
  );
  const calibrationKind = combined.calibrationKind;
  const reader: LinearReader = {
    nFeatures: cv.model.nFeatures,
    weights: cv.model.weights,
    intercepts: cv.model.intercepts,
    C: cv.table.bestC,
    cv: cv.table,
  };
  const fusion: Fusion = {
    onlineWeight,
    weightFrom: config.fusionWeight === 'cv' ? 'cv' : 'config',
    temperature,
    threshold,
    calibration: { n: calRows.length, kind: calibrationKind },
  };
  log?.(
    `online reader: C ${reader.C} on ${online.rows.length} drawings; fusion weight ${onlineWeight} (${fusion.weightFrom}), temperature ${temperature.toFixed(3)}, threshold ${threshold.toFixed(3)} on ${calRows.length} out-of-fold rows`,
  );
  return {
    reader,
    fusion,
    scores: chosen.scores,
    oof: { image: imageOof, online: cv.oofLogits, labels },
  };
}

/**
 * Trains a model as configured and returns it (nothing is written): sources featurised and
 * combined, C cross-validated over both cores on group-aware folds, temperature and threshold
 * fitted on real-style out-of-fold rows, out-of-fold metrics overall and per source, then the
 * `eval` sets. The same configuration and data give the same model, byte for byte.
 */
export function trainModel(config: TrainConfig, options: TrainingOptions = {}): ModelFile {
  const emit = options.onEvent ?? (() => {});
  const preprocessing = preprocessingOf(config);
  const {
    combined,
    summaries: sources,
    training,
    online,
    rowStyles,
  } = prepareCombinedSources(config, options);
  const all = combined.data;
  const cvOptions = trainingCvOptions(config, combined, rowStyles);
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
  const m = cvResult.model;
  const imageOnly = calibratedModel({
    classes: m.classes,
    image: {
      nFeatures: m.nFeatures,
      weights: m.weights,
      intercepts: m.intercepts,
      C: cv.bestC,
      cv,
    },
    imagePath: { temperature, threshold },
  });
  const metrics: Record<string, Metrics> = {
    'cv-out-of-fold': evaluate(
      calibratedRead(imageOnly, cvResult.oofLogits).probabilities,
      all.y,
      k,
      threshold,
    ),
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
  const readers = online
    ? trainOnlineReader(
        config,
        combined,
        online,
        Array.from(online.rows, (r) => cvOptions.groups?.[r] ?? `row/${r}`),
        cvResult,
        m.classes,
        emit,
        options.log,
      )
    : undefined;
  const junk =
    readers && online
      ? trainJunkReader(
          config,
          combined,
          online,
          Int32Array.from(online.rows, (r) => cvResult.folds[r]),
          emit,
          options.log,
        )
      : undefined;
  const fitted: CalibratedModel = readers
    ? calibratedModel({
        ...imageOnly,
        online: readers.reader,
        fusion: readers.fusion,
        ...(junk ? { junk: junk.reader } : {}),
      })
    : imageOnly;
  if (readers) {
    const { image, online: z, labels } = readers.oof;
    const fused = calibratedRead(fitted, image, z);
    metrics['cv-out-of-fold:online-reader'] = evaluate(
      readerProbabilities(z, k),
      labels,
      k,
      fused.threshold,
    );
    metrics['cv-out-of-fold:fused'] = evaluate(fused.probabilities, labels, k, fused.threshold);
  }
  const draft = modelFileOf(fitted, {
    createdAt: config.createdAt,
    features: config.features,
    preprocessing,
    canvas: config.canvas,
    targetError: config.targetError,
    metrics,
    training: {
      sources,
      n: all.X.n,
      hash: hashBytes(new TextEncoder().encode(sources.map((s) => s.hash).join(','))),
      seed: config.seed,
    },
  });
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
