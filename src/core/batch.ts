/**
 * Batch prediction and evaluation with a model file over a featurised data set — the same
 * arithmetic as `recognizer.ts` (both go through `calibrated-model.ts`), over a matrix of rows.
 */
import { calibratedModelOf, calibratedRead, readerLogits } from './calibrated-model.js';
import type { Metrics, ModelFile } from './contracts.js';
import { evaluate } from './metrics.js';
import type { Matrix } from './types.js';

/** The image reader's raw logits (before temperature) of every row: n × k, row-major. */
export function modelLogits(model: ModelFile, X: Matrix): Float64Array {
  return readerLogits(calibratedModelOf(model).image, X, `the model (${model.features})`);
}

/** Calibrated probabilities of every row read as a plain image: softmax(logits / temperature). */
export function modelProbabilities(model: ModelFile, X: Matrix): Float64Array {
  return calibratedRead(calibratedModelOf(model), modelLogits(model, X)).probabilities;
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

/** Every metric of `evaluate` for the model on (X, y) read as plain images, at their threshold. */
export function evaluateModel(model: ModelFile, X: Matrix, y: Uint8Array): Metrics {
  const read = calibratedRead(calibratedModelOf(model), modelLogits(model, X));
  return evaluate(
    read.probabilities,
    labelsToClassIndex(model, y),
    model.classes.length,
    read.threshold,
  );
}
