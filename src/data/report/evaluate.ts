/**
 * Evaluating models on a labelled data set for the report: featurise once per distinct feature
 * kind and preprocessing, predict in chunks (so a progress bar can move), and keep what the report
 * draws — metrics, the reliability diagram, the accuracy-vs-redraw curve and the most confident
 * mistakes with the canonical image the model saw.
 */
import { labelsToClassIndex, modelLogits, modelProbabilities } from '../../core/batch.js';
import {
  correctness,
  type RedrawPoint,
  type Reliability,
  redrawCurve,
  redrawPointAt,
  reliabilityDiagram,
  topPredictions,
  worstMistakes,
} from '../../core/confidence-curves.js';
import type { Metrics, ModelFile } from '../../core/contracts.js';
import type { FeatureSet } from '../../core/dataset.js';
import { drawingTrajectories, evaluateReaders } from '../../core/fusion.js';
import { evaluate } from '../../core/metrics.js';
import { imageFromBytes, preprocessDrawing, preprocessImage } from '../../core/preprocess.js';
import type { Drawing, GrayImage } from '../../core/types.js';
import type { LabelledData } from '../formats.js';
import { countItems, featurizeData, hashData, MNIST_SOURCES } from '../sources.js';

/** Bins of the reliability diagram (those of the metrics' ECE). */
export const RELIABILITY_BINS = 15;
/** Mistakes shown per data set and model. */
export const MISTAKES_SHOWN = 12;
/** Rows predicted per progress step. */
const CHUNK = 1000;

/** One confident wrong prediction, with the canonical image the model saw. */
export interface ReportMistake {
  /** Index of the item in its data source (0-based). */
  index: number;
  /** How the source names the item: a drawing's id, an image's file name, else `#index`. */
  item: string;
  label: number;
  predicted: number;
  confidence: number;
  /** The probability the model gave the true label. */
  trueProbability: number;
  canonical: GrayImage;
  /** The drawing as drawn, when the data set holds strokes. */
  drawing?: Drawing;
}

/** A model's results on one data set evaluated for the report. */
export interface SetEvaluation {
  /** The data set as named on the command line (`mnist-test`, a path). */
  name: string;
  /** Items in the source, including any without ink. */
  items: number;
  /** Items without ink, not classified. */
  emptyCount: number;
  /** Content hash of the source (as in a model file's provenance). */
  hash: string;
  /** Why the set may overlap the model's training data, or undefined when it does not seem to. */
  trainingOverlap?: string;
  metrics: Metrics;
  reliability: Reliability;
  /** The accuracy-vs-redraw curve, redraw rate ascending. */
  curve: RedrawPoint[];
  /** The point of the curve at the model's threshold. */
  operating: RedrawPoint;
  mistakes: ReportMistake[];
  /** For each classified row: the index of its item in the source, and 1 if it was right. */
  rows: { sourceIndex: Int32Array; correct: Uint8Array };
  /**
   * With a two-reader model on drawings (then `metrics` are the fused readers'): each reader's
   * accuracy alone, and how often they agree and are then right.
   */
  readers?: { image: number; online: number; agreement: number; agreedAccuracy: number };
}

/** Progress callbacks of `evaluateForReport`. */
export interface EvaluateProgress {
  /** Featurising for one feature kind / preprocessing: items done of total. */
  onFeatures?: (done: number, total: number, key: string) => void;
  /** Predicting for model `m`: rows done of total. */
  onEvaluate?: (done: number, total: number, m: number) => void;
}

function canonicalOf(data: LabelledData, i: number, model: ModelFile): GrayImage {
  if (data.kind === 'images') {
    const { set } = data;
    const size = set.width * set.height;
    return preprocessImage(
      imageFromBytes(set.pixels, set.width, set.height, i * size),
      model.preprocessing,
    ).canonical;
  }
  if (data.kind === 'gray') return preprocessImage(data.images[i], model.preprocessing).canonical;
  return preprocessDrawing(data.drawings[i].drawing, model.preprocessing).canonical;
}

function itemName(data: LabelledData, i: number): string {
  if (data.kind === 'drawings') return data.drawings[i].id;
  if (data.kind === 'gray') return data.names[i];
  return `#${i}`;
}

function mnistSplit(name: string): string | undefined {
  return Object.hasOwn(MNIST_SOURCES, name) ? MNIST_SOURCES[name] : undefined;
}

/** Why data named `name` with content hash `hash` may be part of the model's training data. */
export function trainingOverlap(model: ModelFile, name: string, hash: string): string | undefined {
  for (const s of model.training.sources) {
    if (s.hash === hash) return `same content as training source ${s.name}`;
    const a = mnistSplit(s.name);
    if (s.name === name || (a !== undefined && a === mnistSplit(name)))
      return `same name as training source ${s.name}`;
  }
  return undefined;
}

function featureKey(model: ModelFile): string {
  return JSON.stringify([model.features, model.preprocessing]);
}

/**
 * Evaluates every model on `data` (named `name`): one `SetEvaluation` per model, in order.
 * Featurises once per distinct feature kind and preprocessing.
 */
export function evaluateForReport(
  models: ModelFile[],
  data: LabelledData,
  name: string,
  progress: EvaluateProgress = {},
): SetEvaluation[] {
  const hash = hashData(data);
  const items = countItems(data);
  const featureSets = new Map<string, FeatureSet>();
  return models.map((model, m) => {
    const key = featureKey(model);
    let fs = featureSets.get(key);
    if (fs === undefined) {
      fs = featurizeData(data, model.features, model.preprocessing, (done, total) =>
        progress.onFeatures?.(done, total, key),
      );
      featureSets.set(key, fs);
    }
    const k = model.classes.length;
    const { n, d } = fs.X;
    const probs = new Float64Array(n * k);
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      const chunk = { n: end - start, d, data: fs.X.data.subarray(start * d, end * d) };
      probs.set(modelProbabilities(model, chunk), start * k);
      progress.onEvaluate?.(end, n, m);
    }
    if (n === 0) progress.onEvaluate?.(0, 0, m);
    const labels = labelsToClassIndex(model, fs.y);
    let threshold = model.threshold;
    let readers: SetEvaluation['readers'];
    if (data.kind === 'drawings' && model.online && model.fusion) {
      // Drawings are read by both readers: the fused probabilities replace the image reader's.
      const sourceIndex = fs.sourceIndex;
      const Xon = drawingTrajectories(Array.from(sourceIndex, (i) => data.drawings[i]));
      const r = evaluateReaders(model, modelLogits(model, fs.X), Xon, labels);
      probs.set(r.probabilities);
      threshold = model.fusion.threshold;
      readers = {
        image: r.image.accuracy,
        online: r.online.accuracy,
        agreement: r.agreement,
        agreedAccuracy: r.agreedAccuracy,
      };
    }
    const metrics = evaluate(probs, labels, k, threshold);
    const top = topPredictions(probs, k);
    const right = correctness(top.predicted, labels);
    const rows = worstMistakes(top.confidence, right, MISTAKES_SHOWN);
    const sourceIndex = fs.sourceIndex;
    return {
      rows: { sourceIndex, correct: right },
      name,
      items,
      emptyCount: fs.emptyCount,
      hash,
      trainingOverlap: trainingOverlap(model, name, hash),
      metrics,
      reliability: reliabilityDiagram(top.confidence, right, RELIABILITY_BINS),
      curve: redrawCurve(top.confidence, right),
      operating: redrawPointAt(top.confidence, right, threshold),
      readers,
      mistakes: rows.map((r) => ({
        index: sourceIndex[r],
        item: itemName(data, sourceIndex[r]),
        label: model.classes[labels[r]],
        predicted: model.classes[top.predicted[r]],
        confidence: top.confidence[r],
        trueProbability: probs[r * k + labels[r]],
        canonical: canonicalOf(data, sourceIndex[r], model),
        drawing: data.kind === 'drawings' ? data.drawings[sourceIndex[r]].drawing : undefined,
      })),
    };
  });
}
