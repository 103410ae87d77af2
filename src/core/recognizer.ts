/**
 * Recognition of one drawing or image with a model file: the path shared by the browser, the
 * server and the CLI — rasterise → canonicalise (→ deskew) → features → image logits; for a
 * drawing with a two-reader model also the strokes' trajectory → online logits, fused; then
 * calibrated probabilities → accept or ask for a redraw.
 */
import {
  type CalibratedModel,
  calibratedModelOf,
  calibratedRead,
  linearLogits,
  notDigitOf,
  readerProbabilities,
} from './calibrated-model.js';
import type { ModelFile, ReaderAnswer, Recognition, Recognizer } from './contracts.js';
import { extractFeatures } from './features.js';
import { GEOMETRY_LENGTH, geometryFeatures } from './junk.js';
import { type Preprocessed, preprocessDrawing, preprocessImage } from './preprocess.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';
import type { Drawing, GrayImage } from './types.js';

function answerOf(p: Float64Array, classes: readonly number[]): ReaderAnswer {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
  return { digit: classes[best], confidence: p[best] };
}

/** Number of digit classes every recognition reports probabilities for. */
export const DIGITS = 10;

/**
 * Builds a recognizer from a validated model file (see `parseModelFile`), reading with the file's
 * calibrated model or with `calibrated`, another of the same shape (a personal model).
 */
export function createRecognizer(
  model: ModelFile,
  calibrated: CalibratedModel = calibratedModelOf(model),
): Recognizer {
  const { image, online } = calibrated;
  const k = model.classes.length;
  const d = image.nFeatures;
  const features = new Float32Array(d);
  const logits = new Float64Array(k);
  const trajectory = new Float32Array(TRAJECTORY_LENGTH);
  const onlineZ = new Float64Array(k);
  const junk = calibrated.junk;
  const geometry = new Float32Array(GEOMETRY_LENGTH);
  const junkRow = junk ? new Float32Array(junk.nFeatures) : undefined;

  function classify({ canonical, empty }: Preprocessed, drawing?: Drawing): Recognition {
    const strokes = drawing?.strokes;
    if (empty) {
      return {
        empty: true,
        digit: -1,
        confidence: 0,
        probabilities: new Array(DIGITS).fill(0),
        accepted: false,
        verdict: 'empty',
        notDigit: null,
        threshold:
          calibrated.fusion && strokes
            ? calibrated.fusion.threshold
            : calibrated.imagePath.threshold,
        top2: [-1, -1],
        canonical,
      };
    }
    extractFeatures(canonical, model.features, features);
    linearLogits(image.weights, image.intercepts, k, d, features, 0, logits, 0);
    const alone = calibratedRead(calibrated, logits);
    let read = alone;
    let readers: Recognition['readers'] = {
      image: answerOf(alone.probabilities, model.classes),
      online: null,
    };
    if (online && strokes) {
      trajectoryFeatures(strokes, trajectory);
      linearLogits(
        online.weights,
        online.intercepts,
        k,
        online.nFeatures,
        trajectory,
        0,
        onlineZ,
        0,
      );
      readers = {
        image: readers.image,
        online: answerOf(readerProbabilities(onlineZ, k), model.classes),
      };
      read = calibratedRead(calibrated, logits, onlineZ);
    }
    const notDigit =
      junk && junkRow && drawing && online
        ? notDigitOf(junk, features, trajectory, geometryFeatures(drawing, geometry), junkRow)
        : null;
    const { probabilities: p, threshold } = read;
    const probabilities = new Array(DIGITS).fill(0);
    for (let c = 0; c < k; c++) probabilities[model.classes[c]] = p[c];
    const order = probabilities
      .map((prob, digit) => ({ prob, digit }))
      .sort((a, b) => b.prob - a.prob || a.digit - b.digit);
    const confidence = order[0].prob;
    const verdict =
      junk && notDigit !== null && notDigit >= junk.threshold
        ? 'not-a-digit'
        : confidence >= threshold
          ? 'digit'
          : 'unsure';
    return {
      empty: false,
      digit: order[0].digit,
      confidence,
      probabilities,
      accepted: verdict === 'digit',
      verdict,
      notDigit,
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
      classify(preprocessDrawing(drawing, model.preprocessing), drawing),
  });
}
