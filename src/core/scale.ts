/**
 * Scale: resample by exact area averaging, and fit an image's longer side to a box (MNIST's 20 px)
 * keeping its aspect ratio.
 */
import { checkImage } from './image.js';
import type { GrayImage } from './types.js';

/** MNIST's box: the longer side of a canonical digit, in pixels. */
export const DEFAULT_BOX = 20;

/** For each output pixel along one axis, the source pixels it covers and by what fraction. */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  /** `count[o]` weights per output `o`, back to back; each group sums to 1. */
  weights: Float64Array;
  offset: Int32Array;
}

function axisWeights(nIn: number, nOut: number): AxisWeights {
  const start = new Int32Array(nOut);
  const count = new Int32Array(nOut);
  const offset = new Int32Array(nOut);
  const list: number[] = [];
  for (let o = 0; o < nOut; o++) {
    // Output pixel o spans [a, b) in source coordinates; source pixel i spans [i, i + 1).
    const a = (o * nIn) / nOut;
    const b = ((o + 1) * nIn) / nOut;
    const i0 = Math.floor(a);
    const i1 = Math.min(nIn - 1, Math.ceil(b) - 1);
    start[o] = i0;
    offset[o] = list.length;
    for (let i = i0; i <= i1; i++) {
      list.push(Math.max(0, Math.min(b, i + 1) - Math.max(a, i)) / (b - a));
    }
    count[o] = i1 - i0 + 1;
  }
  return { start, count, weights: Float64Array.from(list), offset };
}

function checkSide(name: string, v: number): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
}

/**
 * Resamples `img` to `width × height` by area averaging: each output pixel is the mean of the
 * source over the rectangle it covers, counting partly covered source pixels by their covered
 * fraction. Works both ways (upscaling repeats pixels, splitting shared ones) and preserves the
 * image's mean exactly, up to rounding.
 */
export function resizeArea(img: GrayImage, width: number, height: number): GrayImage {
  checkImage(img);
  checkSide('width', width);
  checkSide('height', height);
  const { width: w, height: h, data: src } = img;
  if (w === width && h === height) return { width, height, data: src.slice() };
  const wx = axisWeights(w, width);
  const wy = axisWeights(h, height);
  // Separable: the box filter of a rectangle is the product of its two 1-D boxes.
  const tmp = new Float64Array(width * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let ox = 0; ox < width; ox++) {
      let s = 0;
      const base = row + wx.start[ox];
      const off = wx.offset[ox];
      for (let k = 0; k < wx.count[ox]; k++) s += wx.weights[off + k] * src[base + k];
      tmp[y * width + ox] = s;
    }
  }
  const data = new Float32Array(width * height);
  for (let oy = 0; oy < height; oy++) {
    const y0 = wy.start[oy];
    const off = wy.offset[oy];
    for (let ox = 0; ox < width; ox++) {
      let s = 0;
      for (let k = 0; k < wy.count[oy]; k++) s += wy.weights[off + k] * tmp[(y0 + k) * width + ox];
      data[oy * width + ox] = s;
    }
  }
  return { width, height, data };
}

/**
 * The size `scaleToFit` gives a `width × height` image: the longer side becomes `box`, the
 * shorter one keeps the aspect ratio, rounded, and at least 1 pixel.
 */
export function fitSize(
  width: number,
  height: number,
  box = DEFAULT_BOX,
): { width: number; height: number } {
  checkSide('box', box);
  if (width >= height)
    return { width: box, height: Math.max(1, Math.round((height * box) / width)) };
  return { width: Math.max(1, Math.round((width * box) / height)), height: box };
}

/**
 * Scales `img` so its longer side is `box` pixels (default 20, as MNIST), keeping the aspect ratio
 * (see `fitSize`), by exact area averaging in either direction.
 */
export function scaleToFit(img: GrayImage, box = DEFAULT_BOX): GrayImage {
  checkImage(img);
  const size = fitSize(img.width, img.height, box);
  return resizeArea(img, size.width, size.height);
}
