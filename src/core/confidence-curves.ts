/**
 * What a report draws from predictions and their confidences: the reliability diagram (accuracy
 * against confidence in equal-width bins, the bins `expectedCalibrationError` uses), the
 * accuracy-vs-redraw-rate curve swept over the confidence threshold, and the most confident
 * mistakes. Probabilities are n × k row-major Float64Arrays; labels are class indices 0 … k−1.
 */
import { checkTypedArray } from './check.js';

/** The top class and its probability for every row. */
export interface TopPredictions {
  /** Index of the largest probability per row (the first of equals). */
  predicted: Uint8Array;
  /** That probability. */
  confidence: Float64Array;
}

/** The most probable class of each row and its probability. */
export function topPredictions(probs: Float64Array, k: number): TopPredictions {
  if (!Number.isInteger(k) || k < 1 || k > 256)
    throw new RangeError(`k must be an integer in [1, 256], got ${k}`);
  if (probs.length % k !== 0)
    throw new RangeError(`probs.length must be a multiple of k = ${k}, got ${probs.length}`);
  const n = probs.length / k;
  const predicted = new Uint8Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[off + c] > probs[off + best]) best = c;
    predicted[i] = best;
    confidence[i] = probs[off + best];
  }
  return { predicted, confidence };
}

/** 1 where the prediction equals the label, else 0. */
export function correctness(predicted: ArrayLike<number>, labels: ArrayLike<number>): Uint8Array {
  if (predicted.length !== labels.length)
    throw new RangeError(
      `labels.length must equal predicted.length = ${predicted.length}, got ${labels.length}`,
    );
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < out.length; i++) out[i] = predicted[i] === labels[i] ? 1 : 0;
  return out;
}

/** One bin (lo, hi] of a reliability diagram. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  correct: number;
  /** correct / count (NaN when empty). */
  accuracy: number;
  /** Mean confidence of the bin's rows (NaN when empty). */
  meanConfidence: number;
}

/** A reliability diagram and its expected calibration error. */
export interface Reliability {
  bins: ReliabilityBin[];
  /** Σ count/n · |accuracy − meanConfidence| (NaN for no rows); equals `expectedCalibrationError`. */
  ece: number;
  n: number;
}

function checkPairs(confidence: Float64Array, correct: Uint8Array): number {
  checkTypedArray('confidence', confidence, Float64Array);
  checkTypedArray('correct', correct, Uint8Array);
  if (correct.length !== confidence.length)
    throw new RangeError(
      `correct.length must equal confidence.length = ${confidence.length}, got ${correct.length}`,
    );
  for (let i = 0; i < confidence.length; i++) {
    if (!(confidence[i] >= 0 && confidence[i] <= 1))
      throw new RangeError(`confidence[${i}] must be in [0, 1], got ${confidence[i]}`);
  }
  return confidence.length;
}

/**
 * Rows binned by confidence into `bins` equal-width bins (lo, hi] of [0, 1], a confidence of 0
 * going to the first — the binning of `expectedCalibrationError`, so the ECE here is the same.
 */
export function reliabilityDiagram(
  confidence: Float64Array,
  correct: Uint8Array,
  bins = 15,
): Reliability {
  const n = checkPairs(confidence, correct);
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be an integer ≥ 1, got ${bins}`);
  const count = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(confidence[i] * bins) - 1));
    count[b]++;
    confSum[b] += confidence[i];
    hits[b] += correct[i];
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const accuracy = hits[b] / count[b];
    const meanConfidence = confSum[b] / count[b];
    if (count[b] > 0) ece += (count[b] / n) * Math.abs(accuracy - meanConfidence);
    out.push({
      lo: b / bins,
      hi: (b + 1) / bins,
      count: count[b],
      correct: hits[b],
      accuracy: count[b] > 0 ? accuracy : Number.NaN,
      meanConfidence: count[b] > 0 ? meanConfidence : Number.NaN,
    });
  }
  return { bins: out, ece: n === 0 ? Number.NaN : ece, n };
}

/** One operating point: redraw below `threshold`, accept at or above it. */
export interface RedrawPoint {
  threshold: number;
  /** Share of rows with confidence below the threshold. */
  redrawRate: number;
  /** Rows at or above the threshold. */
  accepted: number;
  /** Accuracy on the accepted rows (NaN when none are). */
  acceptedAccuracy: number;
}

/** The operating point of one threshold (as `evaluate` computes redraw rate and accepted accuracy). */
export function redrawPointAt(
  confidence: Float64Array,
  correct: Uint8Array,
  threshold: number,
): RedrawPoint {
  const n = checkPairs(confidence, correct);
  let accepted = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    if (confidence[i] >= threshold) {
      accepted++;
      right += correct[i];
    }
  }
  return {
    threshold,
    redrawRate: n === 0 ? Number.NaN : (n - accepted) / n,
    accepted,
    acceptedAccuracy: accepted === 0 ? Number.NaN : right / accepted,
  };
}

/**
 * The accuracy-vs-redraw curve: one point per distinct confidence t, used as the threshold (rows
 * with confidence ≥ t accepted), ordered from redraw rate 0 (t = the lowest confidence) upwards to
 * the highest confidence, where only its ties are accepted. Empty for no rows.
 */
export function redrawCurve(confidence: Float64Array, correct: Uint8Array): RedrawPoint[] {
  const n = checkPairs(confidence, correct);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => confidence[b] - confidence[a] || a - b,
  );
  const points: RedrawPoint[] = [];
  let accepted = 0;
  let right = 0;
  // Lower the threshold one distinct confidence at a time, accepting every row tied at it.
  for (let t = 0; t < n; ) {
    const conf = confidence[order[t]];
    while (t < n && confidence[order[t]] === conf) {
      accepted++;
      right += correct[order[t]];
      t++;
    }
    points.push({
      threshold: conf,
      redrawRate: (n - accepted) / n,
      accepted,
      acceptedAccuracy: right / accepted,
    });
  }
  return points.reverse();
}

/**
 * Indices of the `count` most confident wrong predictions, most confident first (ties by index),
 * so a report can show what the model gets wrong while sure of itself.
 */
export function worstMistakes(
  confidence: Float64Array,
  correct: Uint8Array,
  count: number,
): number[] {
  const n = checkPairs(confidence, correct);
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const wrong: number[] = [];
  for (let i = 0; i < n; i++) if (!correct[i]) wrong.push(i);
  wrong.sort((a, b) => confidence[b] - confidence[a] || a - b);
  return wrong.slice(0, count);
}
