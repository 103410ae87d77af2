/**
 * Small helpers shared by the image stages: validating a `GrayImage` at a boundary and making
 * blank ones.
 */
import { checkTypedArray } from './check.js';
import type { GrayImage } from './types.js';

/**
 * Throws unless `img` is a `GrayImage`: TypeError when it is not an object with a `Float32Array`
 * `data`, RangeError when its sides are not positive integers or `data` has the wrong length.
 */
export function checkImage(img: GrayImage, name = 'img'): void {
  if (typeof img !== 'object' || img === null) {
    throw new TypeError(`${name} must be a GrayImage, got ${img === null ? 'null' : typeof img}`);
  }
  checkTypedArray(`${name}.data`, img.data, Float32Array);
  for (const side of ['width', 'height'] as const) {
    const v = img[side];
    if (!Number.isInteger(v) || v <= 0) {
      throw new RangeError(`${name}.${side} must be a positive integer, got ${v}`);
    }
  }
  if (img.data.length !== img.width * img.height) {
    throw new RangeError(
      `${name}.data has ${img.data.length} values, expected width × height = ${img.width * img.height}`,
    );
  }
}

/** A `width × height` image of zeros. */
export function blankImage(width: number, height: number): GrayImage {
  return { width, height, data: new Float32Array(width * height) };
}
