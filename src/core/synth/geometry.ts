/**
 * Plane geometry shared by the synthetic-data generators: Catmull-Rom splines, arc-length
 * resampling, polyline simplification and bounding boxes. Pure functions on `{ x, y }` points.
 */
import type { Point, Stroke } from '../types.js';

/** An axis-aligned box: the smallest and largest coordinates on each axis. */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Options of {@link catmullRom}. */
export interface CatmullRomOptions {
  /** Join the last control point back to the first. Default false. */
  closed?: boolean;
  /** Largest distance between consecutive output points along a segment's chord. Default 0.01. */
  step?: number;
}

/**
 * Samples a centripetal Catmull-Rom spline (alpha ½, no cusps or self-loops inside a segment)
 * through `points`. The curve passes through every control point; an open curve starts at the
 * first and ends at the last, a closed one ends where it started. Fewer than 2 points are
 * returned as copies.
 */
export function catmullRom(points: readonly Point[], options: CatmullRomOptions = {}): Point[] {
  const closed = options.closed ?? false;
  const step = options.step ?? 0.01;
  if (!(step > 0)) throw new RangeError(`step must be a positive number, got ${step}`);
  const n = points.length;
  if (n < 2) return points.map((p) => ({ x: p.x, y: p.y }));
  // Ghost points beyond the ends of an open curve: reflections, so the end tangents follow
  // the first and last chords.
  const at = (i: number): Point => {
    if (closed) return points[((i % n) + n) % n];
    if (i < 0) return { x: 2 * points[0].x - points[1].x, y: 2 * points[0].y - points[1].y };
    if (i >= n) {
      const a = points[n - 1];
      const b = points[n - 2];
      return { x: 2 * a.x - b.x, y: 2 * a.y - b.y };
    }
    return points[i];
  };
  const segments = closed ? n : n - 1;
  const out: Point[] = [{ x: points[0].x, y: points[0].y }];
  for (let s = 0; s < segments; s++) {
    const p0 = at(s - 1);
    const p1 = at(s);
    const p2 = at(s + 1);
    const p3 = at(s + 2);
    // Knot spacing |Pi+1 − Pi|^½ (centripetal); a tiny floor keeps coincident points finite.
    const d01 = Math.max(Math.hypot(p1.x - p0.x, p1.y - p0.y) ** 0.5, 1e-6);
    const d12 = Math.max(Math.hypot(p2.x - p1.x, p2.y - p1.y) ** 0.5, 1e-6);
    const d23 = Math.max(Math.hypot(p3.x - p2.x, p3.y - p2.y) ** 0.5, 1e-6);
    const chord = Math.hypot(p2.x - p1.x, p2.y - p1.y);
    const k = Math.max(1, Math.ceil(chord / step));
    // Tangents at p1 and p2 of the Barry–Goldman form, scaled to the unit parameter of the
    // segment, give a cubic Hermite segment.
    const m1x = d12 * ((p1.x - p0.x) / d01 - (p2.x - p0.x) / (d01 + d12) + (p2.x - p1.x) / d12);
    const m1y = d12 * ((p1.y - p0.y) / d01 - (p2.y - p0.y) / (d01 + d12) + (p2.y - p1.y) / d12);
    const m2x = d12 * ((p2.x - p1.x) / d12 - (p3.x - p1.x) / (d12 + d23) + (p3.x - p2.x) / d23);
    const m2y = d12 * ((p2.y - p1.y) / d12 - (p3.y - p1.y) / (d12 + d23) + (p3.y - p2.y) / d23);
    for (let j = 1; j <= k; j++) {
      const t = j / k;
      const t2 = t * t;
      const t3 = t2 * t;
      const h00 = 2 * t3 - 3 * t2 + 1;
      const h10 = t3 - 2 * t2 + t;
      const h01 = -2 * t3 + 3 * t2;
      const h11 = t3 - t2;
      out.push({
        x: h00 * p1.x + h10 * m1x + h01 * p2.x + h11 * m2x,
        y: h00 * p1.y + h10 * m1y + h01 * p2.y + h11 * m2y,
      });
    }
  }
  return out;
}

/** Total length of a polyline (0 for fewer than 2 points). */
export function polylineLength(points: readonly Point[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) {
    length += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
  }
  return length;
}

/**
 * Resamples a polyline by linear interpolation so that consecutive points are `spacing(i)`
 * apart along the path, where `i` counts output points (a constant gives uniform sampling; a
 * function lets the caller vary the rate like a hand's speed). The first and last points are
 * kept, so the last gap may be shorter. Timestamps are dropped. A polyline of zero length comes
 * back as its first point.
 */
export function resampleByArcLength(
  points: readonly Point[],
  spacing: number | ((i: number) => number),
): Point[] {
  if (points.length === 0) return [];
  const next = typeof spacing === 'number' ? () => spacing : spacing;
  const out: Point[] = [{ x: points[0].x, y: points[0].y }];
  const total = polylineLength(points);
  if (total === 0) return out;
  let target = checkSpacing(next(1));
  let walked = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    while (len > 0 && target <= walked + len && target < total) {
      const u = (target - walked) / len;
      out.push({ x: a.x + u * (b.x - a.x), y: a.y + u * (b.y - a.y) });
      target += checkSpacing(next(out.length));
    }
    walked += len;
  }
  const last = points[points.length - 1];
  const tail = out[out.length - 1];
  if (tail.x !== last.x || tail.y !== last.y) out.push({ x: last.x, y: last.y });
  return out;
}

function checkSpacing(s: number): number {
  if (!(s > 0) || !Number.isFinite(s)) {
    throw new RangeError(`spacing must be a positive finite number, got ${s}`);
  }
  return s;
}

/**
 * Ramer–Douglas–Peucker simplification: keeps the fewest points such that no dropped point is
 * farther than `epsilon` from the simplified polyline. The ends are always kept.
 */
export function simplify(points: readonly Point[], epsilon: number): Point[] {
  if (!(epsilon >= 0)) throw new RangeError(`epsilon must be a number ≥ 0, got ${epsilon}`);
  if (points.length < 3) return points.map((p) => ({ x: p.x, y: p.y }));
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [lo, hi] = stack.pop()!;
    let worst = -1;
    let worstDist = epsilon;
    for (let i = lo + 1; i < hi; i++) {
      const d = distanceToSegment(points[i], points[lo], points[hi]);
      if (d > worstDist) {
        worstDist = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([lo, worst], [worst, hi]);
    }
  }
  return points.filter((_, i) => keep[i] === 1).map((p) => ({ x: p.x, y: p.y }));
}

/** Distance from `p` to the segment `a`–`b` (to `a` when the segment has zero length). */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

/** The bounding box of every point of every stroke; `null` when there are no points. */
export function boundingBox(strokes: readonly Stroke[]): Box | null {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const stroke of strokes) {
    for (const p of stroke) {
      if (p.x < minX) minX = p.x;
      if (p.x > maxX) maxX = p.x;
      if (p.y < minY) minY = p.y;
      if (p.y > maxY) maxY = p.y;
    }
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : null;
}

/**
 * Maps the strokes' bounding box onto a target height on a `canvas × canvas` square (the width
 * follows with the same scale, shrunk if it would not fit), then moves it to a uniformly random
 * position where a brush of `brushWidth` stays inside the canvas. Returns new strokes; an empty
 * drawing comes back empty.
 */
export function placeOnCanvas(
  strokes: readonly Stroke[],
  canvas: number,
  targetHeight: number,
  brushWidth: number,
  rng: () => number,
): Stroke[] {
  const box = boundingBox(strokes);
  if (box === null) return strokes.map(() => []);
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  // Room for the digit's centre line: the canvas minus the brush on both sides.
  const room = canvas - brushWidth - 2;
  let scale = h > 0 ? Math.min(targetHeight, room) / h : 1;
  if (w * scale > room) scale = room / w;
  if (!Number.isFinite(scale) || scale <= 0) scale = 1;
  const free = (extent: number) => Math.max(0, room - extent * scale);
  const offX = 1 + brushWidth / 2 + rng() * free(w);
  const offY = 1 + brushWidth / 2 + rng() * free(h);
  return strokes.map((stroke) =>
    stroke.map((p) => ({ x: offX + (p.x - box.minX) * scale, y: offY + (p.y - box.minY) * scale })),
  );
}

/** Rounds coordinates to `digits` decimals, as a pointer would report them; keeps `t`. */
export function roundStrokes(strokes: readonly Stroke[], digits = 2): Stroke[] {
  const f = 10 ** digits;
  return strokes.map((stroke) =>
    stroke.map((p) => {
      const q: Point = { x: Math.round(p.x * f) / f, y: Math.round(p.y * f) / f };
      if (p.t !== undefined) q.t = p.t;
      return q;
    }),
  );
}
