/**
 * Digit templates: the common ways people draw each digit on a canvas, as strokes through
 * control points in a unit box (y down, the digit 1 unit tall, x from 0 to about 0.7). Curves
 * are Catmull-Rom splines through the points; a corner breaks the spline. Written by hand from
 * how digits are taught and drawn, not fitted to any data set; four styles were added after
 * looking at misread pen drawings of writers 1–15 (docs/experiments.md, section D), and later
 * ones after looking at the development writers' misread drawings (never the confirmation
 * writers', see `data/writers.ts`).
 */
import type { Point } from '../types.js';
import { catmullRom } from './geometry.js';

/** A control point `[x, y]`, or `[x, y, true]` where the stroke turns a sharp corner. */
export type ControlPoint = readonly [number, number] | readonly [number, number, true];

/** One pen-down … pen-up path of a template. */
export interface TemplateStroke {
  /** Control points in drawing order. */
  points: readonly ControlPoint[];
  /** The path returns to its first point (a loop, e.g. a 0); corners are ignored. */
  closed?: boolean;
}

/** One style of one digit. */
export interface DigitTemplate {
  digit: number;
  /** Unique name, `<digit>-<description>`, e.g. `7-bar`. */
  style: string;
  /** Relative frequency among the digit's styles. */
  weight: number;
  strokes: readonly TemplateStroke[];
}

/**
 * Control points of an ellipse centred at (`cx`, `cy`) with radii `rx`, `ry`, tilted by
 * `tiltDeg` (positive leans the top to the right), starting at the top and going
 * counter-clockwise on screen, as most people draw a 0. `n` points.
 */
export function ellipsePoints(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  tiltDeg = 0,
  n = 8,
): ControlPoint[] {
  const tilt = (tiltDeg * Math.PI) / 180;
  const out: ControlPoint[] = [];
  for (let i = 0; i < n; i++) {
    // Angle from the top (−90°), decreasing: up, left, down, right on a y-down screen.
    const a = -Math.PI / 2 - (2 * Math.PI * i) / n;
    const x = rx * Math.cos(a);
    const y = ry * Math.sin(a);
    // Rotating by −tilt on a y-down screen leans the top to the right.
    out.push([
      round3(cx + x * Math.cos(tilt) - y * Math.sin(tilt)),
      round3(cy + x * Math.sin(tilt) + y * Math.cos(tilt)),
    ]);
  }
  return out;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

const C = true;

/** Every template, grouped by digit in order 0–9. */
// biome-ignore format: control-point tables read best one template per line
export const TEMPLATES: readonly DigitTemplate[] = [
  // 0: an upright ellipse, a slanted oval, a rounder circle-like 0.
  { digit: 0, style: '0-ellipse', weight: 3, strokes: [{ closed: true, points: ellipsePoints(0.3, 0.5, 0.3, 0.5) }] },
  { digit: 0, style: '0-slanted', weight: 2, strokes: [{ closed: true, points: ellipsePoints(0.32, 0.5, 0.26, 0.52, 18) }] },
  { digit: 0, style: '0-round', weight: 1, strokes: [{ closed: true, points: ellipsePoints(0.42, 0.5, 0.42, 0.5) }] },
  // 1: a bare stick; with a flag; with a flag and a base; with a long flag from the middle; with a
  // flag half as wide as the digit is tall.
  { digit: 1, style: '1-stick', weight: 3, strokes: [{ points: [[0, 0], [0, 1]] }] },
  { digit: 1, style: '1-flag', weight: 3, strokes: [{ points: [[-0.16, 0.26], [0.05, 0, C], [0.05, 1]] }] },
  {
    digit: 1,
    style: '1-flag-base',
    weight: 1,
    strokes: [{ points: [[-0.17, 0.2], [0.05, 0, C], [0.05, 1]] }, { points: [[-0.17, 1], [0.27, 1]] }],
  },
  { digit: 1, style: '1-long-flag', weight: 2, strokes: [{ points: [[-0.22, 0.42], [0.08, 0, C], [0.06, 1]] }] },
  { digit: 1, style: '1-flag-foot', weight: 3, strokes: [{ points: [[-0.2, 0.36], [0.05, 0, C], [0.05, 1, C], [0.32, 1]] }] },
  { digit: 1, style: '1-very-long-flag', weight: 2, strokes: [{ points: [[0, 0.46], [0.52, 0, C], [0.44, 1]] }] },
  // 2: a corner and a flat base; a smooth curved base; a small loop at the bottom.
  {
    digit: 2,
    style: '2-flat-base',
    weight: 3,
    strokes: [{ points: [[0.03, 0.24], [0.2, 0.03], [0.42, 0.01], [0.58, 0.16], [0.55, 0.37], [0.3, 0.67], [0, 1, C], [0.66, 0.98]] }],
  },
  {
    digit: 2,
    style: '2-curved-base',
    weight: 2,
    strokes: [{ points: [[0.04, 0.2], [0.25, 0.01], [0.5, 0.06], [0.56, 0.3], [0.36, 0.6], [0.12, 0.85], [0.05, 0.98], [0.3, 0.93], [0.66, 1]] }],
  },
  {
    digit: 2,
    style: '2-loop',
    weight: 2,
    strokes: [{ points: [[0.03, 0.22], [0.22, 0.02], [0.46, 0.03], [0.58, 0.22], [0.5, 0.44], [0.3, 0.7], [0.18, 0.9], [0.1, 0.98], [0.01, 0.92], [0.02, 0.8], [0.14, 0.74], [0.28, 0.84], [0.38, 0.96], [0.66, 0.98]] }],
  },
  // 3: round top with a cusp in the middle; flat top with a diagonal; round top, smooth middle.
  {
    digit: 3,
    style: '3-round-top',
    weight: 3,
    strokes: [{ points: [[0.04, 0.14], [0.28, 0], [0.52, 0.08], [0.54, 0.28], [0.36, 0.43], [0.2, 0.47, C], [0.46, 0.56], [0.6, 0.76], [0.46, 0.96], [0.2, 1], [0, 0.88]] }],
  },
  {
    digit: 3,
    style: '3-flat-top',
    weight: 2,
    strokes: [{ points: [[0.02, 0.02], [0.58, 0, C], [0.22, 0.42, C], [0.46, 0.48], [0.62, 0.7], [0.52, 0.93], [0.26, 1], [0, 0.9]] }],
  },
  {
    digit: 3,
    style: '3-smooth-middle',
    weight: 1,
    strokes: [{ points: [[0, 0.1], [0.3, 0], [0.55, 0.12], [0.48, 0.36], [0.22, 0.48], [0.48, 0.6], [0.58, 0.82], [0.38, 1], [0.1, 0.96]] }],
  },
  // 4: open top (two strokes); closed triangle top; a "u" with a stem; an arm curving into the
  // bar; a tall arm with a low bar and a short stem, as two strokes and as one; one stroke up and
  // back.
  {
    digit: 4,
    style: '4-open',
    weight: 3,
    strokes: [{ points: [[0.3, 0], [0, 0.64, C], [0.68, 0.64]] }, { points: [[0.5, 0.2], [0.5, 1]] }],
  },
  {
    digit: 4,
    style: '4-closed',
    weight: 2,
    strokes: [{ points: [[0.48, 0], [0, 0.66, C], [0.68, 0.66]] }, { points: [[0.48, 0], [0.48, 1]] }],
  },
  {
    digit: 4,
    style: '4-u',
    weight: 2,
    strokes: [{ points: [[0.04, 0], [0.02, 0.58, C], [0.64, 0.58]] }, { points: [[0.5, 0.04], [0.5, 1]] }],
  },
  {
    digit: 4,
    style: '4-curved',
    weight: 1,
    strokes: [{ points: [[0.12, 0], [0.03, 0.36], [0.1, 0.58], [0.36, 0.62], [0.68, 0.58]] }, { points: [[0.5, 0.06], [0.5, 1]] }],
  },
  {
    digit: 4,
    style: '4-long-arm',
    weight: 3,
    strokes: [{ points: [[0.5, 0], [0.06, 0.74, C], [0.6, 0.76]] }, { points: [[0.5, 0.42], [0.5, 1]] }],
  },
  {
    digit: 4,
    style: '4-long-arm-one-stroke',
    weight: 2,
    strokes: [{ points: [[0.46, 0], [0.08, 0.66], [0.12, 0.78], [0.34, 0.76], [0.5, 0.62, C], [0.52, 0.44, C], [0.44, 1]] }],
  },
  {
    digit: 4,
    style: '4-one-stroke',
    weight: 1,
    strokes: [{ points: [[0.06, 0], [0.02, 0.56, C], [0.48, 0.58, C], [0.52, 0.04, C], [0.5, 1]] }],
  },
  // 5: stem and belly then the flag (two strokes); all in one stroke; a rounder, lower belly.
  {
    digit: 5,
    style: '5-two-strokes',
    weight: 3,
    strokes: [
      { points: [[0.1, 0.02], [0.06, 0.44, C], [0.3, 0.37], [0.54, 0.48], [0.6, 0.72], [0.44, 0.95], [0.16, 0.98], [0, 0.86]] },
      { points: [[0.1, 0.02], [0.6, 0]] },
    ],
  },
  {
    digit: 5,
    style: '5-slanted-stem',
    weight: 2,
    strokes: [
      { points: [[0.26, 0.04], [0.1, 0.42, C], [0.32, 0.38], [0.52, 0.5], [0.56, 0.72], [0.42, 0.94], [0.16, 0.98], [0, 0.88]] },
      { points: [[0.02, 0.05], [0.36, 0], [0.7, 0.02]] },
    ],
  },
  {
    digit: 5,
    style: '5-one-stroke',
    weight: 2,
    strokes: [{ points: [[0.6, 0], [0.1, 0.02, C], [0.05, 0.44, C], [0.3, 0.37], [0.55, 0.5], [0.58, 0.76], [0.4, 0.96], [0.14, 0.98], [0, 0.86]] }],
  },
  {
    digit: 5,
    style: '5-round-belly',
    weight: 1,
    strokes: [
      { points: [[0.14, 0.01], [0.08, 0.38, C], [0.34, 0.36], [0.58, 0.52], [0.58, 0.8], [0.36, 1], [0.08, 0.94]] },
      { points: [[0.14, 0.01], [0.56, 0.03]] },
    ],
  },
  // 6: a curved back and a round loop; a straight back; a long back and a small loop.
  {
    digit: 6,
    style: '6-curved',
    weight: 3,
    strokes: [{ points: [[0.5, 0.02], [0.22, 0.18], [0.04, 0.52], [0.1, 0.88], [0.3, 1], [0.5, 0.9], [0.55, 0.68], [0.36, 0.54], [0.14, 0.6], [0.05, 0.74]] }],
  },
  {
    digit: 6,
    style: '6-straight-back',
    weight: 2,
    strokes: [{ points: [[0.44, 0], [0.04, 0.72], [0.12, 0.94], [0.32, 1], [0.5, 0.86], [0.48, 0.64], [0.28, 0.56], [0.08, 0.68]] }],
  },
  {
    digit: 6,
    style: '6-small-loop',
    weight: 1,
    strokes: [{ points: [[0.5, 0], [0.2, 0.22], [0.06, 0.6], [0.14, 0.92], [0.3, 1], [0.46, 0.92], [0.46, 0.74], [0.28, 0.68], [0.1, 0.78]] }],
  },
  {
    digit: 6,
    style: '6-long-stem-small-loop',
    weight: 1,
    strokes: [{ points: [[0.48, 0], [0.3, 0.3], [0.12, 0.66], [0.06, 0.88], [0.16, 1], [0.32, 0.96], [0.36, 0.82], [0.22, 0.74], [0.06, 0.82]] }],
  },
  // 7: plain; crossed; curved foot; a wavy (curly) top; crossed with a curly top; an arched top
  // crossed low by a long bar; a top serif.
  { digit: 7, style: '7-plain', weight: 3, strokes: [{ points: [[0, 0.03], [0.62, 0, C], [0.24, 1]] }] },
  {
    digit: 7,
    style: '7-bar',
    weight: 2,
    strokes: [{ points: [[0, 0.03], [0.62, 0, C], [0.24, 1]] }, { points: [[0.16, 0.52], [0.58, 0.5]] }],
  },
  {
    digit: 7,
    style: '7-curved-foot',
    weight: 2,
    strokes: [{ points: [[0, 0.02], [0.62, 0, C], [0.46, 0.3], [0.32, 0.64], [0.28, 1]] }],
  },
  {
    digit: 7,
    style: '7-curly-top',
    weight: 2,
    strokes: [{ points: [[0.02, 0.16], [0.08, 0.03], [0.22, 0], [0.38, 0.08], [0.52, 0.07], [0.64, 0, C], [0.42, 0.46], [0.26, 1]] }],
  },
  {
    digit: 7,
    style: '7-bar-curly',
    weight: 1,
    strokes: [
      { points: [[0, 0.1], [0.14, 0.01], [0.34, 0.07], [0.62, 0, C], [0.44, 0.4], [0.3, 1]] },
      { points: [[0.2, 0.5], [0.6, 0.47]] },
    ],
  },
  {
    digit: 7,
    style: '7-arch-low-bar',
    weight: 5,
    strokes: [
      { points: [[0.02, 0.22], [0.1, 0.05], [0.32, 0], [0.54, 0.04], [0.62, 0.16], [0.52, 0.42], [0.4, 0.7], [0.3, 1]] },
      { points: [[0.02, 0.64], [0.72, 0.6]] },
    ],
  },
  {
    digit: 7,
    style: '7-serif',
    weight: 1,
    strokes: [{ points: [[0.02, 0.16], [0.01, 0, C], [0.62, 0.02, C], [0.46, 0.36], [0.3, 1]] }],
  },
  // 8: one stroke crossing itself; two stacked circles; an S then a straight line back up.
  {
    digit: 8,
    style: '8-one-stroke',
    weight: 3,
    strokes: [{ closed: true, points: [[0.54, 0.1], [0.3, 0], [0.06, 0.12], [0.1, 0.34], [0.32, 0.5], [0.56, 0.68], [0.54, 0.92], [0.3, 1], [0.04, 0.9], [0.06, 0.68], [0.32, 0.5], [0.5, 0.32]] }],
  },
  {
    digit: 8,
    style: '8-two-circles',
    weight: 1,
    strokes: [{ closed: true, points: ellipsePoints(0.3, 0.24, 0.22, 0.24, 0, 6) }, { closed: true, points: ellipsePoints(0.3, 0.74, 0.3, 0.26, 0, 6) }],
  },
  {
    digit: 8,
    style: '8-s-and-line',
    weight: 1,
    strokes: [{ points: [[0.54, 0.1], [0.3, 0], [0.06, 0.14], [0.14, 0.36], [0.44, 0.58], [0.56, 0.84], [0.32, 1], [0.06, 0.9], [0.1, 0.66, C], [0.52, 0.16]] }],
  },
  {
    digit: 8,
    style: '8-open-top',
    weight: 2,
    strokes: [{ points: [[0.08, 0.38], [0.06, 0.2], [0.22, 0.04], [0.44, 0], [0.56, 0.08], [0.54, 0.26], [0.36, 0.56], [0.2, 0.84], [0.16, 0.98], [0.26, 1], [0.46, 0.9], [0.54, 0.74], [0.46, 0.6], [0.26, 0.44], [0, 0.36]] }],
  },
  // 9: loop then a straight stem in one stroke; curved tail; tail hooking left; loop and
  // stem as two strokes; a stem slanting left like a g; a small loop on a long stem ending in a
  // wide J hook. The last style, the arched 7, the long-armed 4s and the widest-flagged 1 were
  // added after the pen drawings' commonest misreadings (docs/experiments.md, section D).
  {
    digit: 9,
    style: '9-straight',
    weight: 3,
    strokes: [{ points: [[0.56, 0.12], [0.3, 0], [0.04, 0.12], [0.04, 0.34], [0.28, 0.46], [0.54, 0.34], [0.58, 0.1, C], [0.56, 1]] }],
  },
  {
    digit: 9,
    style: '9-curved-tail',
    weight: 2,
    strokes: [{ points: [[0.56, 0.12], [0.3, 0], [0.04, 0.12], [0.04, 0.34], [0.28, 0.46], [0.54, 0.34], [0.58, 0.1, C], [0.56, 0.6], [0.46, 0.88], [0.3, 1]] }],
  },
  {
    digit: 9,
    style: '9-hook-left',
    weight: 3,
    strokes: [{ points: [[0.56, 0.12], [0.3, 0], [0.04, 0.12], [0.04, 0.34], [0.28, 0.44], [0.54, 0.32], [0.58, 0.1, C], [0.56, 0.7], [0.46, 0.94], [0.24, 1], [0.08, 0.9]] }],
  },
  {
    digit: 9,
    style: '9-two-strokes',
    weight: 2,
    strokes: [{ closed: true, points: ellipsePoints(0.3, 0.23, 0.28, 0.23, 0, 6) }, { points: [[0.58, 0.14], [0.56, 1]] }],
  },
  {
    digit: 9,
    style: '9-slanted-stem',
    weight: 1,
    strokes: [{ points: [[0.56, 0.14], [0.32, 0], [0.06, 0.12], [0.06, 0.34], [0.3, 0.46], [0.54, 0.34], [0.6, 0.1, C], [0.32, 1]] }],
  },
  {
    digit: 9,
    style: '9-j-hook',
    weight: 5,
    strokes: [{ points: [[0.56, 0.1], [0.32, 0], [0.1, 0.07], [0.08, 0.22], [0.28, 0.3], [0.5, 0.22], [0.58, 0.06, C], [0.6, 0.5], [0.58, 0.8], [0.48, 0.96], [0.26, 1], [0.02, 0.93]] }],
  },
  {
    digit: 9,
    style: '9-small-head-swash',
    weight: 2,
    strokes: [{ points: [[0.42, 0.04], [0.26, 0], [0.12, 0.06], [0.16, 0.17], [0.32, 0.17], [0.42, 0.08], [0.48, 0.36], [0.62, 0.64], [0.64, 0.86], [0.5, 0.97], [0.24, 1], [0.04, 0.97]] }],
  },
  {
    digit: 9,
    style: '9-small-head-swash-clockwise',
    weight: 1,
    strokes: [{ points: [[0.18, 0.06], [0.3, 0], [0.42, 0.04], [0.4, 0.14], [0.26, 0.16], [0.22, 0.08], [0.34, 0.24], [0.52, 0.44], [0.62, 0.68], [0.56, 0.9], [0.36, 1], [0.06, 1]] }],
  },
];

/** The style names of `digit`, in template order. */
export function templateStyles(digit: number): string[] {
  return TEMPLATES.filter((t) => t.digit === digit).map((t) => t.style);
}

/**
 * Samples one template stroke as a dense polyline in its own unit-box coordinates: each run of
 * control points between corners becomes a Catmull-Rom curve, `step` apart at most. A closed
 * stroke ends at its first point.
 */
export function sampleTemplateStroke(stroke: TemplateStroke, step = 0.005): Point[] {
  const pts = stroke.points.map(([x, y]) => ({ x, y }));
  if (stroke.closed) return catmullRom(pts, { closed: true, step });
  const out: Point[] = [];
  let start = 0;
  for (let i = 1; i < stroke.points.length; i++) {
    if (stroke.points[i][2] === true || i === stroke.points.length - 1) {
      const run = catmullRom(pts.slice(start, i + 1), { step });
      out.push(...(out.length > 0 ? run.slice(1) : run));
      start = i;
    }
  }
  return out.length > 0 ? out : pts;
}
