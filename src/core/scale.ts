/**
 * Scale: resample by exact area averaging, and fit an image's longer side to a box (MNIST's 20 px)
 * keeping its aspect ratio exactly.
 */
import type { Box } from './crop.js';
import { checkImage } from './image.js';
import type { GrayImage } from './types.js';

/** MNIST's box: the longer side of a canonical digit, in pixels. */
export const DEFAULT_BOX = 20;

/** For each output pixel along one axis, the source pixels it covers and by what fraction. */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  /** Where output o's `count[o]` weights start in `weights`. */
  offset: Int32Array;
  /** The fraction of the output pixel each source pixel covers. */
  weights: Float64Array;
}

/**
 * Weights of the map source coordinate s ↦ output coordinate s × scale + shift along one axis.
 * Output pixel o spans [o, o + 1); its preimage [(o − shift) / scale, (o + 1 − shift) / scale) is
 * clipped to the source [0, nIn), so output pixels partly outside the source are partly empty.
 */
function axisWeights(nIn: number, nOut: number, scale: number, shift: number): AxisWeights {
  const start = new Int32Array(nOut);
  const count = new Int32Array(nOut);
  const offset = new Int32Array(nOut);
  const list: number[] = [];
  for (let o = 0; o < nOut; o++) {
    const a = Math.max(0, (o - shift) / scale);
    const b = Math.min(nIn, (o + 1 - shift) / scale);
    offset[o] = list.length;
    if (!(b > a)) continue;
    const i0 = Math.floor(a);
    const i1 = Math.min(nIn - 1, Math.ceil(b) - 1);
    start[o] = i0;
    count[o] = i1 - i0 + 1;
    // Source pixel i spans [i, i + 1); its overlap times `scale` is the share of the output pixel.
    for (let i = i0; i <= i1; i++)
      list.push(Math.max(0, Math.min(b, i + 1) - Math.max(a, i)) * scale);
  }
  return { start, count, offset, weights: Float64Array.from(list) };
}

/** Rows up to which `scratchRows` keeps its buffer for the next call (4 MiB). */
const KEPT_VALUES = 1 << 19;
let kept = new Float64Array(0);

/**
 * A buffer of at least `n` values for `resample`'s intermediate rows, reused between calls (every
 * value is written before it is read, and none escapes a call); beyond `KEPT_VALUES` a fresh one.
 */
function scratchRows(n: number): Float64Array {
  if (n > KEPT_VALUES) return new Float64Array(n);
  if (kept.length < n) kept = new Float64Array(Math.max(n, 2 * kept.length));
  return kept;
}

/**
 * Applies per-axis weights to the rectangle `rect` of `img`: separable, since the box filter of a
 * rectangle is a product.
 */
function resample(
  img: GrayImage,
  rect: Box,
  width: number,
  height: number,
  wx: AxisWeights,
  wy: AxisWeights,
): GrayImage {
  // The source is the rectangle `rect` of `img`: its row y starts at img.data[origin + y · w].
  const { width: w, data: src } = img;
  const h = rect.height;
  const origin = rect.y * w + rect.x;
  const tmp = scratchRows(width * h);
  const { start, count, offset, weights } = wx;
  // Four source rows at a time: four independent sums per output pixel keep the floating-point
  // units busy, where one row's sum waits on each of its additions in turn. Each sum is still
  // taken in the same order, term by term. Zero pixels are added, not skipped: w · (±0) is ±0
  // (w ≥ 0 is finite), and adding ±0 leaves every sum as it is (a sum from +0 is never −0), so
  // every output is bit for bit the plain loop's.
  let y = 0;
  for (; y + 4 <= h; y += 4) {
    const r0 = origin + y * w;
    const r1 = r0 + w;
    const r2 = r1 + w;
    const r3 = r2 + w;
    const t0 = y * width;
    for (let ox = 0; ox < width; ox++) {
      const first = start[ox];
      const off = offset[ox];
      const n = count[ox];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < n; k++) {
        const wk = weights[off + k];
        const x = first + k;
        s0 += wk * src[r0 + x];
        s1 += wk * src[r1 + x];
        s2 += wk * src[r2 + x];
        s3 += wk * src[r3 + x];
      }
      tmp[t0 + ox] = s0;
      tmp[t0 + width + ox] = s1;
      tmp[t0 + 2 * width + ox] = s2;
      tmp[t0 + 3 * width + ox] = s3;
    }
  }
  for (; y < h; y++) {
    const r0 = origin + y * w;
    for (let ox = 0; ox < width; ox++) {
      const first = start[ox];
      const off = offset[ox];
      const n = count[ox];
      let s0 = 0;
      for (let k = 0; k < n; k++) s0 += weights[off + k] * src[r0 + first + k];
      tmp[y * width + ox] = s0;
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

function checkSide(name: string, v: number): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
}

/**
 * Resamples `img` to exactly `width × height` (stretching if the aspect ratio differs) by area
 * averaging: each output pixel is the mean of the source over the rectangle it covers, counting
 * partly covered source pixels by their covered fraction. Works both ways (upscaling repeats
 * pixels, splitting shared ones) and preserves the image's mean, up to rounding.
 */
export function resizeArea(img: GrayImage, width: number, height: number): GrayImage {
  checkImage(img);
  checkSide('width', width);
  checkSide('height', height);
  if (img.width === width && img.height === height)
    return { width, height, data: img.data.slice() };
  const wx = axisWeights(img.width, width, width / img.width, 0);
  const wy = axisWeights(img.height, height, height / img.height, 0);
  return resample(img, { x: 0, y: 0, width: img.width, height: img.height }, width, height, wx, wy);
}

/**
 * The size `scaleToFit` gives a `width × height` image: the longer side becomes `box`; the shorter
 * is the scaled length rounded up to whole pixels (at least 1).
 */
export function fitSize(
  width: number,
  height: number,
  box = DEFAULT_BOX,
): { width: number; height: number } {
  checkSide('box', box);
  checkSide('width', width);
  checkSide('height', height);
  const long = Math.max(width, height);
  // ceil(side × box / long) in integers, so no rounding error can add a pixel.
  const fit = (side: number) => Math.max(1, Math.floor((side * box + long - 1) / long));
  return { width: fit(width), height: fit(height) };
}

/**
 * Scales `img` by box / (its longer side) in both directions, by exact area averaging (down or
 * up), so the longer side is `box` pixels (default 20, as MNIST) and the aspect ratio is kept
 * exactly: the shorter side is rounded up to whole pixels (see `fitSize`) and the scaled image is
 * centred in it, the partly covered edge pixels getting their covered share. (Rounding the short
 * side instead would stretch the digit by up to half a pixel, differently for the same digit
 * drawn at different sizes.)
 */
export function scaleToFit(img: GrayImage, box = DEFAULT_BOX): GrayImage {
  checkImage(img);
  return scaleRectToFit(img, { x: 0, y: 0, width: img.width, height: img.height }, box);
}

/**
 * `scaleToFit(extract(img, rect), box)` without copying the rectangle out first: the same reads
 * in the same order, so the same result bit for bit. `rect` must lie inside `img`.
 */
export function scaleRectToFit(img: GrayImage, rect: Box, box = DEFAULT_BOX): GrayImage {
  const { width, height } = rect;
  const size = fitSize(width, height, box);
  const scale = box / Math.max(width, height);
  const wx = axisWeights(width, size.width, scale, (size.width - width * scale) / 2);
  const wy = axisWeights(height, size.height, scale, (size.height - height * scale) / 2);
  return resample(img, rect, size.width, size.height, wx, wy);
}
