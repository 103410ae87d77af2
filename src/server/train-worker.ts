/**
 * The retraining worker thread (started by `retrain.ts`): reads the app's sample store, splits off
 * the held-out writers, trains on the configured sources plus the training split, evaluates the
 * candidate and the serving model on the held-out drawings (and the `eval` sets), builds the
 * side-by-side report, and posts the result. It writes nothing; the main thread decides.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Metrics, ModelFile } from '../core/contracts.js';
import type { LabelledData } from '../data/formats.js';
import { splitHeldOut } from '../data/holdout.js';
import { buildReport, evaluateForReport, type SetEvaluation } from '../data/report/index.js';
import { pct } from '../data/report/svg.js';
import { preloadSamples, readSampleStore } from '../data/samples.js';
import { loadDataSource, parseSourceSpec, samplesPath } from '../data/sources.js';
import { type TrainConfig, type TrainingEvent, trainModel } from '../data/training.js';

/** What the worker is started with. */
export interface TrainWorkerInput {
  /** The app's store: an SQLite file or a PostgreSQL URL (read-only here). */
  database: string;
  config: TrainConfig;
  /** The model serving when the job started, to compare with. */
  serving: ModelFile;
  servingVersion: number;
  /** Shown in the report. */
  generatedAt: string;
}

/** Both models' results on one data set. */
export interface Comparison {
  n: number;
  candidate: Metrics;
  serving: Metrics;
}

/** The worker's result. */
export interface TrainWorkerResult {
  model: ModelFile;
  /** The held-out drawings, or null when the store has none. */
  heldOut: Comparison | null;
  /** Other evaluated sets (`mnist-test`, …) by name. */
  evaluated: Record<string, Comparison>;
  /** Drawings of the store trained on / held out / without strokes. */
  samples: { train: number; heldOut: number; withoutStrokes: number };
  /** The data sources trained on, as given to the pipeline. */
  data: string[];
  reportHtml: string;
  seconds: number;
}

/** Messages posted to the main thread. */
export type TrainWorkerMessage =
  | { type: 'progress'; phase: string; label: string; done: number; total: number; detail?: string }
  | { type: 'log'; line: string }
  | { type: 'result'; result: TrainWorkerResult };

/** The name of the held-out set in metrics and the report. */
export const HELD_OUT_SET = 'held-out app drawings';

function isSamplesSource(spec: string): boolean {
  return samplesPath(parseSourceSpec(spec).name) !== undefined;
}

/** Runs one job; `post` receives progress, log lines and the result. */
export function runTrainJob(
  input: TrainWorkerInput,
  post: (m: TrainWorkerMessage) => void,
): TrainWorkerResult {
  const t0 = performance.now();
  const log = (line: string) => post({ type: 'log', line });
  const { drawings, withoutStrokes, notDigit } = readSampleStore(input.database);
  const split = splitHeldOut(drawings);
  log(
    `app drawings: ${split.train.length} to train on, ${split.heldOut.length} held out (by session)` +
      (withoutStrokes > 0 ? `, ${withoutStrokes} without strokes skipped` : '') +
      (notDigit > 0
        ? `, ${notDigit} read as not a digit skipped (relabel one on the Data page to use it)`
        : ''),
  );
  // The configured sources, with the app's own store replaced by its training split (keeping a
  // weight given as `samples@W`; a `samples:PATH` store is this app's store here, said so).
  const data = input.config.data.filter((spec) => !isSamplesSource(spec));
  const samplesSpecs = input.config.data.filter(isSamplesSource).map(parseSourceSpec);
  for (const s of samplesSpecs)
    if (s.name !== 'samples')
      log(`${s.name} in the retraining config: this app's drawings are used`);
  const weight = samplesSpecs.find((s) => s.weight !== undefined)?.weight;
  if (split.train.length > 0) data.push(weight === undefined ? 'samples' : `samples@${weight}`);
  const config: TrainConfig = { ...input.config, data, eval: [] };
  const preloaded: Record<string, LabelledData> = {
    samples: { kind: 'drawings', drawings: split.train, source: 'samples' },
  };
  // Progress is posted at most every 100 ms per bar (and always at its end).
  const lastPost = new Map<string, number>();
  const progress = (phase: string, label: string, done: number, total: number, detail?: string) => {
    const now = performance.now();
    if (done < total && now - (lastPost.get(label) ?? -Infinity) < 100) return;
    lastPost.set(label, now);
    post({ type: 'progress', phase, label, done, total, detail });
  };
  const onEvent = (e: TrainingEvent) => {
    if (e.kind === 'progress') {
      progress(e.phase, e.label, e.done, e.total, e.detail);
    } else if (e.kind === 'cv') {
      log(`cross-validation: best C ${e.cv.bestC} (${e.cv.nFolds} ${e.cv.foldKind} folds)`);
    } else if (e.kind === 'calibrated') {
      log(
        `temperature ${e.calibration.temperature.toFixed(3)}, threshold ${e.calibration.threshold.toFixed(3)} on ${e.calibration.n} out-of-fold rows`,
      );
    } else if (e.kind === 'metrics') {
      log(`${e.name}: accuracy ${pct(e.metrics.accuracy, 2)} (n=${e.metrics.n})`);
    }
  };
  log(`training on ${data.join(', ')}`);
  const model = trainModel(config, { log, onEvent, preloaded });

  // Evaluate both models on the held-out drawings and the eval sets, featurising each set once.
  const models = [model, input.serving];
  const sets: SetEvaluation[][] = [];
  const evaluateSet = (loaded: LabelledData, name: string) => {
    const label = `evaluate ${name}`;
    const result = evaluateForReport(models, loaded, name, {
      onFeatures: (done, total) => progress('features', `features ${name}`, done, total),
      onEvaluate: (done, total, m) => progress('evaluate', label, m * total + done, 2 * total),
    });
    sets.push(result);
    const [c, s] = result;
    log(
      `${name}: candidate ${pct(c.metrics.accuracy, 2)}, serving v${input.servingVersion} ${pct(s.metrics.accuracy, 2)} (n=${c.metrics.n})`,
    );
    return { n: c.metrics.n, candidate: c.metrics, serving: s.metrics };
  };
  let heldOut: Comparison | null = null;
  if (split.heldOut.length > 0) {
    heldOut = evaluateSet(
      { kind: 'drawings', drawings: split.heldOut, source: HELD_OUT_SET },
      HELD_OUT_SET,
    );
    model.metrics[HELD_OUT_SET] = heldOut.candidate;
  }
  const evaluated: Record<string, Comparison> = {};
  for (const spec of input.config.eval) {
    evaluated[spec] = evaluateSet(loadDataSource(spec), spec);
    model.metrics[spec] = evaluated[spec].candidate;
  }
  const reportHtml = buildReport({
    models: [
      { model, path: 'candidate' },
      { model: input.serving, path: `version ${input.servingVersion} (serving)` },
    ],
    sets,
    generatedAt: input.generatedAt,
  });
  const result: TrainWorkerResult = {
    model,
    heldOut,
    evaluated,
    samples: {
      train: split.train.length,
      heldOut: split.heldOut.length,
      withoutStrokes,
    },
    data,
    reportHtml,
    seconds: (performance.now() - t0) / 1000,
  };
  post({ type: 'result', result });
  return result;
}

if (parentPort && (workerData as Partial<TrainWorkerInput> | null)?.database) {
  const port = parentPort;
  const input = workerData as TrainWorkerInput;
  // A PostgreSQL store is read before the (synchronous) pipeline starts.
  preloadSamples(input.database).then(
    () => runTrainJob(input, (m) => port.postMessage(m)),
    (err: unknown) => {
      throw err;
    },
  );
}
