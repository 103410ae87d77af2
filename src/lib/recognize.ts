/**
 * What the library's two entries share: one recognizer per model object (built once, kept while
 * the model is), and recognition of checked drawings and images.
 */
import { LIMITS } from '../contracts/limits.js';
import { checkTypedArray } from '../core/check.js';
import type { ModelFile, Recognition, Recognizer } from '../core/contracts.js';
import {
  type NumberHints,
  type NumberOptions,
  type NumberReading,
  recognizeNumber,
} from '../core/number.js';
import { createRecognizer } from '../core/recognizer.js';
import type { GrayImage } from '../core/types.js';
import { checkDrawing } from './drawing.js';

const recognizers = new WeakMap<ModelFile, Recognizer>();

/** A model or a recognizer: what the `recognize…` functions read with. */
export type ModelOrRecognizer = ModelFile | Recognizer;

/** The recognizer of `model` (itself when it is one), built once per model object. */
export function recognizerOf(model: ModelOrRecognizer): Recognizer {
  if (typeof model !== 'object' || model === null)
    throw new TypeError(
      `model must be a model file (from loadModel or parseModelFile) or a recognizer, got ${model === null ? 'null' : typeof model}`,
    );
  if ('recognizeDrawing' in model) return model;
  let r = recognizers.get(model);
  if (!r) {
    r = createRecognizer(model);
    recognizers.set(model, r);
  }
  return r;
}

/** Recognises a drawing (checked by `checkDrawing` first) with a model or a recognizer. */
export function recognizeWith(model: ModelOrRecognizer, drawing: unknown): Recognition {
  return recognizerOf(model).recognizeDrawing(checkDrawing(drawing));
}

/**
 * Recognises a grayscale image (values in [0, 1], either polarity, at most `LIMITS.maxImageSide`
 * a side) with a model or a recognizer.
 */
export function recognizeImageWith(model: ModelOrRecognizer, image: GrayImage): Recognition {
  if (typeof image !== 'object' || image === null)
    throw new TypeError('image must be {width, height, data: Float32Array}');
  checkTypedArray('image.data', image.data, Float32Array);
  for (const key of ['width', 'height'] as const) {
    const v = image[key];
    if (!Number.isInteger(v) || v < 1 || v > LIMITS.maxImageSide)
      throw new RangeError(
        `image.${key} must be an integer in [1, ${LIMITS.maxImageSide}], got ${v}`,
      );
  }
  if (image.data.length !== image.width * image.height)
    throw new RangeError(
      `image.data must hold width × height = ${image.width * image.height} values, got ${image.data.length}`,
    );
  return recognizerOf(model).recognizeImage(image);
}

/** Reads a number written digit by digit in a drawing (checked first), with hints and options. */
export function recognizeNumberWith(
  model: ModelOrRecognizer,
  drawing: unknown,
  hints?: NumberHints,
  options?: NumberOptions,
): NumberReading {
  return recognizeNumber(recognizerOf(model), checkDrawing(drawing), hints, options);
}
