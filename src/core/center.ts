/**
 * Center: place a digit in the canonical square so that its centre of mass is in the middle, as
 * MNIST did (integer shift, what falls outside clipped).
 */
import { checkImage } from './image.js';
import { CANONICAL_SIZE, type GrayImage } from './types.js';

/**
 * The intensity-weighted mean pixel position, with pixel (i, j)'s centre at coordinate (i, j)
 * (MNIST's convention: its digits' centres of mass average (14.0, 14.0) this way). Null when the
 * image has no ink.
 */
export function centerOfMass(img: GrayImage): { x: number; y: number } | null {
  checkImage(img);
  const { width: w, height: h, data } = img;
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = data[row + x];
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (!(m > 0)) return null;
  return { x: mx / m, y: my / m };
}

/**
 * Places `img` into a `size × size` image (default 28) shifted by whole pixels so that its centre
 * of mass lands as close as rounding allows to (size / 2, size / 2), i.e. (14, 14). Pixels that
 * fall outside are dropped. An image without ink gives an all-zero image.
 */
export function centerByMass(img: GrayImage, size = CANONICAL_SIZE): GrayImage {
  checkImage(img);
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
    throw new RangeError(`size must be a positive integer, got ${size}`);
  }
  const data = new Float32Array(size * size);
  const com = centerOfMass(img);
  if (com === null) return { width: size, height: size, data };
  const ox = Math.round(size / 2 - com.x);
  const oy = Math.round(size / 2 - com.y);
  // Copy the overlap of the shifted source with the square, row by row.
  const x0 = Math.max(0, -ox);
  const x1 = Math.min(img.width, size - ox);
  for (let y = Math.max(0, -oy); y < Math.min(img.height, size - oy); y++) {
    if (x1 <= x0) break;
    const start = y * img.width;
    data.set(img.data.subarray(start + x0, start + x1), (y + oy) * size + x0 + ox);
  }
  return { width: size, height: size, data };
}
