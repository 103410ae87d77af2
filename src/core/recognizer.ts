/**
 * Recognition of one drawing or image with a model file: the path shared by the browser, the
 * server and the CLI — rasterise → canonicalise (→ deskew) → features → logits → calibrated
 * probabilities → accept or ask for a redraw.
 */
import { linearLogits, packWeights } from './batch.js';
import { softmaxRows } from './calibration.js';
import type { ModelFile, Recognition, Recognizer } from './contracts.js';
import { extractFeatures } from './features.js';
import { type Preprocessed, preprocessDrawing, preprocessImage } from './preprocess.js';
import type { Drawing, GrayImage } from './types.js';

/** Number of digit classes every recognition reports probabilities for. */
export const DIGITS = 10;

/** Builds a recognizer from a validated model file (see `parseModelFile`). */
export function createRecognizer(model: ModelFile): Recognizer {
  const k = model.classes.length;
  const d = model.nFeatures;
  const weights = packWeights(model);
  const intercepts = Float64Array.from(model.intercepts);
  const features = new Float32Array(d);
  const logits = new Float64Array(k);

  function classify({ canonical, empty }: Preprocessed): Recognition {
    if (empty) {
      return {
        empty: true,
        digit: -1,
        confidence: 0,
        probabilities: new Array(DIGITS).fill(0),
        accepted: false,
        top2: [-1, -1],
        canonical,
      };
    }
    extractFeatures(canonical, model.features, features);
    linearLogits(weights, intercepts, k, d, features, 0, logits, 0);
    const p = softmaxRows(logits, k, model.temperature);
    const probabilities = new Array(DIGITS).fill(0);
    for (let c = 0; c < k; c++) probabilities[model.classes[c]] = p[c];
    const order = probabilities
      .map((prob, digit) => ({ prob, digit }))
      .sort((a, b) => b.prob - a.prob || a.digit - b.digit);
    const confidence = order[0].prob;
    return {
      empty: false,
      digit: order[0].digit,
      confidence,
      probabilities,
      accepted: confidence >= model.threshold,
      top2: [order[0].digit, order[1].digit],
      canonical,
    };
  }

  return Object.freeze({
    model,
    recognizeImage: (image: GrayImage) => classify(preprocessImage(image, model.preprocessing)),
    recognizeDrawing: (drawing: Drawing) =>
      classify(preprocessDrawing(drawing, model.preprocessing)),
  });
}
