/**
 * The one rasteriser: strokes → anti-aliased grayscale image, ink 1 on background 0. The page, the
 * synthetic generator, the importer and the server all draw through it, so the model sees the same
 * picture in training and in use. Only + − × ÷ and Math.sqrt/min/max/floor/ceil feed the output,
 * so it is bit-identical in every JavaScript engine.
 */
import type { Drawing, GrayImage } from './types.js';

/** Options of `rasterise`. */
export interface RasteriseOptions {
  /**
   * Render at this fraction of the canvas resolution (e.g. 0.1 turns a 280×280 canvas into
   * 28×28): coordinates and brush are scaled, the output is `round(width × scale)` ×
   * `round(height × scale)` pixels (at least 1). Default 1.
   */
  scale?: number;
  /**
   * Render at a lower scale when needed so the drawing's ink (its points' extent plus the brush)
   * spans at most this many output pixels along its longer side; 0 (the default) never lowers
   * it. The output is the whole canvas at that scale, as for `scale`.
   */
  maxSide?: number;
}

/** Throws unless `v` is a positive integer, naming the parameter. */
function checkSide(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  return v;
}

/** Validates a drawing's shape and values; returns nothing, throws TypeError / RangeError. */
function validateDrawing(drawing: Drawing): void {
  if (typeof drawing !== 'object' || drawing === null) {
    throw new TypeError(
      `drawing must be an object, got ${drawing === null ? 'null' : typeof drawing}`,
    );
  }
  checkSide('drawing.width', drawing.width);
  checkSide('drawing.height', drawing.height);
  const bw = drawing.brushWidth;
  if (typeof bw !== 'number') {
    throw new TypeError(`drawing.brushWidth must be a number, got ${typeof bw}`);
  }
  if (!Number.isFinite(bw) || bw <= 0) {
    throw new RangeError(`drawing.brushWidth must be a finite number > 0, got ${bw}`);
  }
  if (!Array.isArray(drawing.strokes)) {
    throw new TypeError(`drawing.strokes must be an array, got ${typeof drawing.strokes}`);
  }
  drawing.strokes.forEach((stroke, i) => {
    if (!Array.isArray(stroke)) {
      throw new TypeError(`drawing.strokes[${i}] must be an array of points, got ${typeof stroke}`);
    }
    for (let j = 0; j < stroke.length; j++) {
      const p = stroke[j];
      if (typeof p !== 'object' || p === null) {
        throw new TypeError(`stroke ${i}, point ${j} must be an object {x, y}, got ${p}`);
      }
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        throw new RangeError(
          `stroke ${i}, point ${j} must have finite coordinates, got (${p.x}, ${p.y})`,
        );
      }
    }
  });
}

/**
 * Where `drawCapsule` writes: the canvas pixels `x … x + width − 1`, `y … y + height − 1`, held
 * row-major in `data`. The whole canvas is the target at (0, 0); a region is any part of it.
 */
interface Target {
  data: Float32Array;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How far (in pixels) `drawCapsule`'s row spans are widened: far more than the rounding error of
 * the distances involved (under 1e-6 px for coordinates within `SPAN_LIMIT` and a reach within
 * `SPAN_REACH_LIMIT`), so a span never leaves out a pixel the capsule inks.
 */
const SPAN_MARGIN = 1e-3;
/** Coordinates and brush reach up to which row spans are used (beyond, every pixel is tested). */
const SPAN_LIMIT = 1e5;
const SPAN_REACH_LIMIT = 1e3;

/**
 * The pixels a capsule from (ax, ay) to (bx, by) with brush reach `reach` can touch, clipped to
 * the rectangle `clip` (inclusive bounds; empty when x0 > x1 or y0 > y1).
 */
function capsuleBox(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  reach: number,
  clip: { x: number; y: number; width: number; height: number },
): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: Math.max(clip.x, Math.floor(Math.min(ax, bx) - reach)),
    x1: Math.min(clip.x + clip.width - 1, Math.ceil(Math.max(ax, bx) + reach)),
    y0: Math.max(clip.y, Math.floor(Math.min(ay, by) - reach)),
    y1: Math.min(clip.y + clip.height - 1, Math.ceil(Math.max(ay, by) + reach)),
  };
}

/**
 * Draws one capsule (a segment swept by a disc of radius `r`) into `out` by max. A pixel's
 * intensity is clamp(r + 0.5 − d, 0, 1), d the distance from its centre to the segment: a linear
 * ramp one pixel wide that integrates to the capsule's exact area along straight edges. Pixel
 * coordinates are the canvas's whatever the target, so every pixel gets the same value (bit for
 * bit) in a region as on the whole canvas.
 *
 * A short segment AB (pointer samples are a few pixels apart: |AB| ≤ 2r + 1) visits in each row
 * only the span of two discs about A and B of radius √((r + 0.5)² + |AB|² / 4), which together
 * cover every point within r + 0.5 of the segment (Pythagoras, from the nearer end), instead of
 * the capsule's whole box. The pixels it skips are ones the capsule cannot ink, so every value is
 * what the plain loop over the box gives.
 */
function drawCapsule(out: Target, ax: number, ay: number, bx: number, by: number, r: number): void {
  const reach = r + 0.5;
  const reach2 = reach * reach;
  // Pixels whose centre is within r − 0.5 are fully inked: no sqrt needed for them.
  const inner = r - 0.5;
  const inner2 = inner > 0 ? inner * inner : -1;
  const { x0, x1, y0, y1 } = capsuleBox(ax, ay, bx, by, reach, out);
  const data = out.data;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  // Row spans (bounds only: never a pixel's value).
  const spans =
    len2 <= 4 * reach2 &&
    reach <= SPAN_REACH_LIMIT &&
    Math.max(Math.abs(ax), Math.abs(ay), Math.abs(bx), Math.abs(by)) <= SPAN_LIMIT;
  const visit2 = (reach + SPAN_MARGIN) * (reach + SPAN_MARGIN) + len2 / 4;
  // Pixels whose centre is within r − 0.5 − SPAN_MARGIN of A or B (or between two such on a row:
  // the capsule is the convex hull of its end discs) are surely inked 1.
  const fillR = inner - SPAN_MARGIN;
  const fill2 = fillR > 0 ? fillR * fillR : 0;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5 - ay;
    // py · dy is the same product for the whole row (hoisting it changes no bit).
    const pyDy = py * dy;
    const row = (y - out.y) * out.width - out.x;
    let from = x0;
    let to = x1;
    // The run of this row the capsule surely inks fully (empty when fillFrom > fillTo).
    let fillFrom = to + 1;
    let fillTo = to;
    if (spans) {
      // Pixel x's centre is x + 0.5; it is within h of A's column when |x + 0.5 − ax| ≤ h.
      const qa = py * py;
      const qb = (py - dy) * (py - dy);
      from = x1 + 1;
      to = x0 - 1;
      if (qa <= visit2) {
        const h = Math.sqrt(visit2 - qa);
        from = Math.ceil(ax - h - 0.5);
        to = Math.floor(ax + h - 0.5);
      }
      if (qb <= visit2) {
        const h = Math.sqrt(visit2 - qb);
        from = Math.min(from, Math.ceil(bx - h - 0.5));
        to = Math.max(to, Math.floor(bx + h - 0.5));
      }
      from = Math.max(from, x0);
      to = Math.min(to, x1);
      if (from > to) continue;
      fillFrom = to + 1;
      fillTo = to;
      // The same two discs, at the fill radius: the run between their chords.
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      if (qa < fill2) {
        const h = Math.sqrt(fill2 - qa);
        lo = Math.ceil(ax - h - 0.5);
        hi = Math.floor(ax + h - 0.5);
      }
      if (qb < fill2) {
        const h = Math.sqrt(fill2 - qb);
        lo = Math.min(lo, Math.ceil(bx - h - 0.5));
        hi = Math.max(hi, Math.floor(bx + h - 0.5));
      }
      lo = Math.max(lo, from);
      hi = Math.min(hi, to);
      if (lo <= hi) {
        fillFrom = lo;
        fillTo = hi;
      }
    }
    inkPixels(data, row, from, fillFrom - 1, ax, py, pyDy, dx, dy, len2, reach, reach2, inner2);
    for (let i = row + fillFrom; i <= row + fillTo; i++) data[i] = 1;
    inkPixels(data, row, fillTo + 1, to, ax, py, pyDy, dx, dy, len2, reach, reach2, inner2);
  }
}

/**
 * The pixels `from … to` of one row of `drawCapsule`, each tested against the capsule: its value
 * clamp(reach − d, 0, 1) kept by max.
 */
function inkPixels(
  data: Float32Array,
  row: number,
  from: number,
  to: number,
  ax: number,
  py: number,
  pyDy: number,
  dx: number,
  dy: number,
  len2: number,
  reach: number,
  reach2: number,
  inner2: number,
): void {
  for (let x = from; x <= to; x++) {
    const i = row + x;
    if (data[i] === 1) continue;
    const px = x + 0.5 - ax;
    // Project the pixel centre on the segment, clamped to its ends (the round caps).
    let t = len2 > 0 ? (px * dx + pyDy) / len2 : 0;
    t = Math.max(0, Math.min(1, t));
    const ex = px - t * dx;
    const ey = py - t * dy;
    const d2 = ex * ex + ey * ey;
    if (d2 >= reach2) continue;
    const v = d2 <= inner2 ? 1 : Math.min(1, reach - Math.sqrt(d2));
    if (v > data[i]) data[i] = v;
  }
}

/**
 * Calls `f` with every capsule of a drawing, in drawing order, in output pixels: a lone point is
 * a zero-length capsule (a disc); consecutive capsules share their end discs, which is exactly a
 * round join.
 */
function forEachCapsule(
  drawing: Drawing,
  scale: number,
  f: (ax: number, ay: number, bx: number, by: number) => void,
): void {
  for (const stroke of drawing.strokes) {
    if (stroke.length === 0) continue;
    if (stroke.length === 1) {
      const p = stroke[0];
      f(p.x * scale, p.y * scale, p.x * scale, p.y * scale);
      continue;
    }
    for (let j = 1; j < stroke.length; j++) {
      const a = stroke[j - 1];
      const b = stroke[j];
      f(a.x * scale, a.y * scale, b.x * scale, b.y * scale);
    }
  }
}

/**
 * The longer side of a drawing's ink in canvas pixels: its points' bounding box widened by the
 * brush's radius and clipped to the canvas (ink beyond it is never drawn); 0 without any.
 */
function inkSide(drawing: Drawing): number {
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const stroke of drawing.strokes) {
    for (const p of stroke) {
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    }
  }
  const r = drawing.brushWidth / 2;
  const w = Math.min(x1 + r, drawing.width) - Math.max(x0 - r, 0);
  const h = Math.min(y1 + r, drawing.height) - Math.max(y0 - r, 0);
  return w > 0 && h > 0 ? Math.max(w, h) : 0;
}

/**
 * Validates the drawing and the options; the output size, the scale (lowered to `maxSide` when
 * asked) and the brush radius in output pixels.
 */
function outputGeometry(
  drawing: Drawing,
  options: RasteriseOptions | undefined,
): { width: number; height: number; scale: number; r: number } {
  validateDrawing(drawing);
  let scale = options?.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`options.scale must be a finite number > 0, got ${scale}`);
  }
  const maxSide = options?.maxSide ?? 0;
  if (typeof maxSide !== 'number' || !Number.isFinite(maxSide) || maxSide < 0) {
    throw new RangeError(`options.maxSide must be a finite number ≥ 0, got ${maxSide}`);
  }
  if (maxSide > 0) {
    const side = inkSide(drawing);
    if (side * scale > maxSide) scale = maxSide / side;
  }
  const width = Math.max(1, Math.round(drawing.width * scale));
  const height = Math.max(1, Math.round(drawing.height * scale));
  return { width, height, scale, r: (drawing.brushWidth * scale) / 2 };
}

/**
 * Renders a drawing with an anti-aliased round brush (round joins and caps; a lone point is a
 * disc), ink 1 on background 0, at `drawing.width × drawing.height` (times `options.scale`).
 * Overlapping strokes combine by max. An empty drawing gives an all-zero image.
 */
export function rasterise(drawing: Drawing, options?: RasteriseOptions): GrayImage {
  const { width, height, scale, r } = outputGeometry(drawing, options);
  const out: Target = { data: new Float32Array(width * height), x: 0, y: 0, width, height };
  forEachCapsule(drawing, scale, (ax, ay, bx, by) => drawCapsule(out, ax, ay, bx, by, r));
  return { width, height, data: out.data };
}

/**
 * The part of a rasterised canvas that holds all its ink: `image` is canvas pixels `x … x +
 * image.width − 1`, `y … y + image.height − 1`, and every canvas pixel outside it is 0.
 */
export interface RasterRegion {
  image: GrayImage;
  x: number;
  y: number;
  /** Size of the whole canvas, as `rasterise` would return it. */
  canvasWidth: number;
  canvasHeight: number;
}

/**
 * `rasterise` restricted to the pixels the strokes can touch (the union of the capsules' boxes,
 * brush included, clipped to the canvas): the same values, bit for bit, without allocating and
 * scanning the empty rest of the canvas. A drawing that touches no pixel gives a 1×1 zero region
 * at (0, 0).
 */
export function rasteriseRegion(drawing: Drawing, options?: RasteriseOptions): RasterRegion {
  return regionOf(drawing, options, (n) => new Float32Array(n));
}

/** Pixels up to which `rasteriseRegionTransient` keeps its canvas for the next call (4 MiB). */
const KEPT_PIXELS = 1 << 20;
/** `rasteriseRegionTransient`'s canvas: all zeros between calls' use of it. */
let kept = new Float32Array(0);

/**
 * `rasteriseRegion` into a buffer it keeps and reuses, zeroed anew on every call: the region's
 * image is valid only until the next call. For a caller that reads the region at once and keeps
 * nothing of it (`preprocessDrawing`): a fresh canvas of a drawing's size costs more to allocate
 * than to draw on. Regions larger than `KEPT_PIXELS` get a buffer of their own.
 */
export function rasteriseRegionTransient(
  drawing: Drawing,
  options?: RasteriseOptions,
): RasterRegion {
  return regionOf(drawing, options, (n) => {
    if (n > KEPT_PIXELS) return new Float32Array(n);
    if (kept.length < n) kept = new Float32Array(Math.max(n, 2 * kept.length));
    const data = kept.subarray(0, n);
    data.fill(0);
    return data;
  });
}

/** The region of `rasteriseRegion`, drawn into the zeroed pixels `canvas(n)` gives. */
function regionOf(
  drawing: Drawing,
  options: RasteriseOptions | undefined,
  canvas: (n: number) => Float32Array,
): RasterRegion {
  const { width, height, scale, r } = outputGeometry(drawing, options);
  const reach = r + 0.5;
  // The union of the pixel ranges `drawCapsule` loops over on the whole canvas.
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  const whole = { x: 0, y: 0, width, height };
  forEachCapsule(drawing, scale, (ax, ay, bx, by) => {
    const b = capsuleBox(ax, ay, bx, by, reach, whole);
    if (b.x0 > b.x1 || b.y0 > b.y1) return;
    if (b.x0 < x0) x0 = b.x0;
    if (b.x1 > x1) x1 = b.x1;
    if (b.y0 < y0) y0 = b.y0;
    if (b.y1 > y1) y1 = b.y1;
  });
  if (x1 < 0) {
    return {
      image: { width: 1, height: 1, data: new Float32Array(1) },
      x: 0,
      y: 0,
      canvasWidth: width,
      canvasHeight: height,
    };
  }
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const out: Target = { data: canvas(w * h), x: x0, y: y0, width: w, height: h };
  forEachCapsule(drawing, scale, (ax, ay, bx, by) => drawCapsule(out, ax, ay, bx, by, r));
  return {
    image: { width: w, height: h, data: out.data },
    x: x0,
    y: y0,
    canvasWidth: width,
    canvasHeight: height,
  };
}

/** The whole canvas of a region: `rasterise`'s image, rebuilt by padding the region with zeros. */
export function regionCanvas(region: RasterRegion): GrayImage {
  const { image, x, y, canvasWidth: width, canvasHeight: height } = region;
  const data = new Float32Array(width * height);
  for (let row = 0; row < image.height; row++) {
    const start = row * image.width;
    data.set(image.data.subarray(start, start + image.width), (y + row) * width + x);
  }
  return { width, height, data };
}
