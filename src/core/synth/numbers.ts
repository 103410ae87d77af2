/**
 * Numbers composed from single-digit drawings, as a person writes them in one field: the digits
 * of one writer, each scaled to about the same height (±8%), set side by side with a gap of
 * about a fifth of that height — now and then touching or overlapping their neighbour — on a
 * slightly wavy baseline. Which strokes belong to which digit is kept, to score segmentation.
 */
import { normal } from '../random.js';
import { strokeBox, unionBox } from '../segment.js';
import type { Drawing, Rng, Stroke } from '../types.js';
import { drawTemplate } from './generate.js';
import { TEMPLATES } from './templates.js';

/** How digits are set into a number. Every field is optional; defaults apply with `??`. */
export interface ComposeOptions {
  /** Height of a digit on the number's canvas, in px. Default 96. */
  height?: number;
  /** Mean gap between neighbouring digits' boxes, in digit heights, and its spread. Default 0.22, 0.1. */
  gap?: number;
  gapSpread?: number;
  /** Probability a gap is an overlap instead (−0.02 to −0.15 of a height). Default 0.1. */
  overlap?: number;
  /** Margin around the digits, in px. Default 24. */
  margin?: number;
}

/** A composed number: its drawing, its digits and which strokes are which digit. */
export interface ComposedNumber {
  number: string;
  drawing: Drawing;
  /** For each digit, the indices of its strokes in `drawing.strokes`. */
  groups: number[][];
}

/**
 * Sets `digits` (drawings of one digit each, labels in `labels`) side by side into one number;
 * randomness only from `rng`. Timestamps, when the drawings have them, run on digit after digit
 * with a pause of 300–900 ms.
 */
export function composeNumber(
  digits: readonly Drawing[],
  labels: readonly number[],
  rng: Rng,
  options: ComposeOptions = {},
): ComposedNumber {
  if (digits.length === 0 || digits.length !== labels.length)
    throw new RangeError(
      `composeNumber needs one label per digit drawing and at least one, got ${digits.length} drawings and ${labels.length} labels`,
    );
  const height = options.height ?? 96;
  const gapMean = options.gap ?? 0.22;
  const gapSpread = options.gapSpread ?? 0.1;
  const overlap = options.overlap ?? 0.1;
  const margin = options.margin ?? 24;
  const strokes: Stroke[] = [];
  const groups: number[][] = [];
  let x = margin;
  let t = 0;
  let brush = 0;
  const baseline = margin + 0.1 * height;
  digits.forEach((d, i) => {
    const boxes = d.strokes.flatMap((s) => {
      const b = strokeBox(s);
      return b ? [b] : [];
    });
    if (boxes.length === 0) throw new RangeError(`digit drawing ${i} has no ink`);
    const box = unionBox(boxes);
    const h = height * (1 + 0.08 * Math.max(-1.5, Math.min(1.5, normal(rng))));
    const scale = h / Math.max(1, box.maxY - box.minY, (box.maxX - box.minX) / 1.2);
    brush += d.brushWidth * scale;
    if (i > 0) {
      const gap =
        rng() < overlap
          ? -(0.02 + 0.13 * rng())
          : Math.max(0.02, gapMean + gapSpread * Math.max(-2, Math.min(2, normal(rng))));
      x += gap * height;
    }
    const y0 =
      baseline + 0.05 * height * Math.max(-1.5, Math.min(1.5, normal(rng))) + (height - h) / 2;
    let tEnd = t;
    const first = strokes.length;
    let t0 = Infinity;
    for (const s of d.strokes) for (const p of s) if (p.t !== undefined && p.t < t0) t0 = p.t;
    for (const s of d.strokes) {
      if (s.length === 0) continue;
      strokes.push(
        s.map((p) => {
          const q: { x: number; y: number; t?: number } = {
            x: Math.round((x + (p.x - box.minX) * scale) * 100) / 100,
            y: Math.round((y0 + (p.y - box.minY) * scale) * 100) / 100,
          };
          if (p.t !== undefined) {
            q.t = t + (p.t - t0);
            tEnd = Math.max(tEnd, q.t);
          }
          return q;
        }),
      );
    }
    groups.push(Array.from({ length: strokes.length - first }, (_, k) => first + k));
    x += (box.maxX - box.minX) * scale;
    t = tEnd + 300 + 600 * rng();
  });
  const width = Math.min(1024, Math.max(64, Math.ceil(x + margin)));
  const canvasHeight = Math.ceil(height * 1.2 + 2 * margin + 0.2 * height);
  return {
    number: labels.join(''),
    drawing: {
      strokes,
      width,
      height: canvasHeight,
      brushWidth: Math.round((brush / digits.length) * 100) / 100,
    },
    groups,
  };
}

/**
 * A number written with the stroke templates (`templates.ts`): each digit drawn in its first
 * (most common) style, or `styles[i]` when given, then composed as `composeNumber` does.
 */
export function templateNumber(
  number: string,
  rng: Rng,
  options: ComposeOptions & { styles?: readonly string[] } = {},
): ComposedNumber {
  if (!/^[0-9]+$/.test(number))
    throw new RangeError(`number must be a string of digits, got ${JSON.stringify(number)}`);
  const labels = [...number].map(Number);
  const drawings = labels.map((d, i) => {
    const style = options.styles?.[i];
    const template =
      TEMPLATES.find((t) => (style !== undefined ? t.style === style : t.digit === d)) ??
      TEMPLATES.find((t) => t.digit === d);
    if (!template) throw new RangeError(`no template for digit ${d}`);
    return drawTemplate(template, rng);
  });
  return composeNumber(drawings, labels, rng, options);
}
