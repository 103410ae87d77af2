/** `digitrec train`: featurise the sources, cross-validate C, calibrate, evaluate, write the model. */
import { readFileSync } from 'node:fs';
import type { SourceScore } from '../core/combined.js';
import type { ModelFile } from '../core/contracts.js';
import type { FeatureKind, Scoring } from '../core/types.js';
import { saveModel } from '../data/model-io.js';
import { isPostgresUrl } from '../data/pg-store.js';
import { preloadSamples } from '../data/samples.js';
import { parseSourceSpec, samplesPath } from '../data/sources.js';
import {
  checkTrainConfig,
  mergeTrainConfig,
  prepareCombinedSources as prepareCombinedSourcesQuietly,
  prepareSource as prepareSourceQuietly,
  prepareTrainingSources as prepareTrainingSourcesQuietly,
  TRAIN_DEFAULTS,
  type TrainConfig,
  type TrainingEvent,
  type TrainingOptions,
  trainModel,
} from '../data/training.js';
import { integerOption, numberOption, type OptionSpec, parseArgs, UsageError } from './args.js';
import { checkInputFile, checkOutputFile } from './paths.js';
import { ProgressBar } from './progress.js';
import { formatCvTable, formatMetricsLine, pct, table } from './text.js';

const SPEC: OptionSpec = {
  config: 'string',
  data: 'string',
  features: 'string',
  deskew: 'boolean',
  'no-deskew': 'boolean',
  'downscale-to': 'string',
  'raster-side': 'string',
  Cs: 'string',
  cv: 'string',
  'group-cv': 'boolean',
  scoring: 'string',
  parallel: 'string',
  seed: 'string',
  'max-iter': 'string',
  tol: 'string',
  memory: 'string',
  'warm-start': 'string',
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
                       samples[:DB] (app store: file or postgres://…), or paths (CSV, IDX, image
                       folder, UNIPEN, strokes JSONL); WEIGHT is each row's sample
                       weight, e.g. mnist,synthetic:20000@2,pen.jsonl@3      [mnist]
  --features KIND      hog | hog2 | pixels                              [hog]
  --deskew, --no-deskew  straighten by image moments                    [on]
  --downscale-to N     area-average to N×N before cropping (0: off)     [0]
  --raster-side N      draw a drawing's ink at most N px a side (0: at the canvas's
                       resolution)                                      [64]
  --Cs N|LIST          N log-spaced values 1e-4…1e4, or a list          [10]
  --cv K               number of folds                                  [5]
  --group-cv           require group-aware folds (a writer/session in one fold); used
                       anyway when a drawing source has writers or sessions
  --scoring NAME       accuracy | f1_macro | neg_log_loss               [accuracy]
  --parallel MODE      rows (each gradient split over the threads) or folds (a
                       fold per thread); they differ in the last bits      [rows]
  --seed N             seed for folds and the synthetic source          [0]
  --max-iter N, --tol X  L-BFGS limits                                  [100, 1e-4]
  --memory M           L-BFGS correction pairs per fit                  [10]
  --warm-start W       path (each fold from zeros along its C path) or
                       folds (each fold from the previous fold's fits;
                       biased CV scores unless every fit converges)     [path]
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
  let config: TrainConfig = { ...TRAIN_DEFAULTS };
  if (typeof options.config === 'string') {
    checkInputFile(options.config, '--config');
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(options.config, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read config ${options.config}: ${(err as Error).message}`);
    }
    config = mergeTrainConfig(fromFile, options.config);
  }
  const o = options as Record<string, string>;
  if (o.data) config.data = list(o.data);
  if (o.features) config.features = o.features as FeatureKind;
  if (options.deskew) config.deskew = true;
  if (options['no-deskew']) config.deskew = false;
  if (o['downscale-to'])
    config.downscaleTo = integerOption('downscale-to', o['downscale-to'], 0, 4096);
  if (o['raster-side']) config.rasterSide = numberOption('raster-side', o['raster-side']);
  if (o.Cs) config.Cs = parseCs(o.Cs);
  if (o.cv) config.cv = integerOption('cv', o.cv, 2, 100);
  if (options['group-cv']) config.groupCv = true;
  if (o.scoring) config.scoring = o.scoring as Scoring;
  if (o.parallel) config.parallel = o.parallel as TrainConfig['parallel'];
  if (o.seed) config.seed = integerOption('seed', o.seed, 0, 2 ** 32 - 1);
  if (o['max-iter']) config.maxIter = integerOption('max-iter', o['max-iter'], 1, 100000);
  if (o.tol) config.tol = numberOption('tol', o.tol, 0);
  if (o.memory) config.memory = integerOption('memory', o.memory, 1, 1000);
  if (o['warm-start']) config.warmStart = o['warm-start'] as TrainConfig['warmStart'];
  if (o['target-error']) config.targetError = numberOption('target-error', o['target-error'], 0, 1);
  if (o.eval !== undefined) config.eval = o.eval === 'none' ? [] : list(o.eval);
  if (o.limit) config.limit = integerOption('limit', o.limit, 1);
  if (o.out) config.out = o.out;
  if (o['created-at']) config.createdAt = o['created-at'];
  checkTrainConfig(config);
  return config;
}

/** Training options that draw a progress bar per phase and source on stderr. */
export function withProgressBars(log: (s: string) => void, onEvent?: (e: TrainingEvent) => void) {
  // One bar per label; a label seen again after its bar finished (an eval set) gets a new bar.
  const bars = new Map<string, { bar: ProgressBar; finished: boolean }>();
  const options: TrainingOptions = {
    log,
    onEvent: (e) => {
      if (e.kind === 'progress') {
        let entry = bars.get(e.label);
        if (!entry || entry.finished) {
          entry = { bar: new ProgressBar(e.label, e.total), finished: false };
          bars.set(e.label, entry);
        }
        entry.bar.total = e.total;
        entry.bar.update(e.done, e.detail);
        entry.finished = e.done >= e.total;
      }
      onEvent?.(e);
    },
  };
  return options;
}

/** Loads and featurises one source (without its `@WEIGHT`) with a progress bar. */
export function prepareSource(
  spec: string,
  config: Parameters<typeof prepareSourceQuietly>[1],
  log: (s: string) => void,
) {
  return prepareSourceQuietly(spec, config, withProgressBars(log));
}

/** Loads, featurises and weighs every `data` source of a configuration, with progress bars. */
export function prepareTrainingSources(config: TrainConfig, log: (s: string) => void) {
  return prepareTrainingSourcesQuietly(config, withProgressBars(log));
}

/** `prepareCombinedSources` (every source stacked into one set) with progress bars. */
export function prepareCombinedSources(config: TrainConfig, log: (s: string) => void) {
  return prepareCombinedSourcesQuietly(config, withProgressBars(log));
}

/** Per-source out-of-fold table: rows, weight, accuracy per fold at the best C, then OOF metrics. */
export function formatSourceTable(
  scores: readonly SourceScore[],
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

/**
 * `digitrec train` as the command line runs it: a `samples:postgres://…` source is read first
 * (PostgreSQL is asynchronous, the training pipeline is not), then `train`.
 */
export async function trainCommand(argv: string[], log: (s: string) => void = console.log) {
  const config = trainConfig(argv);
  for (const spec of [...config.data, ...config.eval]) {
    const store = samplesPath(parseSourceSpec(spec).name);
    if (store !== undefined && isPostgresUrl(store)) await preloadSamples(store);
  }
  return train(argv, log);
}

/** Runs `digitrec train`. */
export function train(argv: string[], log: (s: string) => void = console.log): ModelFile {
  const config = trainConfig(argv);
  // Before the training, so a wrong --out does not waste it.
  checkOutputFile(config.out, '--out');
  const t0 = performance.now();
  const print = (e: TrainingEvent) => {
    if (e.kind === 'cv') {
      log(formatCvTable(e.cv));
      if (e.perSource) log(formatSourceTable(e.perSource, e.weights));
    } else if (e.kind === 'calibrated') {
      const c = e.calibration;
      log(
        `temperature ${c.temperature.toFixed(3)}, threshold ${c.threshold.toFixed(3)} (target error ${e.targetError}), fitted on ${c.n} out-of-fold ${c.kind === 'all' ? '' : `${c.kind} `}rows`,
      );
    } else if (e.kind === 'metrics') {
      log(formatMetricsLine(e.name, e.metrics));
    }
  };
  const model = trainModel(config, withProgressBars(log, print));
  saveModel(config.out, model);
  const seconds = (performance.now() - t0) / 1000;
  log(`wrote ${config.out} (model ${model.id}) in ${seconds.toFixed(1)} s`);
  return model;
}
