/**
 * Classification metrics with scikit-learn's definitions. Labels are class indices 0 … k−1 (the
 * digits themselves when the classes are 0–9); probabilities are n × k row-major Float64Arrays.
 */
import { checkTypedArray } from './check.js';
import type { Metrics } from './contracts.js';

/** One row of a classification report (scikit-learn's classification_report, zero_division = 0). */
export type ClassReport = Metrics['perClass'][number];

/** Clipping of probabilities in `logLoss`, as scikit-learn's log_loss. */
export const LOG_LOSS_EPS = 1e-15;

function checkLabelArray(name: string, labels: ArrayLike<number>): void {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number')
    throw new TypeError(`${name} must be an array of labels, got ${typeof labels}`);
}

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  checkLabelArray('yTrue', yTrue);
  checkLabelArray('yPred', yPred);
  if (yTrue.length !== yPred.length)
    throw new RangeError(
      `yPred.length must equal yTrue.length = ${yTrue.length}, got ${yPred.length}`,
    );
}

function checkLabel(name: string, labels: ArrayLike<number>, i: number, k: number): number {
  const v = labels[i];
  if (!Number.isInteger(v) || v < 0 || v >= k)
    throw new RangeError(`${name}[${i}] must be an integer label in [0, ${k}), got ${v}`);
  return v;
}

function checkK(k: number): void {
  if (typeof k !== 'number') throw new TypeError(`k must be a number, got ${typeof k}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
}

function checkProbs(probs: Float64Array, labels: ArrayLike<number>, k: number): number {
  checkK(k);
  checkTypedArray('probs', probs, Float64Array);
  checkLabelArray('labels', labels);
  if (probs.length !== labels.length * k)
    throw new RangeError(
      `probs.length must be labels.length × k = ${labels.length * k}, got ${probs.length}`,
    );
  for (let i = 0; i < labels.length; i++) checkLabel('labels', labels, i, k);
  return labels.length;
}

/** Index of the largest probability in row i (the first of equals, like numpy's argmax). */
function argmaxRow(probs: Float64Array, i: number, k: number): number {
  const off = i * k;
  let best = 0;
  for (let c = 1; c < k; c++) if (probs[off + c] > probs[off + best]) best = c;
  return best;
}

/** counts[true][predicted] for labels in [0, k) (scikit-learn's confusion_matrix). */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  k = 10,
): number[][] {
  checkPair(yTrue, yPred);
  checkK(k);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++)
    m[checkLabel('yTrue', yTrue, i, k)][checkLabel('yPred', yPred, i, k)]++;
  return m;
}

/** Fraction of equal labels (NaN for no rows). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/**
 * Precision, recall, F1 and support per label, as scikit-learn's classification_report with
 * zero_division = 0: a ratio with a zero denominator is 0. `labels` defaults to the sorted labels
 * occurring in yTrue or yPred (scikit-learn's default).
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  labels?: readonly number[],
): ClassReport[] {
  checkPair(yTrue, yPred);
  const tp = new Map<number, number>();
  const predicted = new Map<number, number>();
  const support = new Map<number, number>();
  const bump = (m: Map<number, number>, key: number) => m.set(key, (m.get(key) ?? 0) + 1);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    bump(support, t);
    bump(predicted, p);
    if (t === p) bump(tp, t);
  }
  const list =
    labels ?? [...new Set([...support.keys(), ...predicted.keys()])].sort((a, b) => a - b);
  return list.map((label) => {
    const hits = tp.get(label) ?? 0;
    const nPred = predicted.get(label) ?? 0;
    const nTrue = support.get(label) ?? 0;
    // F1 = 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall from counts.
    const f1Denominator = nPred + nTrue;
    return {
      label,
      precision: nPred === 0 ? 0 : hits / nPred,
      recall: nTrue === 0 ? 0 : hits / nTrue,
      f1: f1Denominator === 0 ? 0 : (2 * hits) / f1Denominator,
      support: nTrue,
    };
  });
}

/** Unweighted mean of the per-label F1 over `labels` (default: the labels present), NaN if none. */
export function macroF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  labels?: readonly number[],
): number {
  const report = classificationReport(yTrue, yPred, labels);
  let s = 0;
  for (const r of report) s += r.f1;
  return s / report.length;
}

/**
 * Mean negative log-probability of the true label, probabilities clipped to
 * [LOG_LOSS_EPS, 1 − LOG_LOSS_EPS] (scikit-learn's log_loss; rows are not renormalised). NaN for
 * no rows.
 */
export function logLoss(probs: Float64Array, labels: ArrayLike<number>, k: number): number {
  const n = checkProbs(probs, labels, k);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i * k + labels[i]];
    s -= Math.log(Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS));
  }
  return s / n;
}

/**
 * Expected calibration error: rows binned by top-class confidence into `bins` equal-width bins
 * (lo, hi] of [0, 1] (a confidence of 0 goes to the first), then Σ_B |B|/n · |acc(B) − conf(B)|.
 * NaN for no rows.
 */
export function expectedCalibrationError(
  probs: Float64Array,
  labels: ArrayLike<number>,
  k: number,
  bins = 15,
): number {
  const n = checkProbs(probs, labels, k);
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be an integer ≥ 1, got ${bins}`);
  const count = new Float64Array(bins);
  const correct = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const top = argmaxRow(probs, i, k);
    const conf = probs[i * k + top];
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[b]++;
    confSum[b] += conf;
    if (top === labels[i]) correct[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    ece += (count[b] / n) * Math.abs(correct[b] / count[b] - confSum[b] / count[b]);
  }
  return n === 0 ? Number.NaN : ece;
}

/**
 * Every `Metrics` field for probabilities `probs` (n × k) against `labels`, predicting the most
 * probable class and asking for a redraw when its probability is below `threshold`. Per-class rows
 * and macro F1 cover the labels present in the labels or the predictions. With no rows the rates
 * are NaN.
 */
export function evaluate(
  probs: Float64Array,
  labels: Uint8Array,
  k: number,
  threshold: number,
): Metrics {
  checkTypedArray('labels', labels, Uint8Array);
  const n = checkProbs(probs, labels, k);
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))
    throw new RangeError(`threshold must be a number in [0, 1], got ${threshold}`);
  const pred = new Uint8Array(n);
  let redraw = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  for (let i = 0; i < n; i++) {
    const top = argmaxRow(probs, i, k);
    pred[i] = top;
    if (probs[i * k + top] < threshold) redraw++;
    else {
      accepted++;
      if (top === labels[i]) acceptedCorrect++;
    }
  }
  const perClass = classificationReport(labels, pred);
  let f1Sum = 0;
  for (const r of perClass) f1Sum += r.f1;
  return {
    n,
    accuracy: accuracy(labels, pred),
    macroF1: f1Sum / perClass.length,
    perClass,
    confusion: confusionMatrix(labels, pred, k),
    logLoss: logLoss(probs, labels, k),
    ece: expectedCalibrationError(probs, labels, k, 15),
    threshold,
    redrawRate: redraw / n,
    acceptedAccuracy: accepted === 0 ? Number.NaN : acceptedCorrect / accepted,
  };
}
