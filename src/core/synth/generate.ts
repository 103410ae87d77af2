/**
 * Canvas-style synthetic digits drawn from the templates: each sample picks a style, jitters its
 * control points, bends it with a random similarity and a small affine map, sometimes adds a
 * slow hand tremor, and lays it on the canvas at a random size and place, sampled every few
 * pixels like pointer events.
 */
import { createRng, normal, shuffleInPlace } from '../random.js';
import type { Drawing, LabelledDrawing, Point, Rng, Stroke } from '../types.js';
import { checkInteger, checkInterval, checkNumber, uniform } from './check.js';
import { placeOnCanvas, polylineLength, resampleByArcLength, roundStrokes } from './geometry.js';
import {
  type ControlPoint,
  type DigitTemplate,
  sampleTemplateStroke,
  TEMPLATES,
} from './templates.js';

/** How a template is bent and placed; every field has a default. */
export interface TemplateStyleOptions {
  /** Side of the square canvas in pixels. Default 280. */
  canvas?: number;
  /** Brush diameter range in canvas pixels, drawn uniformly. Default [14, 22]. */
  brushWidth?: readonly [number, number];
  /** Digit height as a fraction of the canvas, drawn uniformly. Default [0.5, 0.85]. */
  height?: readonly [number, number];
  /** Standard deviation of the per-control-point noise, in digit heights. Default 0.025. */
  jitter?: number;
  /** Largest rotation in degrees (normal with sd max/2, clipped). Default 15. */
  maxRotation?: number;
  /** Largest shear (x += shear·(centre − y)); slant is normal around 0.05, sd max/2. Default 0.3. */
  maxShear?: number;
  /** Range of the width-to-height stretch, drawn log-uniformly. Default [0.8, 1.25]. */
  aspect?: readonly [number, number];
  /** Probability that a drawing gets a slow tremor along its strokes. Default 0.35. */
  wobble?: number;
  /** Distance between consecutive points in canvas pixels, per drawing. Default [3, 6]. */
  spacing?: readonly [number, number];
}

/** Options of {@link generateTemplateDrawings}. */
export interface TemplateDrawingOptions extends TemplateStyleOptions {
  /** Number of drawings. */
  count: number;
  /** Seed of the random stream: the same seed gives the same drawings. */
  seed: number;
  /** Only these styles (names from `TEMPLATES`); the digits they cover are balanced. */
  styles?: readonly string[];
  /** Only these digits. Default all ten (or those of `styles`). */
  digits?: readonly number[];
  /** Group of every drawing, for group-aware cross-validation. Default `synthetic-template`. */
  group?: string;
}

/** The `group` given to template drawings unless told otherwise. */
export const TEMPLATE_GROUP = 'synthetic-template';

/**
 * `count` labels cycling through `digits` and shuffled, so every digit appears
 * ⌊count/k⌋ or ⌈count/k⌉ times.
 */
export function balancedLabels(count: number, digits: readonly number[], rng: Rng): number[] {
  checkInteger('count', count);
  if (digits.length === 0) throw new RangeError('digits must not be empty');
  // Which digits get the remainder must be random too: cycle through a shuffled order.
  const order = shuffleInPlace([...digits], rng) as number[];
  const labels = Array.from({ length: count }, (_, i) => order[i % order.length]);
  return shuffleInPlace(labels, rng) as number[];
}

/** Picks one of `templates` with probability proportional to its weight. */
export function pickTemplate(templates: readonly DigitTemplate[], rng: Rng): DigitTemplate {
  let total = 0;
  for (const t of templates) total += t.weight;
  let r = rng() * total;
  for (const t of templates) {
    r -= t.weight;
    if (r < 0) return t;
  }
  return templates[templates.length - 1];
}

interface Resolved {
  canvas: number;
  brushWidth: readonly [number, number];
  height: readonly [number, number];
  jitter: number;
  maxRotation: number;
  maxShear: number;
  aspect: readonly [number, number];
  wobble: number;
  spacing: readonly [number, number];
}

function resolve(o: TemplateStyleOptions): Resolved {
  const canvas = checkNumber('canvas', o.canvas ?? 280, 8, 1e5);
  return {
    canvas,
    brushWidth: checkInterval('brushWidth', o.brushWidth ?? [14, 22], 0.1, canvas / 4),
    height: checkInterval('height', o.height ?? [0.5, 0.85], 0.05, 1),
    jitter: checkNumber('jitter', o.jitter ?? 0.025, 0, 0.2),
    maxRotation: checkNumber('maxRotation', o.maxRotation ?? 15, 0, 90),
    maxShear: checkNumber('maxShear', o.maxShear ?? 0.3, 0, 1),
    aspect: checkInterval('aspect', o.aspect ?? [0.8, 1.25], 0.1, 10),
    wobble: checkNumber('wobble', o.wobble ?? 0.35, 0, 1),
    spacing: checkInterval('spacing', o.spacing ?? [3, 6], 0.1, canvas),
  };
}

function clippedNormal(rng: Rng, mean: number, sd: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, mean + sd * normal(rng)));
}

/** Trims a closed loop short of its start (a gap) or carries it on past it (an overlap). */
function closeLoop(loop: Point[], closure: number): Point[] {
  const length = polylineLength(loop);
  if (closure < 0) {
    const keep = length * (1 + closure);
    const out: Point[] = [loop[0]];
    let walked = 0;
    for (let i = 1; i < loop.length && walked < keep; i++) {
      walked += Math.hypot(loop[i].x - loop[i - 1].x, loop[i].y - loop[i - 1].y);
      out.push(loop[i]);
    }
    return out;
  }
  const extra: Point[] = [];
  let walked = 0;
  for (let i = 1; i < loop.length && walked < closure * length; i++) {
    walked += Math.hypot(loop[i].x - loop[i - 1].x, loop[i].y - loop[i - 1].y);
    extra.push(loop[i]);
  }
  return loop.concat(extra);
}

/** Adds a slow two-axis sinusoidal tremor along the stroke's arc length (unit-box units). */
function addWobble(stroke: Point[], rng: Rng): Point[] {
  const amp = 0.005 + 0.01 * rng();
  const waves = [0, 1].map(() => ({
    lx: 0.25 + 0.45 * rng(),
    ly: 0.25 + 0.45 * rng(),
    px: 2 * Math.PI * rng(),
    py: 2 * Math.PI * rng(),
  }));
  let s = 0;
  return stroke.map((p, i) => {
    if (i > 0) s += Math.hypot(p.x - stroke[i - 1].x, p.y - stroke[i - 1].y);
    let dx = 0;
    let dy = 0;
    for (const w of waves) {
      dx += Math.sin((2 * Math.PI * s) / w.lx + w.px);
      dy += Math.sin((2 * Math.PI * s) / w.ly + w.py);
    }
    return { x: p.x + (amp * dx) / 2, y: p.y + (amp * dy) / 2 };
  });
}

/**
 * Draws one template as a person might on a canvas, with defaults filled in from `options`.
 * Consumes randomness only from `rng`.
 */
export function drawTemplate(
  template: DigitTemplate,
  rng: Rng,
  options: TemplateStyleOptions = {},
): Drawing {
  return drawResolved(template, rng, resolve(options));
}

function drawResolved(template: DigitTemplate, rng: Rng, o: Resolved): Drawing {
  // 1. Control-point jitter, plus a small shift per stroke (a bar or flag lands a bit off).
  let strokes: Point[][] = template.strokes.map((ts) => {
    const sx = o.jitter * normal(rng);
    const sy = o.jitter * normal(rng);
    const dense = sampleTemplateStroke({
      closed: ts.closed,
      points: ts.points.map(([x, y, corner]): ControlPoint => {
        const jx = x + sx + o.jitter * normal(rng);
        const jy = y + sy + o.jitter * normal(rng);
        return corner ? [jx, jy, true] : [jx, jy];
      }),
    });
    return ts.closed ? closeLoop(dense, -0.05 + 0.2 * rng()) : dense;
  });
  // 2. A slow tremor, sometimes.
  if (rng() < o.wobble) strokes = strokes.map((s) => addWobble(s, rng));
  // 3. Stretch, slant and rotation about the box centre (y = ½).
  const stretch = Math.exp(uniform(rng, [Math.log(o.aspect[0]), Math.log(o.aspect[1])]));
  const shear = clippedNormal(rng, 0.05, o.maxShear / 2, o.maxShear);
  const angle = (clippedNormal(rng, 0, o.maxRotation / 2, o.maxRotation) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  strokes = strokes.map((s) =>
    s.map((p) => {
      const x = p.x * stretch + shear * (0.5 - p.y);
      const y = p.y - 0.5;
      return { x: x * cos - y * sin, y: x * sin + y * cos };
    }),
  );
  // 4. Size, brush and place on the canvas, then sample like pointer events.
  const brushWidth = Math.round(uniform(rng, o.brushWidth) * 100) / 100;
  const targetHeight = uniform(rng, o.height) * o.canvas;
  const placed = placeOnCanvas(strokes, o.canvas, targetHeight, brushWidth, rng);
  const base = uniform(rng, o.spacing);
  const sampled: Stroke[] = placed.map((s) =>
    resampleByArcLength(s, () => base * (0.8 + 0.4 * rng())),
  );
  return { strokes: roundStrokes(sampled), width: o.canvas, height: o.canvas, brushWidth };
}

/**
 * Generates `count` labelled template drawings, digits balanced, reproducibly from `seed`.
 * Ids are `synthetic-template/<seed>/<index>/<style>`.
 */
export function generateTemplateDrawings(options: TemplateDrawingOptions): LabelledDrawing[] {
  const count = checkInteger('count', options.count);
  const rng = createRng(options.seed);
  const o = resolve(options);
  let pool = TEMPLATES;
  if (options.styles !== undefined) {
    const known = new Set(TEMPLATES.map((t) => t.style));
    for (const s of options.styles) {
      if (!known.has(s)) throw new RangeError(`styles: unknown style ${JSON.stringify(s)}`);
    }
    const wanted = new Set(options.styles);
    pool = TEMPLATES.filter((t) => wanted.has(t.style));
  }
  if (options.digits !== undefined) {
    for (const d of options.digits) {
      if (!Number.isInteger(d) || d < 0 || d > 9) {
        throw new RangeError(`digits must hold integers 0–9, got ${d}`);
      }
    }
    const wanted = new Set(options.digits);
    pool = pool.filter((t) => wanted.has(t.digit));
  }
  const digits = [...new Set(pool.map((t) => t.digit))].sort((a, b) => a - b);
  if (digits.length === 0) {
    throw new RangeError('styles and digits leave no template to draw from');
  }
  const byDigit = digits.map((d) => pool.filter((t) => t.digit === d));
  const labels = balancedLabels(count, digits, rng);
  const group = options.group ?? TEMPLATE_GROUP;
  return labels.map((label, i) => {
    const template = pickTemplate(byDigit[digits.indexOf(label)], rng);
    return {
      id: `${group}/${options.seed}/${i}/${template.style}`,
      label,
      group,
      drawing: drawResolved(template, rng, o),
    };
  });
}
