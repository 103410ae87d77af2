/**
 * Thinning of grayscale digit images to one-pixel skeletons: threshold, Zhang–Suen thinning
 * (Zhang & Suen, "A fast parallel algorithm for thinning digital patterns", CACM 27(3), 1984),
 * then removal of the staircase pixels Zhang–Suen leaves on diagonals, so that every pixel of a
 * plain stroke has at most two 8-neighbours. Binary images are `Uint8Array`s of 0 and 1,
 * row-major.
 */
import { checkInteger } from './check.js';

// The 8 neighbours clockwise from north, as (dx, dy) with y down: P2…P9 in Zhang–Suen's naming.
const DX = [0, 1, 1, 1, 0, -1, -1, -1];
const DY = [-1, -1, 0, 1, 1, 1, 0, -1];

function checkSize(name: string, data: ArrayLike<number>, width: number, height: number): void {
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  if (data.length !== width * height) {
    throw new RangeError(
      `${name} must hold width × height = ${width * height} values, got ${data.length}`,
    );
  }
}

/** 1 where `pixels[i] ≥ level`, else 0. */
export function threshold(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  level: number,
): Uint8Array {
  checkSize('pixels', pixels, width, height);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = pixels[i] >= level ? 1 : 0;
  return out;
}

/**
 * Bilinear upscaling of a grayscale image by an integer `factor` (sampling at pixel centres),
 * so that thinning works on smoother outlines. Returns a `Float32Array` of the same value range.
 */
export function upscale(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  factor: number,
): Float32Array {
  checkSize('pixels', pixels, width, height);
  checkInteger('factor', factor, 1);
  const w = width * factor;
  const h = height * factor;
  const out = new Float32Array(w * h);
  for (let v = 0; v < h; v++) {
    const sy = Math.min(height - 1, Math.max(0, (v + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let u = 0; u < w; u++) {
      const sx = Math.min(width - 1, Math.max(0, (u + 0.5) / factor - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      const top = pixels[y0 * width + x0] * (1 - fx) + pixels[y0 * width + x1] * fx;
      const bottom = pixels[y1 * width + x0] * (1 - fx) + pixels[y1 * width + x1] * fx;
      out[v * w + u] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** The 8 neighbours of (x, y) clockwise from north as 0/1 (outside the image counts as 0). */
function neighbours(img: Uint8Array, w: number, h: number, x: number, y: number, out: number[]) {
  for (let k = 0; k < 8; k++) {
    const nx = x + DX[k];
    const ny = y + DY[k];
    out[k] = nx >= 0 && ny >= 0 && nx < w && ny < h ? img[ny * w + nx] : 0;
  }
}

/** Number of 8-neighbours of pixel (x, y) that are set. */
export function neighbourCount(img: Uint8Array, w: number, h: number, x: number, y: number) {
  let n = 0;
  for (let k = 0; k < 8; k++) {
    const nx = x + DX[k];
    const ny = y + DY[k];
    if (nx >= 0 && ny >= 0 && nx < w && ny < h && img[ny * w + nx]) n++;
  }
  return n;
}

/**
 * Zhang–Suen thinning of a binary image: peels boundary pixels in two alternating sub-passes
 * until nothing changes, keeping connectivity and the ends of strokes. Returns a new image.
 */
export function zhangSuen(binary: Uint8Array, width: number, height: number): Uint8Array {
  checkSize('binary', binary, width, height);
  const img = Uint8Array.from(binary, (v) => (v ? 1 : 0));
  const p = new Array<number>(8);
  const remove: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      remove.length = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!img[y * width + x]) continue;
          neighbours(img, width, height, x, y, p);
          const b = p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7];
          if (b < 2 || b > 6) continue;
          // A: 0→1 transitions around the ring; exactly one means a single run of neighbours.
          let a = 0;
          for (let k = 0; k < 8; k++) if (p[k] === 0 && p[(k + 1) % 8] === 1) a++;
          if (a !== 1) continue;
          // p[0]=N (P2), p[2]=E (P4), p[4]=S (P6), p[6]=W (P8).
          if (pass === 0 && (p[0] * p[2] * p[4] !== 0 || p[2] * p[4] * p[6] !== 0)) continue;
          if (pass === 1 && (p[0] * p[2] * p[6] !== 0 || p[0] * p[4] * p[6] !== 0)) continue;
          remove.push(y * width + x);
        }
      }
      for (const i of remove) img[i] = 0;
      if (remove.length > 0) changed = true;
    }
  }
  return img;
}

/** Number of 8-connected groups the set neighbours `p` (clockwise from north) form. */
function neighbourGroups(p: number[]): number {
  const parent = [0, 1, 2, 3, 4, 5, 6, 7];
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i];
    return i;
  };
  const join = (i: number, j: number) => {
    if (p[i] && p[j]) parent[find(i)] = find(j);
  };
  // Ring neighbours touch; so do two edge neighbours around a corner (N–E, E–S, S–W, W–N).
  for (let k = 0; k < 8; k++) join(k, (k + 1) % 8);
  for (let k = 0; k < 8; k += 2) join(k, (k + 2) % 8);
  let groups = 0;
  for (let k = 0; k < 8; k++) if (p[k] && find(k) === k) groups++;
  return groups;
}

/**
 * Removes staircase pixels: a pixel with two set edge neighbours at a right angle (N and E, …)
 * and at least three neighbours, which stay 8-connected without it. Such pixels thicken a
 * diagonal to two pixels. The corner of an L (two neighbours) is kept. Returns a new image.
 */
export function removeStaircases(skeleton: Uint8Array, width: number, height: number): Uint8Array {
  checkSize('skeleton', skeleton, width, height);
  const img = Uint8Array.from(skeleton);
  const p = new Array<number>(8);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!img[y * width + x]) continue;
      neighbours(img, width, height, x, y, p);
      const b = p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7];
      // With two neighbours this is the corner of an L, which stays; with three or more, one
      // of them is reachable around the corner anyway.
      if (b < 3) continue;
      const corner = (p[0] && p[2]) || (p[2] && p[4]) || (p[4] && p[6]) || (p[6] && p[0]);
      if (!corner) continue;
      if (neighbourGroups(p) === 1) img[y * width + x] = 0;
    }
  }
  return img;
}

/** Options of {@link skeletonize}. */
export interface SkeletonOptions {
  /** Ink level at or above which a pixel is foreground, on the input's scale. Default 128. */
  level?: number;
}

/** Threshold, Zhang–Suen thinning and staircase removal: a one-pixel-wide skeleton. */
export function skeletonize(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  options: SkeletonOptions = {},
): Uint8Array {
  const binary = threshold(pixels, width, height, options.level ?? 128);
  return removeStaircases(zhangSuen(binary, width, height), width, height);
}
