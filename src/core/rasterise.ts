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
 * Draws one capsule (a segment swept by a disc of radius `r`) into `out` by max. A pixel's
 * intensity is clamp(r + 0.5 − d, 0, 1), d the distance from its centre to the segment: a linear
 * ramp one pixel wide that integrates to the capsule's exact area along straight edges.
 */
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
  // Pixels whose centre is within r − 0.5 are fully inked: no sqrt needed for them.
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
      // Project the pixel centre on the segment, clamped to its ends (the round caps).
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

/**
 * Renders a drawing with an anti-aliased round brush (round joins and caps; a lone point is a
 * disc), ink 1 on background 0, at `drawing.width × drawing.height` (times `options.scale`).
 * Overlapping strokes combine by max. An empty drawing gives an all-zero image.
 */
export function rasterise(drawing: Drawing, options?: RasteriseOptions): GrayImage {
  validateDrawing(drawing);
  const scale = options?.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`options.scale must be a finite number > 0, got ${scale}`);
  }
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
    // Consecutive capsules share their end discs, which is exactly a round join.
    for (let j = 1; j < stroke.length; j++) {
      const a = stroke[j - 1];
      const b = stroke[j];
      drawCapsule(data, width, height, a.x * scale, a.y * scale, b.x * scale, b.y * scale, r);
    }
  }
  return { width, height, data };
}
