/**
 * The shared vocabulary of digitrec's core. Pure types: no I/O, no DOM.
 *
 * Conventions used everywhere:
 * - Canvas coordinates are pixels, x to the right, y down, origin at the top-left corner.
 * - Grayscale images are row-major `Float32Array`s with values in [0, 1]; in a canonical image
 *   ink is 1 and background 0 (MNIST's white-on-black convention).
 * - Data sets are one contiguous typed array plus labels and a shape, never arrays of arrays.
 */

/** One sampled pointer position. `t` is milliseconds since the drawing started, when known. */
export interface Point {
  x: number;
  y: number;
  t?: number;
}

/** One pen-down … pen-up path. A single point is a dot. */
export type Stroke = Point[];

/** A drawing as the truth is stored: its strokes, the canvas they were drawn on and the brush. */
export interface Drawing {
  strokes: Stroke[];
  /** Canvas width in pixels. */
  width: number;
  /** Canvas height in pixels. */
  height: number;
  /** Brush diameter in canvas pixels. */
  brushWidth: number;
}

/** A grayscale image, row-major, values in [0, 1]. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Side of the canonical image (MNIST's 28). */
export const CANONICAL_SIZE = 28;

/** Labelled images of one size: `n` images of `width × height` bytes (0–255, ink high). */
export interface ImageSet {
  n: number;
  width: number;
  height: number;
  /** `n * width * height` bytes, image after image, row-major. */
  pixels: Uint8Array;
  /** `n` labels, 0–9. */
  labels: Uint8Array;
  /** Optional writer / session id per image, for group-aware cross-validation. */
  groups?: string[];
}

/** A labelled drawing read from a stroke file or the sample store. */
export interface LabelledDrawing {
  id: string;
  label: number;
  drawing: Drawing;
  /** Writer or session id, for group-aware cross-validation. */
  group?: string;
}

/** A design matrix: `n` rows of `d` float32 features, row-major. */
export interface Matrix {
  n: number;
  d: number;
  data: Float32Array;
}

/**
 * The feature sets a model can be trained on: 'pixels' (784 canonical pixels), 'hog' (324 HOG
 * features, 7-px cells) and 'hog2' (HOG at 7-px and 4-px cells, 1,620 features).
 */
export type FeatureKind = 'pixels' | 'hog' | 'hog2';

/** Scores understood by cross-validation (scikit-learn's names). */
export type Scoring = 'accuracy' | 'f1_macro' | 'neg_log_loss';

/** Deterministic pseudo-random source: returns a float in [0, 1). */
export type Rng = () => number;
