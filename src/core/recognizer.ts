/**
 * Recognition of one drawing or image with a model file: the path shared by the browser, the
 * server and the CLI — rasterise → canonicalise (→ deskew) → features → image logits; for a
 * drawing with a two-reader model also the strokes' trajectory → online logits, fused; then
 * calibrated probabilities → accept or ask for a redraw.
 */
import { linearLogits, packWeights } from './batch.js';
import { softmaxRows } from './calibration.js';
import type { ModelFile, ReaderAnswer, Recognition, Recognizer } from './contracts.js';
import { extractFeatures } from './features.js';
import { type Preprocessed, preprocessDrawing, preprocessImage } from './preprocess.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';
import type { Drawing, GrayImage, Stroke } from './types.js';

function answerOf(p: Float64Array, classes: readonly number[]): ReaderAnswer {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
  return { digit: classes[best], confidence: p[best] };
}

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
  const online = model.online && model.fusion ? model.online : undefined;
  const fusion = model.fusion;
  const onlineW = online ? packWeights(online) : undefined;
  const onlineB = online ? Float64Array.from(online.intercepts) : undefined;
  const trajectory = new Float32Array(TRAJECTORY_LENGTH);
  const onlineZ = new Float64Array(k);
  const fused = new Float64Array(k);

  function classify({ canonical, empty }: Preprocessed, strokes?: readonly Stroke[]): Recognition {
    if (empty) {
      return {
        empty: true,
        digit: -1,
        confidence: 0,
        probabilities: new Array(DIGITS).fill(0),
        accepted: false,
        threshold: model.fusion && strokes ? model.fusion.threshold : model.threshold,
        top2: [-1, -1],
        canonical,
      };
    }
    extractFeatures(canonical, model.features, features);
    linearLogits(weights, intercepts, k, d, features, 0, logits, 0);
    let p = softmaxRows(logits, k, model.temperature);
    let threshold = model.threshold;
    let readers: Recognition['readers'] = { image: answerOf(p, model.classes), online: null };
    if (online && onlineW && onlineB && fusion && strokes) {
      trajectoryFeatures(strokes, trajectory);
      linearLogits(onlineW, onlineB, k, TRAJECTORY_LENGTH, trajectory, 0, onlineZ, 0);
      for (let c = 0; c < k; c++) fused[c] = logits[c] + fusion.onlineWeight * onlineZ[c];
      readers = {
        image: readers.image,
        online: answerOf(softmaxRows(onlineZ, k, 1), model.classes),
      };
      p = softmaxRows(fused, k, fusion.temperature);
      threshold = fusion.threshold;
    }
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
      accepted: confidence >= threshold,
      threshold,
      top2: [order[0].digit, order[1].digit],
      canonical,
      readers,
      agree: readers.online === null || readers.online.digit === readers.image.digit,
    };
  }

  return Object.freeze({
    model,
    recognizeImage: (image: GrayImage) => classify(preprocessImage(image, model.preprocessing)),
    recognizeDrawing: (drawing: Drawing) =>
      classify(preprocessDrawing(drawing, model.preprocessing), drawing.strokes),
  });
}
