/** `digitrec train`: featurise the sources, cross-validate C, calibrate, evaluate, write the model. */
import { readFileSync } from 'node:fs';
import { evaluateModel } from '../core/batch.js';
import { softmaxRows } from '../core/calibration.js';
import {
  calibrateCombined,
  combineSources,
  groupAwareFolds,
  sourceScores,
  type TrainingSource,
} from '../core/combined.js';
import {
  type CvTable,
  type Metrics,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFile,
} from '../core/contracts.js';
import type { FeatureSet } from '../core/dataset.js';
import { evaluate } from '../core/metrics.js';
import { FEATURE_KINDS } from '../core/model-file.js';
import type { FeatureKind, Scoring } from '../core/types.js';
import { hashBytes } from '../data/hash.js';
import { modelId, saveModel } from '../data/model-io.js';
import { logisticRegressionCVParallel } from '../data/parallel/cv.js';
import {
  featurizeData,
  loadDataSource,
  parseSourceSpec,
  type SyntheticSourceOptions,
  sourceKind,
  summarise,
} from '../data/sources.js';
import { integerOption, numberOption, type OptionSpec, parseArgs, UsageError } from './args.js';
import { ProgressBar } from './progress.js';
import { formatCvTable, formatMetricsLine, pct, table } from './text.js';

/** Everything `train` can be told, from a config file and/or flags. */
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

const DEFAULTS: TrainConfig = {
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
  seed: 0,
  maxIter: 100,
  tol: 1e-4,
  targetError: 0.01,
  eval: ['mnist-test'],
  out: 'model.json',
  createdAt: new Date().toISOString().slice(0, 10),
  canvas: { size: 280, brushWidth: 18 },
};

const SPEC: OptionSpec = {
  config: 'string',
  data: 'string',
  features: 'string',
  deskew: 'boolean',
  'no-deskew': 'boolean',
  'downscale-to': 'string',
  Cs: 'string',
  cv: 'string',
  'group-cv': 'boolean',
  scoring: 'string',
  seed: 'string',
  'max-iter': 'string',
  tol: 'string',
  'target-error': 'string',
  eval: 'string',
  out: 'string',
  'created-at': 'string',
  limit: 'string',
  help: 'boolean',
};

export const TRAIN_HELP = `digitrec train [options]
  --config FILE        JSON file with any of the options below (flags override it)
  --data LIST          comma-separated sources, each NAME[@WEIGHT]: mnist, mnist-test,
                       synthetic[:N] (N canvas drawings generated from --seed; 20000),
                       samples[:DB] (the app's sample store), or paths (CSV, IDX, image
                       folder, UNIPEN, strokes JSONL); WEIGHT is each row's sample
                       weight, e.g. mnist,synthetic:20000@2,pen.jsonl@3      [mnist]
  --features KIND      hog | hog2 | pixels                              [hog]
  --deskew, --no-deskew  straighten by image moments                    [on]
  --downscale-to N     area-average to N×N before cropping (0: off)     [0]
  --Cs N|LIST          N log-spaced values 1e-4…1e4, or a list          [10]
  --cv K               number of folds                                  [5]
  --group-cv           require group-aware folds (a writer/session in one fold); used
                       anyway when a drawing source has writers or sessions
  --scoring NAME       accuracy | f1_macro | neg_log_loss               [accuracy]
  --seed N             seed for folds and the synthetic source          [0]
  --max-iter N, --tol X  L-BFGS limits                                  [100, 1e-4]
  --target-error X     error rate allowed on accepted predictions       [0.01]
  --eval LIST|none     held-out sets to report                          [mnist-test]
  --limit N            use only the first N items of each source
  --out FILE           where to write the model                         [model.json]`;

function parseCs(value: string): number | number[] {
  // A whole number is a count of log-spaced values; anything else (0.05, 1e-2, 0.1,1) is a list.
  if (/^\d+$/.test(value.trim())) return integerOption('Cs', value, 1, 100);
  return value.split(',').map((v) => numberOption('Cs', v, Number.MIN_VALUE));
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Builds the configuration from defaults, a config file and flags, validating every value. */
export function trainConfig(argv: string[]): TrainConfig {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  let config: TrainConfig = { ...DEFAULTS };
  if (typeof options.config === 'string') {
    let fromFile: Partial<TrainConfig>;
    try {
      fromFile = JSON.parse(readFileSync(options.config, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read config ${options.config}: ${(err as Error).message}`);
    }
    const unknown = Object.keys(fromFile).filter((key) => !(key in DEFAULTS) && key !== 'limit');
    if (unknown.length > 0) {
      throw new UsageError(`${options.config}: unknown setting ${unknown.join(', ')}`);
    }
    config = { ...config, ...fromFile };
    if (
      typeof config.weights !== 'object' ||
      config.weights === null ||
      Object.values(config.weights).some((w) => typeof w !== 'number' || !(w >= 0 && w < Infinity))
    )
      throw new UsageError(`${options.config}: weights must map source names to numbers ≥ 0`);
  }
  const o = options as Record<string, string>;
  if (o.data) config.data = list(o.data);
  if (o.features) config.features = o.features as FeatureKind;
  if (options.deskew) config.deskew = true;
  if (options['no-deskew']) config.deskew = false;
  if (o['downscale-to'])
    config.downscaleTo = integerOption('downscale-to', o['downscale-to'], 0, 4096);
  if (o.Cs) config.Cs = parseCs(o.Cs);
  if (o.cv) config.cv = integerOption('cv', o.cv, 2, 100);
  if (options['group-cv']) config.groupCv = true;
  if (o.scoring) config.scoring = o.scoring as Scoring;
  if (o.seed) config.seed = integerOption('seed', o.seed, 0, 2 ** 32 - 1);
  if (o['max-iter']) config.maxIter = integerOption('max-iter', o['max-iter'], 1, 100000);
  if (o.tol) config.tol = numberOption('tol', o.tol, 0);
  if (o['target-error']) config.targetError = numberOption('target-error', o['target-error'], 0, 1);
  if (o.eval !== undefined) config.eval = o.eval === 'none' ? [] : list(o.eval);
  if (o.limit) config.limit = integerOption('limit', o.limit, 1);
  if (o.out) config.out = o.out;
  if (o['created-at']) config.createdAt = o['created-at'];
  if (!FEATURE_KINDS.includes(config.features)) {
    throw new UsageError(
      `--features must be one of ${FEATURE_KINDS.join(', ')}, got ${config.features}`,
    );
  }
  if (!['accuracy', 'f1_macro', 'neg_log_loss'].includes(config.scoring)) {
    throw new UsageError(
      `--scoring must be accuracy, f1_macro or neg_log_loss, got ${config.scoring}`,
    );
  }
  if (config.data.length === 0) throw new UsageError('--data names no source');
  for (const spec of config.data) {
    try {
      parseSourceSpec(spec);
    } catch (err) {
      throw new UsageError(`--data: ${(err as Error).message}`);
    }
  }
  return config;
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

/** Loads and featurises one source (without its `@WEIGHT`) with a progress bar. */
export function prepareSource(
  spec: string,
  config: Pick<TrainConfig, 'features' | 'deskew' | 'downscaleTo' | 'limit'> &
    Partial<Pick<TrainConfig, 'seed' | 'synthetic'>>,
  log: (s: string) => void,
) {
  const data = loadDataSource(spec, { seed: config.seed, synthetic: config.synthetic });
  const pre = { deskew: config.deskew, downscaleTo: config.downscaleTo };
  const bar = new ProgressBar(`features ${spec}`, 1);
  const fs = limitSet(
    featurizeData(data, config.features, pre, (done, n) => {
      bar.total = n;
      bar.update(done);
    }),
    config.limit,
  );
  if (fs.emptyCount > 0) log(`${spec}: ${fs.emptyCount} items had no ink and were left out`);
  return { data, fs, kind: sourceKind(spec, data) };
}

/** Loads, featurises and weighs every `data` source of a configuration. */
export function prepareTrainingSources(
  config: TrainConfig,
  log: (s: string) => void,
): { sources: TrainingSource[]; summaries: ReturnType<typeof summarise>[] } {
  const sources: TrainingSource[] = [];
  const summaries: ReturnType<typeof summarise>[] = [];
  for (const spec of config.data) {
    const { name, weight: given } = parseSourceSpec(spec);
    const weight = given ?? config.weights[name] ?? 1;
    const { data, fs, kind } = prepareSource(name, config, log);
    sources.push({ name, kind, set: fs, weight });
    summaries.push({ ...summarise(name, data, weight), count: fs.X.n });
  }
  return { sources, summaries };
}

/** Per-source out-of-fold table: rows, weight, accuracy per fold at the best C, then OOF metrics. */
export function formatSourceTable(
  scores: ReturnType<typeof sourceScores>,
  weights: readonly number[],
): string {
  const nFolds = scores[0]?.foldAccuracy.length ?? 0;
  const head = [
    'source',
    'kind',
    'n',
    'weight',
    ...Array.from({ length: nFolds }, (_, f) => `fold ${f + 1}`),
    'OOF acc',
    'ECE',
    'redraw',
    'accepted acc',
  ];
  const rows = scores.map((s, i) => [
    s.name,
    s.kind,
    String(s.metrics.n),
    String(weights[i]),
    ...s.foldAccuracy.map(pct),
    pct(s.metrics.accuracy),
    s.metrics.ece.toFixed(4),
    pct(s.metrics.redrawRate),
    pct(s.metrics.acceptedAccuracy),
  ]);
  return `Out-of-fold scores per source at the best C:\n${table([head, ...rows])}`;
}

/** Runs `digitrec train`. */
export function train(argv: string[], log: (s: string) => void = console.log): ModelFile {
  const config = trainConfig(argv);
  const t0 = performance.now();
  const preprocessing = { deskew: config.deskew, downscaleTo: config.downscaleTo };
  const prepared = prepareTrainingSources(config, log);
  const combined = combineSources(prepared.sources);
  const sources = prepared.summaries;
  // Only names, kinds and weights are needed from here on: drop the per-source matrices, which
  // `combined` has copied, so the training data is not held twice through the CV.
  const training = prepared.sources.map(({ name, kind, weight }) => ({ name, kind, weight }));
  prepared.sources.length = 0;
  const all = combined.data;
  const grouped = combined.rowGroups.some((g) => g !== undefined);
  if (config.groupCv && !grouped) {
    throw new UsageError(
      '--group-cv needs a drawing source with writers or sessions (e.g. a strokes JSONL file)',
    );
  }
  // Writers and sessions whole in one fold; MNIST and synthetic rows stratified around them.
  const groupFolds = grouped
    ? groupAwareFolds(all.y, combined.rowGroups, config.cv, config.seed)
    : undefined;
  const weighted = training.some((s) => (s.weight ?? 1) !== 1);
  const k = 10;
  const nFits = (typeof config.Cs === 'number' ? config.Cs : config.Cs.length) * config.cv + 1;
  const bar = new ProgressBar('cross-validation', nFits);
  const cvResult = logisticRegressionCVParallel(all.X, all.y, {
    Cs: config.Cs,
    cv: config.cv,
    folds: groupFolds?.folds,
    groups: groupFolds?.groups,
    sampleWeight: weighted ? combined.sampleWeight : undefined,
    scoring: config.scoring,
    seed: config.seed,
    maxIter: config.maxIter,
    tol: config.tol,
    refit: true,
    onProgress: (e) => bar.update(e.done, `C=${e.C.toPrecision(3)}`),
  });
  const cv: CvTable = cvResult.table;
  log(formatCvTable(cv));

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
    log(
      formatSourceTable(
        perSource,
        training.map((s) => s.weight ?? 1),
      ),
    );
  }
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
  log(
    `temperature ${temperature.toFixed(3)}, threshold ${threshold.toFixed(3)} (target error ${config.targetError}), fitted on ${calibration.n} out-of-fold ${calibration.kind === 'all' ? '' : `${calibration.kind} `}rows`,
  );
  log(formatMetricsLine('cv-out-of-fold', metrics['cv-out-of-fold']));
  for (const spec of config.eval) {
    const { fs } = prepareSource(spec, { ...config, limit: undefined }, log);
    metrics[spec] = evaluateModel(model, fs.X, fs.y);
    log(formatMetricsLine(spec, metrics[spec]));
  }
  saveModel(config.out, model);
  const seconds = (performance.now() - t0) / 1000;
  log(`wrote ${config.out} (model ${model.id}) in ${seconds.toFixed(1)} s`);
  return model;
}
