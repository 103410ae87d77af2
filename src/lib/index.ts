/**
 * digitrec as a library, for Node (the package's main entry): recognise drawings and images with
 * the bundled default model or a model file of your own.
 *
 * ```js
 * import { recognizeDrawing } from 'digitrec';
 * const r = recognizeDrawing({ strokes, width: 280, height: 280, brushWidth: 18 });
 * console.log(r.digit, r.confidence, r.verdict);
 * ```
 *
 * Browsers and bundlers get `./browser.js` instead (same names; `loadModel` fetches a URL and
 * `recognize…` need the model).
 */
import { fileURLToPath } from 'node:url';
import type { ModelFile, Recognition } from '../core/contracts.js';
import type { NumberHints, NumberOptions, NumberReading } from '../core/number.js';
import type { Drawing, GrayImage } from '../core/types.js';
import { DEFAULT_MODEL_PATH, loadModel as loadModelFile } from '../data/model-io.js';
import {
  type ModelOrRecognizer,
  recognizeImageWith,
  recognizeNumberWith,
  recognizeWith,
} from './recognize.js';

export { type DecodeImageOptions, decodeImage } from '../data/image-decode.js';
export * from './common.js';
export { DEFAULT_MODEL_PATH };

let defaultModel: ModelFile | undefined;

/**
 * Reads and validates a model file (default: the bundled `models/default.json`); a
 * `ModelFormatError` names the file and what is wrong. Synchronous (`await` works too, as with
 * the browser entry's).
 */
export function loadModel(path?: string | URL): ModelFile {
  if (path === undefined) {
    defaultModel ??= loadModelFile(DEFAULT_MODEL_PATH);
    return defaultModel;
  }
  if (typeof path !== 'string' && !(path instanceof URL))
    throw new TypeError(`path must be a string or a file: URL, got ${typeof path}`);
  return loadModelFile(path instanceof URL ? fileURLToPath(path) : path);
}

/** Recognises a drawing (checked first) with `model`, by default the bundled model. */
export function recognizeDrawing(drawing: Drawing, model?: ModelOrRecognizer): Recognition {
  return recognizeWith(model ?? loadModel(), drawing);
}

/** Recognises a grayscale image (values in [0, 1], either polarity) with `model`, by default the bundled one. */
export function recognizeImage(image: GrayImage, model?: ModelOrRecognizer): Recognition {
  return recognizeImageWith(model ?? loadModel(), image);
}

/**
 * Reads a number written digit by digit (a drawing on a wide canvas, digits side by side) with
 * `model`, by default the bundled one: the number, its confidence, each digit (unsure ones
 * marked) and the alternatives. `hints`: expected length, allowed range, digits only.
 */
export function recognizeNumber(
  drawing: Drawing,
  model?: ModelOrRecognizer,
  hints?: NumberHints,
  options?: NumberOptions,
): NumberReading {
  return recognizeNumberWith(model ?? loadModel(), drawing, hints, options);
}
