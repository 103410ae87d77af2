/**
 * MNIST digits re-stroked: a 28×28 grayscale digit is thinned to its skeleton, traced into
 * pen paths, smoothed and redrawn on a canvas with a canvas brush, so the model sees MNIST's
 * thousands of writers' shapes in the canvas's thin, even ink.
 */
import { checkTypedArray } from '../check.js';
import { createRng } from '../random.js';
import type { LabelledDrawing, Point, Stroke } from '../types.js';
import { checkInteger, checkInterval, checkNumber, uniform } from './check.js';
import {
  boundingBox,
  catmullRom,
  placeOnCanvas,
  resampleByArcLength,
  roundStrokes,
  simplify,
} from './geometry.js';
import { skeletonize, upscale } from './skeleton.js';
import { type TraceOptions, traceSkeleton } from './trace.js';

/** Options of {@link traceImage}. */
export interface TraceImageOptions {
  /** Ink level (0–255 scale) at or above which a pixel is part of the digit. Default 110. */
  level?: number;
  /** Integer factor the image is enlarged by (bilinear) before thinning. Default 2. */
  upscale?: number;
  /** Half-width in enlarged pixels of the moving average that smooths traced paths. Default 2. */
  smoothing?: number;
  /** Tolerance in image pixels of the path simplification. Default 0.3. */
  epsilon?: number;
  /** Spur and junction handling, in enlarged pixels. Default spurs < 2.5 image pixels go. */
  trace?: TraceOptions;
}

/** Moving average over `2r + 1` points; ends stay put, a closed path wraps around. */
function smoothPath(pts: Point[], r: number): Point[] {
  const n = pts.length;
  const closed = n > 2 && pts[0].x === pts[n - 1].x && pts[0].y === pts[n - 1].y;
  if (r === 0 || n < 3) return pts;
  if (closed) {
    const ring = pts.slice(0, n - 1);
    const m = ring.length;
    const out = ring.map((_, i) => {
      let sx = 0;
      let sy = 0;
      for (let k = -r; k <= r; k++) {
        const q = ring[(((i + k) % m) + m) % m];
        sx += q.x;
        sy += q.y;
      }
      return { x: sx / (2 * r + 1), y: sy / (2 * r + 1) };
    });
    out.push({ ...out[0] });
    return out;
  }
  return pts.map((_, i) => {
    // The window narrows towards the ends so that the ends do not move.
    const w = Math.min(r, i, n - 1 - i);
    let sx = 0;
    let sy = 0;
    for (let k = -w; k <= w; k++) {
      sx += pts[i + k].x;
      sy += pts[i + k].y;
    }
    return { x: sx / (2 * w + 1), y: sy / (2 * w + 1) };
  });
}

/**
 * Traces the pen paths of a grayscale digit (`width × height`, ink high, 0–255 scale): enlarge,
 * threshold, thin, trace, smooth and simplify. Returns polylines in image coordinates (pixel
 * (i, j) spans [i, i+1] × [j, j+1]); a closed path ends on its first point. Empty for a blank
 * image.
 */
export function traceImage(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  options: TraceImageOptions = {},
): Point[][] {
  const f = checkInteger('upscale', options.upscale ?? 2, 1);
  const r = checkInteger('smoothing', options.smoothing ?? 2, 0);
  const epsilon = checkNumber('epsilon', options.epsilon ?? 0.3, 0, 100);
  const big = f === 1 ? pixels : upscale(pixels, width, height, f);
  const skeleton = skeletonize(big, width * f, height * f, { level: options.level ?? 110 });
  const paths = traceSkeleton(skeleton, width * f, height * f, {
    minSpur: 2.5 * f,
    minLength: 2 * f,
    ...options.trace,
  });
  return paths.map((path) =>
    simplify(
      smoothPath(path, r).map((p) => ({ x: (p.x + 0.5) / f, y: (p.y + 0.5) / f })),
      epsilon,
    ),
  );
}

/** Options of {@link restrokeImage}. */
export interface RestrokeOptions extends TraceImageOptions {
  /** Seed of the random size, place, brush and sampling. */
  seed: number;
  /** Side of the square canvas in pixels. Default 280. */
  canvas?: number;
  /** Brush diameter range in canvas pixels, drawn uniformly. Default [14, 22]. */
  brushWidth?: readonly [number, number];
  /** Digit height as a fraction of the canvas, drawn uniformly. Default [0.5, 0.85]. */
  height?: readonly [number, number];
  /** Distance between consecutive points in canvas pixels, per drawing. Default [3, 6]. */
  spacing?: readonly [number, number];
  /** Id of the drawing. Default `synthetic-mnist/<seed>`. */
  id?: string;
  /** Group of the drawing. Default `synthetic-mnist`. */
  group?: string;
}

/** The `group` given to re-stroked MNIST digits unless told otherwise. */
export const RESTROKED_GROUP = 'synthetic-mnist';

/** Side of an MNIST image. */
export const MNIST_SIDE = 28;

/**
 * Re-strokes one 28×28 MNIST digit (bytes, ink high) as a canvas drawing with label `label`.
 * Returns `null` when the skeleton is degenerate (blank, or smaller than 3 pixels across).
 */
export function restrokeImage(
  pixels: Uint8Array,
  label: number,
  options: RestrokeOptions,
): LabelledDrawing | null {
  checkTypedArray('pixels', pixels, Uint8Array);
  if (pixels.length !== MNIST_SIDE * MNIST_SIDE) {
    throw new RangeError(`pixels must hold 28 × 28 = 784 bytes, got ${pixels.length}`);
  }
  checkNumber('label', label, 0, 9);
  checkInteger('label', label);
  const rng = createRng(options.seed);
  const canvas = checkNumber('canvas', options.canvas ?? 280, 8, 1e5);
  const brushRange = checkInterval('brushWidth', options.brushWidth ?? [14, 22], 0.1, canvas / 4);
  const heightRange = checkInterval('height', options.height ?? [0.5, 0.85], 0.05, 1);
  const spacingRange = checkInterval('spacing', options.spacing ?? [3, 6], 0.1, canvas);

  const paths = traceImage(pixels, MNIST_SIDE, MNIST_SIDE, options).filter((p) => p.length > 0);
  const box = boundingBox(paths);
  if (box === null || Math.max(box.maxX - box.minX, box.maxY - box.minY) < 3) return null;
  // Smooth curves through the simplified paths, dense in image pixels.
  const curves = paths.map((p) => {
    const n = p.length;
    const closed = n > 3 && p[0].x === p[n - 1].x && p[0].y === p[n - 1].y;
    if (!closed) return catmullRom(p, { step: 0.1 });
    return catmullRom(p.slice(0, n - 1), { closed: true, step: 0.1 });
  });
  const brushWidth = Math.round(uniform(rng, brushRange) * 100) / 100;
  const placed = placeOnCanvas(curves, canvas, uniform(rng, heightRange) * canvas, brushWidth, rng);
  const base = uniform(rng, spacingRange);
  const strokes: Stroke[] = placed.map((s) =>
    resampleByArcLength(s, () => base * (0.8 + 0.4 * rng())),
  );
  return {
    id: options.id ?? `${RESTROKED_GROUP}/${options.seed}`,
    label,
    group: options.group ?? RESTROKED_GROUP,
    drawing: { strokes: roundStrokes(strokes), width: canvas, height: canvas, brushWidth },
  };
}
