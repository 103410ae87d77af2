/**
 * The two readers together: the online reader's logits, their fusion with the image reader's
 * (fused = image logits + w × online logits, a weighted product of the two readers'
 * probabilities), the choice of w on out-of-fold rows, and batch evaluation of the fused model.
 */
import {
  calibratedModelOf,
  calibratedRead,
  notDigitOf,
  readerLogits,
  readerProbabilities,
} from './calibrated-model.js';
import type { Metrics, ModelFile } from './contracts.js';
import { evaluate } from './metrics.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';
import type { LabelledDrawing, Matrix, Stroke } from './types.js';

/** The online-reader weights tried by `chooseFusionWeight` (0: the image reader alone). */
export const FUSION_WEIGHTS: readonly number[] = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];

/** The trajectory features of drawings, one row each (a drawing without points gives zeros). */
export function trajectoryMatrix(strokes: readonly (readonly Stroke[])[]): Matrix {
  const d = TRAJECTORY_LENGTH;
  const data = new Float32Array(strokes.length * d);
  for (let i = 0; i < strokes.length; i++) {
    trajectoryFeatures(strokes[i], data.subarray(i * d, (i + 1) * d));
  }
  return { n: strokes.length, d, data };
}

/** `trajectoryMatrix` of labelled drawings. */
export function drawingTrajectories(drawings: readonly LabelledDrawing[]): Matrix {
  return trajectoryMatrix(drawings.map((d) => d.drawing.strokes));
}

/** Raw logits of a two-reader model's online reader for every row of X (trajectories): n × k. */
export function onlineLogits(model: ModelFile, X: Matrix): Float64Array {
  const online = calibratedModelOf(model).online;
  if (!online) throw new RangeError('the model has no online reader');
  return readerLogits(online, X, 'the online reader');
}

function argmaxRow(z: Float64Array, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
  return best;
}

/** One candidate weight's out-of-fold score. */
export interface FusionScore {
  weight: number;
  accuracy: number;
  /** Mean log loss of softmax(fused) (temperature 1), the tie-break. */
  logLoss: number;
}

/**
 * The online weight with the best out-of-fold accuracy on `rows` (ties: the lower log loss, then
 * the smaller weight), from `weights`. Logits are n × k over all rows; labels class indices.
 */
export function chooseFusionWeight(
  image: Float64Array,
  online: Float64Array,
  labels: Uint8Array,
  k: number,
  rows: Int32Array,
  weights: readonly number[] = FUSION_WEIGHTS,
): { weight: number; scores: FusionScore[] } {
  if (rows.length === 0) throw new RangeError('rows must hold at least one row to choose a weight');
  const scores: FusionScore[] = weights.map((weight) => {
    let hits = 0;
    let loss = 0;
    const z = new Float64Array(k);
    for (const r of rows) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        z[c] = image[r * k + c] + weight * online[r * k + c];
        if (z[c] > max) max = z[c];
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
      loss += max + Math.log(sum) - z[labels[r]];
      if (argmaxRow(z, 0, k) === labels[r]) hits++;
    }
    return { weight, accuracy: hits / rows.length, logLoss: loss / rows.length };
  });
  let best = scores[0];
  for (const s of scores) {
    if (s.accuracy > best.accuracy || (s.accuracy === best.accuracy && s.logLoss < best.logLoss))
      best = s;
  }
  return { weight: best.weight, scores };
}

/** How the two readers did on a set of drawings, each alone and fused. */
export interface ReadersEvaluation {
  /** The fused model at its fusion threshold. */
  fused: Metrics;
  /** The image reader alone at the image threshold. */
  image: Metrics;
  /** The online reader alone (temperature 1, fusion threshold). */
  online: Metrics;
  /** Share of drawings the two readers give the same digit, and the accuracy there. */
  agreement: number;
  agreedAccuracy: number;
  /** Per row: the fused probabilities (n × k) and whether the readers agreed. */
  probabilities: Float64Array;
  agreed: Uint8Array;
}

/**
 * Scores a two-reader model on drawings: `image` the image reader's raw logits of each row, `Xon`
 * their trajectories, `y` class indices.
 */
export function evaluateReaders(
  model: ModelFile,
  image: Float64Array,
  Xon: Matrix,
  y: Uint8Array,
): ReadersEvaluation {
  const calibrated = calibratedModelOf(model);
  if (!calibrated.fusion) throw new RangeError('the model has no online reader');
  const k = model.classes.length;
  const online = onlineLogits(model, Xon);
  const fused = calibratedRead(calibrated, image, online);
  const alone = calibratedRead(calibrated, image);
  const agreed = new Uint8Array(y.length);
  let nAgree = 0;
  let agreeHits = 0;
  for (let i = 0; i < y.length; i++) {
    const a = argmaxRow(image, i, k);
    if (a === argmaxRow(online, i, k)) {
      agreed[i] = 1;
      nAgree++;
      if (a === y[i]) agreeHits++;
    }
  }
  return {
    fused: evaluate(fused.probabilities, y, k, fused.threshold),
    image: evaluate(alone.probabilities, y, k, alone.threshold),
    online: evaluate(readerProbabilities(online, k), y, k, fused.threshold),
    agreement: y.length > 0 ? nAgree / y.length : Number.NaN,
    agreedAccuracy: nAgree > 0 ? agreeHits / nAgree : Number.NaN,
    probabilities: fused.probabilities,
    agreed,
  };
}

/**
 * P(not a digit) of each row for a model with a not-a-digit reader: image features `Ximg`, their
 * trajectories `Xon` and geometry `G`, row for row (see `junk.ts`).
 */
export function notDigitBatch(
  model: ModelFile,
  Ximg: Matrix,
  Xon: Matrix,
  G: Matrix,
): Float64Array {
  const junk = calibratedModelOf(model).junk;
  if (!junk) throw new RangeError('the model has no not-a-digit reader');
  if (Ximg.n !== Xon.n || Xon.n !== G.n)
    throw new RangeError(`rows differ: ${Ximg.n} images, ${Xon.n} trajectories, ${G.n} geometries`);
  const row = new Float32Array(junk.nFeatures);
  return Float64Array.from({ length: Ximg.n }, (_, i) =>
    notDigitOf(
      junk,
      Ximg.data.subarray(i * Ximg.d, (i + 1) * Ximg.d),
      Xon.data.subarray(i * Xon.d, (i + 1) * Xon.d),
      G.data.subarray(i * G.d, (i + 1) * G.d),
      row,
    ),
  );
}
