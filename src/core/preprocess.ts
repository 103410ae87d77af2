/**
 * Preprocessing as a model file records it: canonicalise (→ deskew). The single path from any
 * image or drawing to the canonical 28×28 image, shared by training, the server and the browser.
 */
import { type Canonical, canonicalise, canonicaliseRegion } from './canonicalise.js';
import { checkTypedArray } from './check.js';
import type { PreprocessOptions } from './contracts.js';
import { deskew } from './deskew.js';
import { checkImage } from './image.js';
import { rasteriseRegionTransient } from './rasterise.js';
import type { Drawing, GrayImage } from './types.js';

/**
 * The default preprocessing: draw a drawing so its ink spans at most 64 px, canonicalise at that
 * size, then deskew. That leaves about 3 drawn pixels per canonical pixel (the digit's longer
 * side becomes 20), costs the same whatever the drawing's size, and draws a large digit in about
 * a third of the time the full canvas takes; the readers scored the same at 64 px as at full
 * resolution (docs/experiments.md, section I). Canonicalising from a
 * 28×28 downscale (`downscaleTo: 28`) scored the same on the pen drawings (HOG + logistic
 * regression: 92.4% vs 92.3%) but measures the crop box on a grid ten times coarser, so the same
 * digit moved or resized comes out up to 5% bigger or smaller, and a digit drawn at half size
 * keeps only 10 px of detail: on the pen drawings shrunk to half size it scored 86.1% against
 * 89.7% from the full canvas.
 */
export const DEFAULT_PREPROCESS: PreprocessOptions = Object.freeze({
  deskew: true,
  downscaleTo: 0,
  rasterSide: 64,
});

/** The largest `PreprocessOptions.rasterSide`. */
export const MAX_RASTER_SIDE = 4096;

/** Whether `v` is a valid `PreprocessOptions.rasterSide`: an integer from 0 to `MAX_RASTER_SIDE`. */
export function isRasterSide(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_RASTER_SIDE;
}

/** The canonical image and whether the input had no ink (then it is all zeros; do not classify). */
export interface Preprocessed {
  canonical: GrayImage;
  empty: boolean;
}

function checkOptions(options: PreprocessOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `options must be PreprocessOptions, got ${options === null ? 'null' : typeof options}`,
    );
  }
  if (typeof options.deskew !== 'boolean') {
    throw new TypeError(`options.deskew must be a boolean, got ${typeof options.deskew}`);
  }
  const d = options.downscaleTo;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
    throw new RangeError(`options.downscaleTo must be a non-negative integer (0 = none), got ${d}`);
  }
  if (!isRasterSide(options.rasterSide)) {
    throw new RangeError(
      `options.rasterSide must be an integer from 0 to ${MAX_RASTER_SIDE}, got ${options.rasterSide}`,
    );
  }
}

function finish({ image, empty }: Canonical, options: PreprocessOptions): Preprocessed {
  if (empty || !options.deskew) return { canonical: image, empty };
  return { canonical: deskew(image), empty: false };
}

/** Any grayscale image (any size, either polarity) → canonical 28×28, deskewed if asked. */
export function preprocessImage(img: GrayImage, options: PreprocessOptions): Preprocessed {
  checkOptions(options);
  return finish(canonicalise(img, { downscaleTo: options.downscaleTo }), options);
}

/**
 * A drawing → canonical 28×28, deskewed if asked: exactly
 * `preprocessImage(rasterise(drawing, { maxSide: options.rasterSide }))`, bit for bit, but
 * rasterising and cropping only the region the strokes can touch (`rasteriseRegionTransient`,
 * `canonicaliseRegion`, which keeps nothing of the region). The recognizer uses it for every
 * drawing.
 */
export function preprocessDrawing(drawing: Drawing, options: PreprocessOptions): Preprocessed {
  checkOptions(options);
  const region = rasteriseRegionTransient(drawing, { maxSide: options.rasterSide });
  const canonical = canonicaliseRegion(region, {
    downscaleTo: options.downscaleTo,
  });
  return finish(canonical, options);
}

/**
 * Reads a `width × height` image of bytes (0–255, row-major) starting at `offset`, e.g. one image
 * of an MNIST IDX buffer, as a `GrayImage` in [0, 1]. Polarity is kept.
 */
export function imageFromBytes(
  pixels: Uint8Array,
  width: number,
  height: number,
  offset = 0,
): GrayImage {
  checkTypedArray('pixels', pixels, Uint8Array);
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + width * height > pixels.length) {
    throw new RangeError(
      `offset must leave room for ${width}×${height} bytes in ${pixels.length}, got ${offset}`,
    );
  }
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = pixels[offset + i] / 255;
  return { width, height, data };
}

/** An image in [0, 1] as bytes 0–255 (rounded, clamped), row-major: for PNGs and IDX files. */
export function imageToBytes(img: GrayImage): Uint8Array {
  checkImage(img);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.max(0, Math.min(255, Math.round(img.data[i] * 255)));
  }
  return out;
}
