/**
 * Batch prediction and evaluation with a model file over a featurised data set — the same
 * arithmetic as `recognizer.ts`, one row at a time over a matrix.
 */
import { softmaxRows } from './calibration.js';
import type { Metrics, ModelFile } from './contracts.js';
import { evaluate } from './metrics.js';
import type { Matrix } from './types.js';

/** A reader's weights (`weights[class][feature]`, `nFeatures` each) as one row-major k × d array. */
export function packWeights(model: {
  nFeatures: number;
  weights: readonly number[][];
}): Float64Array {
  const d = model.nFeatures;
  const W = new Float64Array(model.weights.length * d);
  model.weights.forEach((row, c) => {
    W.set(row, c * d);
  });
  return W;
}

/**
 * Logits of one feature row `x` (at `xOff`) into `out` (at `outOff`): z_c = b_c + W_c · x, summed in
 * feature order so the browser, the server and batch evaluation give identical numbers.
 */
export function linearLogits(
  W: Float64Array,
  b: ArrayLike<number>,
  k: number,
  d: number,
  x: Float32Array,
  xOff: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let c = 0; c < k; c++) {
    let z = b[c];
    const w = c * d;
    for (let j = 0; j < d; j++) z += W[w + j] * x[xOff + j];
    out[outOff + c] = z;
  }
}

/** Raw logits (before temperature) of every row: n × k, row-major. */
export function modelLogits(model: ModelFile, X: Matrix): Float64Array {
  const k = model.classes.length;
  const d = model.nFeatures;
  if (X.d !== d) {
    throw new RangeError(
      `X has ${X.d} features per row, the model expects ${d} (${model.features})`,
    );
  }
  const W = packWeights(model);
  const out = new Float64Array(X.n * k);
  for (let i = 0; i < X.n; i++) linearLogits(W, model.intercepts, k, d, X.data, i * d, out, i * k);
  return out;
}

/** Calibrated probabilities of every row: softmax(logits / temperature). */
export function modelProbabilities(model: ModelFile, X: Matrix): Float64Array {
  return softmaxRows(modelLogits(model, X), model.classes.length, model.temperature);
}

/** Maps digit labels to the model's class indices; RangeError for a digit the model lacks. */
export function labelsToClassIndex(model: ModelFile, y: Uint8Array): Uint8Array {
  const index = new Map(model.classes.map((c, i) => [c, i]));
  return y.map((label) => {
    const i = index.get(label);
    if (i === undefined) {
      throw new RangeError(`label ${label} is not one of the model's classes ${model.classes}`);
    }
    return i;
  });
}

/** Every metric of `evaluate` for the model on (X, y), at the model's threshold. */
export function evaluateModel(model: ModelFile, X: Matrix, y: Uint8Array): Metrics {
  const probs = modelProbabilities(model, X);
  return evaluate(probs, labelsToClassIndex(model, y), model.classes.length, model.threshold);
}
