/**
 * Writer-disjoint evaluation of the whole training recipe, both readers included: the real
 * drawings are dealt to folds by writer (scikit-learn's GroupKFold), each fold's model is trained
 * by `trainModel` on the configuration's sources plus the other writers' drawings, exactly as the
 * product trains, and read on the held-out writers. Without the real drawings in training one
 * model is trained and read on every writer. Results are pooled (each drawing at its fold's
 * threshold) and broken down by writer group (development / confirmation) and writer.
 */
import type { Metrics } from '../core/contracts.js';
import { groupKFold } from '../core/folds.js';
import type { LabelledDrawing } from '../core/types.js';
import {
  evaluateData,
  type GroupScore,
  scoreRows,
  type WriterScore,
  writerBreakdown,
} from './evaluation.js';
import { type TrainConfig, type TrainingOptions, trainModel } from './training.js';
import { type WriterGroup, writerGroupsOf, writerOf } from './writers.js';

/** Real drawings with writers, and their weight when trained on. */
export interface RealDrawings {
  name: string;
  drawings: LabelledDrawing[];
  weight: number;
}

/** One outer fold. */
export interface WriterCvFold {
  fold: number;
  writers: string[];
  nTrain: number;
  modelId: string;
  C: number;
  onlineC: number | null;
  onlineWeight: number | null;
  /** The threshold drawings were judged at (the fused one when there is an online reader). */
  threshold: number;
  heldOut: Metrics;
  /** Each reader alone on the held-out writers, when the model has both. */
  readers: { image: number; online: number; agreement: number } | null;
  /** The configuration's `eval` sets (e.g. MNIST test), as `trainModel` scored them. */
  tests: Record<string, Metrics>;
}

/** What `crossvalidateByWriter` returns. */
export interface WriterCvSummary {
  folds: WriterCvFold[];
  /** Every held-out drawing, each read by its fold's model at that model's threshold. */
  pooled: Metrics;
  groups: GroupScore[];
  writers: WriterScore[];
  /** Mean and minimum over folds of each `eval` set's accuracy. */
  testAccuracy: Record<string, { mean: number; min: number }>;
}

/** Options of `crossvalidateByWriter`. */
export interface WriterCvRunOptions {
  nFolds?: number;
  /** Train each fold on the other writers' drawings too. Default true. */
  includeReal?: boolean;
  /** Passed to every `trainModel` (progress, notes). */
  training?: TrainingOptions;
  /** Called before each fold's training (fold −1: the one model without real drawings). */
  onFold?: (fold: number, nFolds: number) => void;
}

/** See the module comment. */
export function crossvalidateByWriter(
  config: TrainConfig,
  real: RealDrawings,
  options: WriterCvRunOptions = {},
): WriterCvSummary {
  const nFolds = options.nFolds ?? 5;
  const includeReal = options.includeReal ?? true;
  const drawings = real.drawings;
  const writerOfItem = drawings.map(writerOf);
  const groupOfItem: WriterGroup[] = writerGroupsOf(drawings);
  const outer = groupKFold(writerOfItem, nFolds);
  const k = 10;
  const n = drawings.length;
  const probs = new Float64Array(n * k);
  const labels = new Uint8Array(n);
  const thresholds = new Float64Array(n);
  const read = new Uint8Array(n);
  const folds: WriterCvFold[] = [];
  const train = (data: string[], preloaded: TrainingOptions['preloaded']) =>
    trainModel(
      { ...config, data, eval: config.eval },
      { ...options.training, preloaded: { ...options.training?.preloaded, ...preloaded } },
    );
  let shared: ReturnType<typeof trainModel> | undefined;
  if (!includeReal) {
    options.onFold?.(-1, nFolds);
    shared = train(config.data, {});
  }
  for (let f = 0; f < nFolds; f++) {
    const held = drawings.filter((_, i) => outer[i] === f);
    const heldIndex = drawings.map((_, i) => i).filter((i) => outer[i] === f);
    let model = shared;
    if (!model) {
      options.onFold?.(f, nFolds);
      const others = drawings.filter((_, i) => outer[i] !== f);
      model = train([...config.data, `${real.name}@${real.weight}`], {
        [real.name]: { kind: 'drawings', drawings: others, source: real.name },
      });
    }
    const e = evaluateData(model, { kind: 'drawings', drawings: held, source: real.name });
    const { rows } = e;
    rows.items.forEach((item, j) => {
      const i = heldIndex[item];
      probs.set(rows.probabilities.subarray(j * k, j * k + k), i * k);
      labels[i] = rows.labels[j];
      thresholds[i] = rows.threshold;
      read[i] = 1;
    });
    folds.push({
      fold: f,
      writers: [...new Set(held.map(writerOf))].sort(),
      nTrain: model.training.n,
      modelId: model.id,
      C: model.C,
      onlineC: model.online?.C ?? null,
      onlineWeight: model.fusion?.onlineWeight ?? null,
      threshold: rows.threshold,
      heldOut: e.metrics,
      readers: e.readers
        ? {
            image: e.readers.image.accuracy,
            online: e.readers.online.accuracy,
            agreement: e.readers.agreement,
          }
        : null,
      tests: Object.fromEntries(config.eval.map((name) => [name, model.metrics[name]])),
    });
  }
  const rowsRead = [...read.keys()].filter((i) => read[i] === 1);
  const { groups, writers } = writerBreakdown(
    probs,
    labels,
    k,
    thresholds,
    writerOfItem,
    groupOfItem,
    rowsRead,
  );
  const testAccuracy = Object.fromEntries(
    config.eval.map((name) => {
      const acc = folds.map((fold) => fold.tests[name].accuracy);
      return [name, { mean: acc.reduce((a, b) => a + b, 0) / acc.length, min: Math.min(...acc) }];
    }),
  );
  return {
    folds,
    pooled: scoreRows(probs, labels, k, thresholds, rowsRead),
    groups,
    writers,
    testAccuracy,
  };
}
