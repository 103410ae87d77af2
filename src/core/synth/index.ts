/**
 * Canvas-style synthetic training data: template drawings and re-stroked MNIST digits mixed in
 * a chosen proportion, labels balanced, reproducible from a seed.
 */
import { createRng, shuffleInPlace } from '../random.js';
import type { LabelledDrawing } from '../types.js';
import { augmentDrawing } from './augment.js';
import { checkInteger, checkNumber } from './check.js';
import { balancedLabels, drawTemplate, pickTemplate, TEMPLATE_GROUP } from './generate.js';
import { MNIST_SIDE, RESTROKED_GROUP, restrokeImage } from './restroke.js';
import { TEMPLATES } from './templates.js';

export type { AugmentOptions } from './augment.js';
export { augmentDrawing, fitInside, resampleByTime } from './augment.js';
export type { TemplateDrawingOptions, TemplateStyleOptions } from './generate.js';
export { drawTemplate, generateTemplateDrawings, TEMPLATE_GROUP } from './generate.js';
export type { RestrokeOptions, TraceImageOptions } from './restroke.js';
export { RESTROKED_GROUP, restrokeImage, traceImage } from './restroke.js';
export type { ControlPoint, DigitTemplate, TemplateStroke } from './templates.js';
export { TEMPLATES, templateStyles } from './templates.js';

/** MNIST-style images to re-stroke: `n` images of 28×28 bytes (ink high) and their labels. */
export interface MnistSource {
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** Options of {@link generateSynthetic}. */
export interface SyntheticOptions {
  /** Number of drawings. */
  count: number;
  /** Seed: the same seed and sources give the same drawings. */
  seed: number;
  /**
   * Relative weights of the sources. Default `{ templates: 1, restroked: 1 }` with `mnist`,
   * `{ templates: 1, restroked: 0 }` without.
   */
  mix?: { templates: number; restroked: number };
  /** Images to re-stroke; needed when `mix.restroked > 0`. */
  mnist?: MnistSource;
  /** Probability that a drawing is then augmented (resampled, brushed, bent). Default 0.5. */
  augment?: number;
  /** Side of the square canvas in pixels. Default 280. */
  canvas?: number;
  /** Brush diameter range in canvas pixels. Default [14, 22]. */
  brushWidth?: readonly [number, number];
  /** Digit height as a share of the canvas, drawn uniformly. Default [0.5, 0.85]. */
  height?: readonly [number, number];
}

/** Re-stroke attempts per drawing before giving up on degenerate images. */
const RESTROKE_ATTEMPTS = 20;

/**
 * Generates `count` synthetic canvas drawings: templates and re-stroked MNIST digits in the
 * proportions of `mix`, each digit ⌊count/10⌋ or ⌈count/10⌉ times and split between the
 * sources in the same proportions, in shuffled order. Groups are `synthetic-template` and
 * `synthetic-mnist`.
 */
export function generateSynthetic(options: SyntheticOptions): LabelledDrawing[] {
  const count = checkInteger('count', options.count);
  const mnist = options.mnist;
  const mix = options.mix ?? { templates: 1, restroked: mnist === undefined ? 0 : 1 };
  checkNumber('mix.templates', mix.templates, 0, Number.MAX_VALUE);
  checkNumber('mix.restroked', mix.restroked, 0, Number.MAX_VALUE);
  if (mix.templates + mix.restroked <= 0) {
    throw new RangeError(
      `mix must have a positive weight, got { templates: ${mix.templates}, restroked: ${mix.restroked} }`,
    );
  }
  const pAugment = checkNumber('augment', options.augment ?? 0.5, 0, 1);
  const canvas = options.canvas ?? 280;
  const brushWidth = options.brushWidth ?? [14, 22];
  const byLabel: number[][] = Array.from({ length: 10 }, () => []);
  if (mix.restroked > 0) {
    if (mnist === undefined) {
      throw new TypeError('mnist must be given when mix.restroked > 0, got undefined');
    }
    checkInteger('mnist.n', mnist.n);
    const size = MNIST_SIDE * MNIST_SIDE;
    if (mnist.pixels.length < mnist.n * size || mnist.labels.length < mnist.n) {
      throw new RangeError(
        `mnist must hold n = ${mnist.n} images of ${size} bytes and n labels, got ` +
          `${mnist.pixels.length} bytes and ${mnist.labels.length} labels`,
      );
    }
    for (let i = 0; i < mnist.n; i++) {
      const label = mnist.labels[i];
      if (label > 9) throw new RangeError(`mnist.labels[${i}] must be 0–9, got ${label}`);
      byLabel[label].push(i);
    }
    for (let d = 0; d < 10; d++) {
      if (byLabel[d].length === 0) throw new RangeError(`mnist has no image of digit ${d}`);
    }
  }

  const rng = createRng(options.seed);
  const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const labels = balancedLabels(count, digits, rng);
  // Split each digit's drawings between the sources so the totals match the mix exactly.
  const share = mix.restroked / (mix.templates + mix.restroked);
  const perDigit = digits.map((d) => labels.filter((l) => l === d).length);
  const plan: { label: number; restroked: boolean }[] = [];
  let seen = 0;
  for (const d of digits) {
    const before = Math.round(seen * share);
    seen += perDigit[d];
    const restroked = Math.round(seen * share) - before;
    for (let k = 0; k < perDigit[d]; k++) plan.push({ label: d, restroked: k < restroked });
  }
  shuffleInPlace(plan, rng);

  const templatesOf = digits.map((d) => TEMPLATES.filter((t) => t.digit === d));
  const style = { canvas, brushWidth, height: options.height };
  return plan.map(({ label, restroked }, i) => {
    let sample: LabelledDrawing | null = null;
    if (restroked) {
      const pool = byLabel[label];
      for (let attempt = 0; attempt < RESTROKE_ATTEMPTS && sample === null; attempt++) {
        const index = pool[Math.floor(rng() * pool.length)];
        const seed = Math.floor(rng() * 2 ** 32);
        sample = restrokeImage(
          mnist!.pixels.subarray(
            index * MNIST_SIDE * MNIST_SIDE,
            (index + 1) * MNIST_SIDE * MNIST_SIDE,
          ),
          label,
          { ...style, seed, id: `${RESTROKED_GROUP}/${options.seed}/${i}/mnist-${index}` },
        );
      }
      if (sample === null) {
        throw new RangeError(
          `mnist: ${RESTROKE_ATTEMPTS} images of digit ${label} in a row had no usable skeleton`,
        );
      }
    } else {
      const template = pickTemplate(templatesOf[label], rng);
      sample = {
        id: `${TEMPLATE_GROUP}/${options.seed}/${i}/${template.style}`,
        label,
        group: TEMPLATE_GROUP,
        drawing: drawTemplate(template, rng, style),
      };
    }
    if (rng() >= pAugment) return sample;
    // Templates are already bent and slanted when drawn: only resample and re-brush them.
    const bend = restroked
      ? {}
      : ({ maxRotation: 0, maxShear: 0, scale: [1, 1], aspect: [1, 1] } as const);
    return augmentDrawing(sample, rng, { brushWidth, ...bend });
  });
}
