/**
 * digitrec as a library, for browsers and bundlers (the `browser` condition of the package's
 * `exports`): pure code, no Node built-ins. A model comes from a URL (`loadModel`) or from JSON
 * already in hand (`parseModelFile`); everything else is the same as the Node entry.
 *
 * ```js
 * import { loadModel, recognizeDrawing } from 'digitrec';
 * const model = await loadModel('/models/default.json');
 * const r = recognizeDrawing({ strokes, width: 280, height: 280, brushWidth: 18 }, model);
 * ```
 */
import type { ModelFile, Recognition } from '../core/contracts.js';
import { ModelFormatError, parseModelText } from '../core/model-file.js';
import type { NumberHints, NumberOptions, NumberReading } from '../core/number.js';
import type { Drawing, GrayImage } from '../core/types.js';
import {
  type ModelOrRecognizer,
  recognizeImageWith,
  recognizeNumberWith,
  recognizeWith,
} from './recognize.js';

export * from './common.js';

/**
 * Fetches a model file from `url` and validates it (a `ModelFormatError` names what is wrong).
 * Returns a Promise here; the Node entry reads a path synchronously (`await` suits both).
 */
export async function loadModel(url: string | URL): Promise<ModelFile> {
  if (typeof url !== 'string' && !(url instanceof URL))
    throw new TypeError(`url must be a string or a URL, got ${typeof url}`);
  const res = await fetch(url);
  if (!res.ok) throw new ModelFormatError(`${url}: ${res.status} ${res.statusText}`);
  return parseModelText(await res.text(), String(url));
}

/** Recognises a drawing with `model` (a model file or a recognizer); the drawing is checked first. */
export function recognizeDrawing(drawing: Drawing, model: ModelOrRecognizer): Recognition {
  return recognizeWith(model, drawing);
}

/** Recognises a grayscale image (values in [0, 1], either polarity) with `model`. */
export function recognizeImage(image: GrayImage, model: ModelOrRecognizer): Recognition {
  return recognizeImageWith(model, image);
}

/** Reads a number written digit by digit with `model` (see the Node entry's `recognizeNumber`). */
export function recognizeNumber(
  drawing: Drawing,
  model: ModelOrRecognizer,
  hints?: NumberHints,
  options?: NumberOptions,
): NumberReading {
  return recognizeNumberWith(model, drawing, hints, options);
}
