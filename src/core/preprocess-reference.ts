/**
 * The reference preprocessing, for tests only: the straightforward full-canvas code of
 * rasterise → canonicalise (polarity → crop → scale → centre) → deskew as it was before it was
 * made fast (commit 5ccc2f3), kept verbatim minus the argument checks. The fast stages must give
 * these results bit for bit, for every input; the tests compare them on many drawings.
 */
import { DEFAULT_MIN_INK } from './canonicalise.js';
import { DEFAULT_INK_THRESHOLD } from './crop.js';
import { deskew } from './deskew.js';
import { createRng } from './random.js';
import { DEFAULT_BOX } from './scale.js';
import { CANONICAL_SIZE, type Drawing, type GrayImage } from './types.js';

function drawCapsule(
  out: Float32Array,
  width: number,
  height: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  r: number,
): void {
  const reach = r + 0.5;
  const reach2 = reach * reach;
  const inner = r - 0.5;
  const inner2 = inner > 0 ? inner * inner : -1;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + reach));
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5 - ay;
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      const i = row + x;
      if (out[i] === 1) continue;
      const px = x + 0.5 - ax;
      let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
      t = Math.max(0, Math.min(1, t));
      const ex = px - t * dx;
      const ey = py - t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 >= reach2) continue;
      const v = d2 <= inner2 ? 1 : Math.min(1, reach - Math.sqrt(d2));
      if (v > out[i]) out[i] = v;
    }
  }
}

/** The reference `rasterise`: the whole canvas (times `scale`). */
export function referenceRasterise(drawing: Drawing, scale = 1): GrayImage {
  const width = Math.max(1, Math.round(drawing.width * scale));
  const height = Math.max(1, Math.round(drawing.height * scale));
  const data = new Float32Array(width * height);
  const r = (drawing.brushWidth * scale) / 2;
  for (const stroke of drawing.strokes) {
    if (stroke.length === 0) continue;
    if (stroke.length === 1) {
      const p = stroke[0];
      drawCapsule(data, width, height, p.x * scale, p.y * scale, p.x * scale, p.y * scale, r);
      continue;
    }
    for (let j = 1; j < stroke.length; j++) {
      const a = stroke[j - 1];
      const b = stroke[j];
      drawCapsule(data, width, height, a.x * scale, a.y * scale, b.x * scale, b.y * scale, r);
    }
  }
  return { width, height, data };
}

function borderLevel(img: GrayImage): number {
  const { width: w, height: h, data } = img;
  const border: number[] = [];
  for (let x = 0; x < w; x++) {
    border.push(data[x]);
    if (h > 1) border.push(data[(h - 1) * w + x]);
  }
  for (let y = 1; y < h - 1; y++) {
    border.push(data[y * w]);
    if (w > 1) border.push(data[y * w + w - 1]);
  }
  border.sort((a, b) => a - b);
  const m = border.length >> 1;
  return border.length % 2 === 1 ? border[m] : (border[m - 1] + border[m]) / 2;
}

function toInkHigh(img: GrayImage): GrayImage {
  const level = borderLevel(img);
  const invert = level > 0.5;
  const bg = invert ? 1 - level : level;
  if (!invert && bg <= 0) return img;
  const src = img.data;
  const data = new Float32Array(src.length);
  const gain = 1 / (1 - bg);
  for (let i = 0; i < src.length; i++) {
    const v = invert ? 1 - src[i] : src[i];
    data[i] = v > bg ? (v - bg) * gain : 0;
  }
  return { width: img.width, height: img.height, data };
}

function crop(img: GrayImage, threshold: number): GrayImage | null {
  const { width: w, height: h, data } = img;
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  if (!(max > 0)) return null;
  const cut = threshold * max;
  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = data[row + x];
      if (v > cut && v > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const out = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    const start = (y0 + r) * w + x0;
    out.set(data.subarray(start, start + width), r * width);
  }
  return { width, height, data: out };
}

interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  offset: Int32Array;
  weights: Float64Array;
}

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
    for (let i = i0; i <= i1; i++)
      list.push(Math.max(0, Math.min(b, i + 1) - Math.max(a, i)) * scale);
  }
  return { start, count, offset, weights: Float64Array.from(list) };
}

function resample(
  img: GrayImage,
  width: number,
  height: number,
  wx: AxisWeights,
  wy: AxisWeights,
): GrayImage {
  const { width: w, height: h, data: src } = img;
  const tmp = new Float64Array(width * h);
  for (let y = 0; y < h; y++) {
    for (let ox = 0; ox < width; ox++) {
      let s = 0;
      const base = y * w + wx.start[ox];
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

/** The reference `scaleToFit`. */
export function referenceScaleToFit(img: GrayImage, box: number): GrayImage {
  const long = Math.max(img.width, img.height);
  const fit = (side: number) => Math.max(1, Math.floor((side * box + long - 1) / long));
  const size = { width: fit(img.width), height: fit(img.height) };
  const scale = box / long;
  const wx = axisWeights(img.width, size.width, scale, (size.width - img.width * scale) / 2);
  const wy = axisWeights(img.height, size.height, scale, (size.height - img.height * scale) / 2);
  return resample(img, size.width, size.height, wx, wy);
}

function centerByMass(img: GrayImage, size: number): GrayImage {
  const data = new Float32Array(size * size);
  const { width: w, height: h } = img;
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = img.data[row + x];
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (!(m > 0)) return { width: size, height: size, data };
  const ox = Math.round(size / 2 - mx / m);
  const oy = Math.round(size / 2 - my / m);
  const x0 = Math.max(0, -ox);
  const x1 = Math.min(img.width, size - ox);
  for (let y = Math.max(0, -oy); y < Math.min(img.height, size - oy); y++) {
    if (x1 <= x0) break;
    const start = y * img.width;
    data.set(img.data.subarray(start + x0, start + x1), (y + oy) * size + x0 + ox);
  }
  return { width: size, height: size, data };
}

/**
 * The reference `canonicalise` at full resolution (no downscale, no stroke-width change):
 * polarity → ink check against the whole image's area → crop → scale to the box → centre.
 */
export function referenceCanonicalise(
  img: GrayImage,
  minInk = DEFAULT_MIN_INK,
  threshold = DEFAULT_INK_THRESHOLD,
): { image: GrayImage; empty: boolean } {
  const size = CANONICAL_SIZE;
  const empty = () => ({
    image: { width: size, height: size, data: new Float32Array(size * size) },
    empty: true,
  });
  const ink = toInkHigh(img);
  let total = 0;
  for (let i = 0; i < ink.data.length; i++) total += ink.data[i];
  if (!(total > minInk * ink.data.length)) return empty();
  const cropped = crop(ink, threshold);
  if (cropped === null) return empty();
  return { image: centerByMass(referenceScaleToFit(cropped, DEFAULT_BOX), size), empty: false };
}

/**
 * The scale `rasterise` draws at given `maxSide` (0: none), worked out plainly: the box of the
 * points, widened by the brush's radius and cut to the canvas, must span at most `maxSide` pixels.
 */
export function referenceMaxSideScale(drawing: Drawing, maxSide: number): number {
  const points = drawing.strokes.flat();
  if (maxSide === 0 || points.length === 0) return 1;
  const r = drawing.brushWidth / 2;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const w = Math.min(Math.max(...xs) + r, drawing.width) - Math.max(Math.min(...xs) - r, 0);
  const h = Math.min(Math.max(...ys) + r, drawing.height) - Math.max(Math.min(...ys) - r, 0);
  if (!(w > 0 && h > 0)) return 1;
  const side = Math.max(w, h);
  return side > maxSide ? maxSide / side : 1;
}

/**
 * The reference of `preprocessDrawing` with the default options but `rasterSide` (0: the full
 * canvas): rasterise, canonicalise, deskew.
 */
export function referencePreprocessDrawing(
  drawing: Drawing,
  rasterSide = 0,
): {
  canonical: GrayImage;
  empty: boolean;
} {
  const scale = referenceMaxSideScale(drawing, rasterSide);
  const { image, empty } = referenceCanonicalise(referenceRasterise(drawing, scale));
  return { canonical: empty ? image : deskew(image), empty };
}

/**
 * `n` seeded random drawings that probe the fast path's edges: canvases of 1–300 px a side, any
 * brush from 0.05 to 100 px, random walks with small and large steps, dots, empty strokes and
 * empty drawings, points on pixel centres and corners, strokes that leave the canvas, run along
 * its border or cover it (so polarity inverts).
 */
export function randomDrawings(seed: number, n: number): Drawing[] {
  const rng = createRng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
  const out: Drawing[] = [];
  for (let i = 0; i < n; i++) {
    const width = pick([
      280,
      280,
      280,
      280,
      100,
      37,
      300,
      Math.max(1, Math.ceil(rng() * 300)),
      8,
      1,
    ]);
    const height = pick([width, width, width, 280, 28, Math.max(1, Math.ceil(rng() * 300)), 9, 1]);
    const brushWidth = pick([18, 18, 16, 8, 2, 1, 0.05, 0.7, rng() * 40, 64, 100]);
    // Coordinates: anywhere, on pixel centres, on pixel corners, or near the border.
    const coordinate = (side: number): number => {
      const kind = rng();
      if (kind < 0.6) return rng() * side;
      if (kind < 0.75) return Math.floor(rng() * side) + 0.5;
      if (kind < 0.9) return Math.floor(rng() * (side + 1));
      if (kind < 0.95) return pick([0, side, -0.5, side + 0.5, 0.25, side - 0.25]);
      return (rng() * 3 - 1) * side;
    };
    const strokes: { x: number; y: number }[][] = [];
    const kind = rng();
    if (kind < 0.05) {
      // Empty drawing.
    } else if (kind < 0.12) {
      // The border itself, all round or along some sides.
      const sides = 1 + Math.floor(rng() * 4);
      const corners = [
        { x: 0, y: 0 },
        { x: width, y: 0 },
        { x: width, y: height },
        { x: 0, y: height },
        { x: 0, y: 0 },
      ];
      strokes.push(corners.slice(0, sides + 1));
    } else {
      const count = 1 + Math.floor(rng() * 4);
      for (let s = 0; s < count; s++) {
        const points = pick([0, 1, 1, 2, 5, 20, 60]);
        const step = pick([0.3, 4, 4, 15, width / 2]);
        let x = coordinate(width);
        let y = coordinate(height);
        const stroke: { x: number; y: number }[] = [];
        for (let p = 0; p < points; p++) {
          stroke.push({ x, y });
          x += (rng() * 2 - 1) * step;
          y += (rng() * 2 - 1) * step;
        }
        strokes.push(stroke);
      }
    }
    out.push({ width, height, brushWidth, strokes });
  }
  return out;
}

/** Whether two images have the same size and the same bytes (so +0 and −0 or NaNs would differ). */
export function sameImage(a: GrayImage, b: GrayImage): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
