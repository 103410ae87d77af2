/**
 * The not-a-digit reader's input: the image reader's features of the canonical image, the
 * strokes' trajectory features, and a few geometric measures of the drawing as drawn — before
 * canonicalisation scales a tap up to a full-size blob — that no digit reader sees: how much of
 * the canvas the ink spans, how long the path is against that span, how many strokes and turns.
 * A binary logistic regression on them (digit / not a digit) gives P(not a digit); its threshold
 * is fitted on data at training (see `data/training.ts`).
 */
import { createRng } from './random.js';
import { layoutStrokes } from './segment.js';
import { boundingBox } from './synth/geometry.js';
import { TRAJECTORY_LENGTH } from './trajectory.js';
import type { Drawing, Matrix } from './types.js';

/** Number of geometric features. */
export const GEOMETRY_LENGTH = 11;

/** Where each geometric feature sits in the row (see `geometryFeatures`). */
export const GEOMETRY = {
  size: 0,
  aspect: 1,
  length: 2,
  strokes: 3,
  longest: 4,
  turning: 5,
  penUp: 6,
  tiny: 7,
  dots: 8,
  corners: 9,
  gap: 10,
} as const;

/** The ink's span (share of the canvas) above which size says nothing: a quarter of the canvas. */
const SIZE_SATURATION = 0.25;
/** Turning is measured on the path resampled every 1/32 of the span (any sampling density). */
const RESAMPLE_PER_SPAN = 32;
/** A turn of more than this between resampled steps is a corner (radians, 50°). */
const CORNER_TURN = (50 * Math.PI) / 180;
/**
 * Side gaps up to a tenth of the ink's height count as none: a 4 whose arm stops short of its
 * stem has one (the development pen writers' digits: 0.1% have a wider gap; two digits side by
 * side, 98%). The gap saturates at twice the height.
 */
const GAP_DEAD_ZONE = 0.1;
const GAP_SATURATION = 2;

/**
 * The widest empty vertical band between the strokes' horizontal extents, against the ink's
 * height (less a dead zone): 0 when every stroke overlaps the strokes left of it (a digit's
 * strokes do, even a 5's detached flag or a 4's second stroke), large for marks written side by
 * side (two digits, a word). It is the widest of the gaps that reading a number measures
 * (`layoutStrokes`); strokes are taken by their extent, so the sampling density does not matter.
 */
function sideGap(drawing: Drawing): number {
  const gap = Math.max(0, ...layoutStrokes(drawing).gaps) - GAP_DEAD_ZONE;
  return Math.min(Math.max(gap, 0), GAP_SATURATION) / GAP_SATURATION;
}

/**
 * Geometric features of a drawing, each scaled to about [0, 1]. Only two depend on the drawing's
 * size — the span against the canvas, saturating at a quarter of it (a digit drawn small is a
 * digit), and whether the span is under 5% of the canvas (a tap) — and none on how densely the
 * device sampled the pen: path length against the span, log stroke count, the share of the path
 * in the longest stroke, turning per span-length and corners on the path resampled every 1/32 of
 * the span, pen-up travel against the span, the share of strokes that are dots, the box's
 * aspect, and the widest side gap between strokes against the ink's height. `sizeScale` draws the
 * drawing that much smaller or larger first (for training on digits of every size: taps and dots
 * are small, digits come in any size).
 */
export function geometryFeatures(
  drawing: Drawing,
  out = new Float32Array(GEOMETRY_LENGTH),
  sizeScale = 1,
): Float32Array {
  out.fill(0);
  const side = Math.max(drawing.width, drawing.height, 1);
  const box = boundingBox(drawing.strokes);
  if (box === null) return out;
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  const span = Math.max(w, h);
  const unit = Math.max(span, 1);
  const step = unit / RESAMPLE_PER_SPAN;
  let length = 0;
  let longest = 0;
  let turning = 0;
  let corners = 0;
  let penUp = 0;
  let dots = 0;
  let last: { x: number; y: number } | undefined;
  for (const stroke of drawing.strokes) {
    if (stroke.length === 0) continue;
    if (last) penUp += Math.hypot(stroke[0].x - last.x, stroke[0].y - last.y);
    last = stroke[stroke.length - 1];
    // Walk the stroke, taking a heading every `step` of arc length.
    let strokeLength = 0;
    let carried = 0;
    let from = stroke[0];
    let prevHeading: number | undefined;
    for (let i = 1; i < stroke.length; i++) {
      const p = stroke[i];
      const dx = p.x - stroke[i - 1].x;
      const dy = p.y - stroke[i - 1].y;
      const segment = Math.hypot(dx, dy);
      if (segment < 1e-9) continue;
      strokeLength += segment;
      carried += segment;
      while (carried >= step) {
        // The point `step` along from `from`, on the current segment.
        const back = (carried - step) / segment;
        const x = p.x - dx * back;
        const y = p.y - dy * back;
        const heading = Math.atan2(y - from.y, x - from.x);
        if (prevHeading !== undefined) {
          let turn = Math.abs(heading - prevHeading);
          if (turn > Math.PI) turn = 2 * Math.PI - turn;
          turning += turn;
          if (turn > CORNER_TURN) corners++;
        }
        prevHeading = heading;
        from = { x, y };
        carried -= step;
      }
    }
    length += strokeLength;
    if (strokeLength > longest) longest = strokeLength;
    if (strokeLength < 0.05 * unit) dots++;
  }
  const strokes = drawing.strokes.length;
  out[GEOMETRY.size] = Math.min((sizeScale * span) / side, SIZE_SATURATION) / SIZE_SATURATION;
  out[GEOMETRY.aspect] = span > 0 ? Math.min(w, h) / span : 0;
  out[GEOMETRY.length] = Math.min(length / unit, 20) / 20;
  out[GEOMETRY.strokes] = Math.log1p(strokes) / Math.log1p(100);
  out[GEOMETRY.longest] = length > 0 ? longest / length : 1;
  // Total turning per path length as long as the span: a straight line 0, a circle about 2π·(π).
  out[GEOMETRY.turning] = Math.min(turning / Math.max(length / unit, 1) / (4 * Math.PI), 1);
  out[GEOMETRY.penUp] = Math.min(penUp / unit, 10) / 10;
  out[GEOMETRY.tiny] = sizeScale * span < 0.05 * side ? 1 : 0;
  out[GEOMETRY.dots] = strokes > 0 ? dots / strokes : 0;
  out[GEOMETRY.corners] = Math.min(corners, 16) / 16;
  out[GEOMETRY.gap] = sideGap(drawing);
  return out;
}

/** The geometric features of drawings, one row each (each drawn `sizeScales[i]` times its size). */
export function geometryMatrix(
  drawings: readonly Drawing[],
  sizeScales?: ArrayLike<number>,
): Matrix {
  const d = GEOMETRY_LENGTH;
  const data = new Float32Array(drawings.length * d);
  drawings.forEach((drawing, i) => {
    geometryFeatures(drawing, data.subarray(i * d, (i + 1) * d), sizeScales?.[i] ?? 1);
  });
  return { n: drawings.length, d, data };
}

/**
 * Sizes for training digits' geometry: digits drawn at 0.2–1 times their size (uniform, seeded),
 * since synthetic and tablet digits fill the canvas while people at a pad draw them any size.
 */
export function digitSizeScales(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => 0.2 + 0.8 * rng());
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

/** The geometric features bounded below (size) and above (length, strokes, turning, side gap). */
export const RANGE_LOW: readonly number[] = [GEOMETRY.size];
export const RANGE_HIGH: readonly number[] = [
  GEOMETRY.length,
  GEOMETRY.strokes,
  GEOMETRY.turning,
  GEOMETRY.gap,
];
/** The stroke-count bound never refuses a digit of 3 strokes (a 4, a 5, a serifed 1). */
const MIN_STROKES_BOUND = Math.fround(Math.log1p(3) / Math.log1p(100));
/**
 * The side-gap bound never refuses a gap under 0.15 of the ink's height: the template digits have
 * none at all, which would put the bound at 0, while people's 4s and 0s have small ones (the
 * development pen writers' digits: 0.1% have a gap over a tenth of the height, 0.02% over 0.15).
 */
const MIN_GAP_BOUND = Math.fround((0.15 - GAP_DEAD_ZONE) / GAP_SATURATION);

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
  high[GEOMETRY.strokes] = Math.max(high[GEOMETRY.strokes] ?? 0, MIN_STROKES_BOUND);
  high[GEOMETRY.gap] = Math.max(high[GEOMETRY.gap] ?? 0, MIN_GAP_BOUND);
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
