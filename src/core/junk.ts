/**
 * The not-a-digit reader's input: the image reader's features of the canonical image, the
 * strokes' trajectory features, and a few geometric measures of the drawing as drawn — before
 * canonicalisation scales a tap up to a full-size blob — that no digit reader sees: how much of
 * the canvas the ink spans, how long the path is against that span, how many strokes and turns.
 * A binary logistic regression on them (digit / not a digit) gives P(not a digit); its threshold
 * is fitted on data at training (see `data/training.ts`).
 */
import { TRAJECTORY_LENGTH } from './trajectory.js';
import type { Drawing, Matrix } from './types.js';

/** Number of geometric features. */
export const GEOMETRY_LENGTH = 10;

/**
 * Geometric features of a drawing, each scaled to about [0, 1]: ink span against the canvas
 * (longer side, shorter side), path length against the canvas and against the span, log stroke
 * count, log point count, the share of the path in the longest stroke, mean absolute turning per
 * unit length, the box's aspect, and whether the span is below 5% of the canvas.
 */
export function geometryFeatures(
  drawing: Drawing,
  out = new Float32Array(GEOMETRY_LENGTH),
): Float32Array {
  out.fill(0);
  const side = Math.max(drawing.width, drawing.height, 1);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let points = 0;
  let length = 0;
  let longest = 0;
  let turning = 0;
  for (const stroke of drawing.strokes) {
    let strokeLength = 0;
    let prevAngle: number | undefined;
    for (let i = 0; i < stroke.length; i++) {
      const p = stroke[i];
      points++;
      if (p.x < minX) minX = p.x;
      if (p.y < minY) minY = p.y;
      if (p.x > maxX) maxX = p.x;
      if (p.y > maxY) maxY = p.y;
      if (i === 0) continue;
      const dx = p.x - stroke[i - 1].x;
      const dy = p.y - stroke[i - 1].y;
      const step = Math.hypot(dx, dy);
      if (step < 1e-9) continue;
      strokeLength += step;
      const angle = Math.atan2(dy, dx);
      if (prevAngle !== undefined) {
        let turn = Math.abs(angle - prevAngle);
        if (turn > Math.PI) turn = 2 * Math.PI - turn;
        turning += turn;
      }
      prevAngle = angle;
    }
    length += strokeLength;
    if (strokeLength > longest) longest = strokeLength;
  }
  if (points === 0) return out;
  const w = maxX - minX;
  const h = maxY - minY;
  const span = Math.max(w, h);
  out[0] = span / side;
  out[1] = Math.min(w, h) / side;
  out[2] = Math.min(length / side, 8) / 8;
  out[3] = Math.min(length / Math.max(span, 1), 20) / 20;
  out[4] = Math.log1p(drawing.strokes.length) / Math.log1p(100);
  out[5] = Math.log1p(points) / Math.log1p(10_000);
  out[6] = length > 0 ? longest / length : 1;
  // Total turning per path length as long as the span: a straight line 0, a circle about 2π·(π).
  out[7] = Math.min(turning / Math.max(length / Math.max(span, 1), 1) / (4 * Math.PI), 1);
  out[8] = span > 0 ? Math.min(w, h) / span : 0;
  out[9] = span < 0.05 * side ? 1 : 0;
  return out;
}

/** The geometric features of drawings, one row each. */
export function geometryMatrix(drawings: readonly Drawing[]): Matrix {
  const d = GEOMETRY_LENGTH;
  const data = new Float32Array(drawings.length * d);
  drawings.forEach((drawing, i) => {
    geometryFeatures(drawing, data.subarray(i * d, (i + 1) * d));
  });
  return { n: drawings.length, d, data };
}

/**
 * Where digits' geometry lies: per geometric feature a low and a high bound (null: none), fitted
 * as quantiles of the training digits' features. A drawing outside any bound is not a digit,
 * whatever kind of non-digit it is — the check that holds for kinds no reader was trained on.
 */
export interface GeometryRange {
  low: (number | null)[];
  high: (number | null)[];
}

/** The geometric features bounded below (span) and above (length, strokes, points, turning). */
export const RANGE_LOW: readonly number[] = [0];
export const RANGE_HIGH: readonly number[] = [2, 3, 4, 5, 7];

/** The first geometric feature of `g` outside `range` (its index), or -1 when all are inside. */
export function outsideRange(g: ArrayLike<number>, range: GeometryRange): number {
  for (let j = 0; j < range.low.length; j++) {
    const lo = range.low[j];
    const hi = range.high[j];
    if ((lo !== null && g[j] < lo) || (hi !== null && g[j] > hi)) return j;
  }
  return -1;
}

/**
 * The range of the digits' geometry (`G`, n × GEOMETRY_LENGTH): the q-quantile below for
 * `RANGE_LOW` features and the (1 − q)-quantile above for `RANGE_HIGH` ones.
 */
export function fitGeometryRange(G: Matrix, q: number): GeometryRange {
  const low: (number | null)[] = new Array(GEOMETRY_LENGTH).fill(null);
  const high: (number | null)[] = new Array(GEOMETRY_LENGTH).fill(null);
  const column = (j: number) => {
    const v = new Float64Array(G.n);
    for (let i = 0; i < G.n; i++) v[i] = G.data[i * G.d + j];
    return v.sort();
  };
  const at = (sorted: Float64Array, p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))];
  if (G.n === 0) return { low, high };
  for (const j of RANGE_LOW) low[j] = at(column(j), q);
  for (const j of RANGE_HIGH) high[j] = at(column(j), 1 - q);
  return { low, high };
}

/** Length of the not-a-digit reader's feature row for an image reader of `imageFeatures` features. */
export function junkFeatureLength(imageFeatures: number): number {
  return imageFeatures + TRAJECTORY_LENGTH + GEOMETRY_LENGTH;
}

/** The not-a-digit reader's row: image features, then trajectory, then geometry, into `out`. */
export function junkFeatureRow(
  image: Float32Array,
  trajectory: Float32Array,
  geometry: Float32Array,
  out: Float32Array<ArrayBufferLike> = new Float32Array(
    image.length + trajectory.length + geometry.length,
  ),
): Float32Array<ArrayBufferLike> {
  out.set(image, 0);
  out.set(trajectory, image.length);
  out.set(geometry, image.length + trajectory.length);
  return out;
}
