/**
 * Augmentation of drawn samples: a new brush, a small rotation, shear and scale, pointer
 * jitter, and resampling of the points — sparse like a tablet reporting every 100 ms (long
 * straight segments) or dense like a mouse (a point every few pixels). The label, group and
 * canvas are kept and the ink stays inside the canvas.
 */
import { normal } from '../random.js';
import type { Drawing, LabelledDrawing, Point, Rng, Stroke } from '../types.js';
import { checkInterval, checkNumber, uniform } from './check.js';
import { boundingBox, resampleByArcLength, roundStrokes } from './geometry.js';

/** Options of {@link augmentDrawing}; every field has a default. */
export interface AugmentOptions {
  /** New brush diameter range in canvas pixels, or `null` to keep the drawing's. Default [14, 22]. */
  brushWidth?: readonly [number, number] | null;
  /** Largest rotation in degrees, drawn uniformly in ±max. Default 8. */
  maxRotation?: number;
  /** Largest shear (x += shear·(centre − y)), drawn uniformly in ±max. Default 0.15. */
  maxShear?: number;
  /** Overall scale range, drawn log-uniformly. Default [0.85, 1.15]. */
  scale?: readonly [number, number];
  /** Range of the extra width-to-height stretch, drawn log-uniformly. Default [0.9, 1.1]. */
  aspect?: readonly [number, number];
  /** Standard deviation of the per-point jitter in canvas pixels. Default 0.6. */
  jitter?: number;
  /** Probability of resampling sparsely like a tablet. Default 0.3. */
  sparse?: number;
  /** Probability of resampling densely like a mouse. Default 0.4. The rest keep their points. */
  dense?: number;
  /** Tablet sampling period in milliseconds, used when every point has a time. Default 100. */
  sparseInterval?: number;
  /** Sparse point spacing range in canvas pixels, when times are missing. Default [8, 20]. */
  sparseSpacing?: readonly [number, number];
  /** Dense point spacing range in canvas pixels. Default [3, 6]. */
  denseSpacing?: readonly [number, number];
  /** Id of the result. Default `<id>/aug`. */
  id?: string;
}

/**
 * Resamples a timed stroke every `interval` milliseconds from its first point by linear
 * interpolation in time, keeping the last point; `t` is kept on the output.
 */
export function resampleByTime(stroke: readonly Point[], interval: number): Point[] {
  if (!(interval > 0)) throw new RangeError(`interval must be a positive number, got ${interval}`);
  if (stroke.length === 0) return [];
  const out: Point[] = [{ ...stroke[0] }];
  const t0 = stroke[0].t!;
  let next = t0 + interval;
  for (let i = 1; i < stroke.length; i++) {
    const a = stroke[i - 1];
    const b = stroke[i];
    const ta = a.t!;
    const tb = b.t!;
    while (tb > ta && next <= tb) {
      const u = (next - ta) / (tb - ta);
      out.push({ x: a.x + u * (b.x - a.x), y: a.y + u * (b.y - a.y), t: next });
      next += interval;
    }
  }
  const last = stroke[stroke.length - 1];
  const tail = out[out.length - 1];
  if (tail.x !== last.x || tail.y !== last.y) out.push({ ...last });
  return out;
}

/**
 * Scales the strokes about their box centre just enough that a brush of `brushWidth` fits on a
 * `width × height` canvas, then shifts them inside it. Strokes that already fit come back
 * unchanged.
 */
export function fitInside(
  strokes: readonly Stroke[],
  width: number,
  height: number,
  brushWidth: number,
): Stroke[] {
  const box = boundingBox(strokes);
  if (box === null) return strokes.map((s) => s.map((p) => ({ ...p })));
  const r = brushWidth / 2;
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  // A hair under the room, so that rounding to 0.01 px cannot push a point out.
  const roomX = Math.max(0, width - 2 * r - 0.02);
  const roomY = Math.max(0, height - 2 * r - 0.02);
  const k = Math.min(1, w > 0 ? roomX / w : 1, h > 0 ? roomY / h : 1);
  const halfW = (w * k) / 2;
  const halfH = (h * k) / 2;
  const ncx = Math.min(Math.max(cx, r + 0.01 + halfW), width - r - 0.01 - halfW);
  const ncy = Math.min(Math.max(cy, r + 0.01 + halfH), height - r - 0.01 - halfH);
  return strokes.map((s) =>
    s.map((p) => {
      const q: Point = { x: ncx + (p.x - cx) * k, y: ncy + (p.y - cy) * k };
      if (p.t !== undefined) q.t = p.t;
      return q;
    }),
  );
}

function logUniform(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return Math.exp(uniform(rng, [Math.log(lo), Math.log(hi)]));
}

/**
 * A randomly varied copy of a labelled drawing: see {@link AugmentOptions}. Keeps the label,
 * group, canvas and the number of strokes; consumes randomness only from `rng`.
 */
export function augmentDrawing(
  d: LabelledDrawing,
  rng: Rng,
  options: AugmentOptions = {},
): LabelledDrawing {
  const { width, height } = d.drawing;
  const brushRange =
    options.brushWidth === null
      ? null
      : checkInterval(
          'brushWidth',
          options.brushWidth ?? [14, 22],
          0.1,
          Math.min(width, height) / 2,
        );
  const maxRotation = checkNumber('maxRotation', options.maxRotation ?? 8, 0, 90);
  const maxShear = checkNumber('maxShear', options.maxShear ?? 0.15, 0, 1);
  const scaleRange = checkInterval('scale', options.scale ?? [0.85, 1.15], 0.05, 20);
  const aspectRange = checkInterval('aspect', options.aspect ?? [0.9, 1.1], 0.05, 20);
  const jitter = checkNumber('jitter', options.jitter ?? 0.6, 0, 100);
  const pSparse = checkNumber('sparse', options.sparse ?? 0.3, 0, 1);
  const pDense = checkNumber('dense', options.dense ?? 0.4, 0, 1 - pSparse);
  const interval = checkNumber('sparseInterval', options.sparseInterval ?? 100, 1, 1e5);
  const sparseSpacing = checkInterval('sparseSpacing', options.sparseSpacing ?? [8, 20], 0.1, 1e5);
  const denseSpacing = checkInterval('denseSpacing', options.denseSpacing ?? [3, 6], 0.1, 1e5);

  const brushWidth =
    brushRange === null ? d.drawing.brushWidth : Math.round(uniform(rng, brushRange) * 100) / 100;
  const angle = (uniform(rng, [-maxRotation, maxRotation]) * Math.PI) / 180;
  const shear = uniform(rng, [-maxShear, maxShear]);
  const scale = logUniform(rng, scaleRange);
  const stretch = logUniform(rng, aspectRange);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const box = boundingBox(d.drawing.strokes);
  const cx = box === null ? width / 2 : (box.minX + box.maxX) / 2;
  const cy = box === null ? height / 2 : (box.minY + box.maxY) / 2;
  // Shear, stretch and scale, then rotate, about the box centre.
  let strokes: Stroke[] = d.drawing.strokes.map((s) =>
    s.map((p) => {
      const y0 = p.y - cy;
      const x0 = (p.x - cx) * stretch - shear * y0;
      const x = x0 * scale;
      const y = y0 * scale;
      const q: Point = { x: cx + x * cos - y * sin, y: cy + x * sin + y * cos };
      if (p.t !== undefined) q.t = p.t;
      return q;
    }),
  );

  const mode = rng();
  if (mode < pSparse) {
    const timed = strokes.every((s) => s.every((p) => p.t !== undefined));
    const spacing = uniform(rng, sparseSpacing);
    strokes = strokes.map((s) =>
      timed
        ? resampleByTime(s, interval)
        : resampleByArcLength(s, () => spacing * (0.7 + 0.6 * rng())),
    );
  } else if (mode < pSparse + pDense) {
    const spacing = uniform(rng, denseSpacing);
    strokes = strokes.map((s) => resampleByArcLength(s, () => spacing * (0.8 + 0.4 * rng())));
  }
  if (jitter > 0) {
    strokes = strokes.map((s) =>
      s.map((p) => ({ ...p, x: p.x + jitter * normal(rng), y: p.y + jitter * normal(rng) })),
    );
  }
  const drawing: Drawing = {
    strokes: roundStrokes(fitInside(strokes, width, height, brushWidth)),
    width,
    height,
    brushWidth,
  };
  const out: LabelledDrawing = { id: options.id ?? `${d.id}/aug`, label: d.label, drawing };
  if (d.group !== undefined) out.group = d.group;
  return out;
}
