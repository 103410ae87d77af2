/**
 * Why the model gave its answer rather than the runner-up. The readers are linear, so the
 * calibrated log-odds of answer a over runner-up r split exactly into parts:
 *
 *   log(p_a / p_r) = [ (b_a − b_r) + Σ_j (W_a − W_r)_j x_j
 *                    + w · ((b'_a − b'_r) + Σ_j (W'_a − W'_r)_j t_j) ] / T
 *
 * (x the image reader's features, t the online reader's trajectory features, w the fusion weight,
 * T the temperature). Each feature's term is its contribution. The image reader's are put back
 * on the canonical 28×28 image: a pixel feature is its pixel; a HOG feature belongs to a cell of
 * 7 or 4 px, and its term is spread over the cell's pixels by their ink (evenly over a cell
 * without ink), so the map sums exactly to the image reader's part. Positive pushes toward the
 * answer, negative toward the runner-up.
 */
import { calibratedModelOf } from './calibrated-model.js';
import type { ModelFile } from './contracts.js';
import { extractFeatures } from './features.js';
import { preprocessDrawing, preprocessImage } from './preprocess.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';
import { CANONICAL_SIZE, type Drawing, type GrayImage } from './types.js';
import { foldOntoCells, hogParts } from './weight-maps.js';

/** The parts of "answer rather than runner-up". */
export interface Explanation {
  answer: number;
  runnerUp: number;
  /** log(p_answer / p_runnerUp) of the calibrated probabilities: the sum of the parts below. */
  logOdds: number;
  /** The intercepts' part (both readers). */
  intercept: number;
  /** The image reader's part, and per canonical pixel (28 × 28, row-major). */
  image: number;
  pixels: Float64Array;
  /** The image reader's term of every feature. */
  imageTerms: Float64Array;
  /** The online reader's part (0 for plain images) and its term of every trajectory feature. */
  online: number;
  onlineTerms: Float64Array | null;
  /** The canonical image the terms are of. */
  canonical: GrayImage;
}

function checkDigit(name: string, v: number, classes: readonly number[]): number {
  const c = classes.indexOf(v);
  if (c < 0)
    throw new RangeError(
      `${name} must be one of the model's classes ${classes.join(', ')}, got ${v}`,
    );
  return c;
}

/**
 * Explains `answer` against `runnerUp` (digits) for a drawing (both readers when the model has
 * an online reader) or a plain image (the image reader alone). Throws a RangeError for an empty
 * input: there is nothing to explain.
 */
export function explain(
  model: ModelFile,
  input: { drawing: Drawing } | { image: GrayImage },
  answer: number,
  runnerUp: number,
): Explanation {
  const m = calibratedModelOf(model);
  const a = checkDigit('answer', answer, m.classes);
  const r = checkDigit('runnerUp', runnerUp, m.classes);
  const drawing = 'drawing' in input ? input.drawing : undefined;
  const pre =
    drawing !== undefined
      ? preprocessDrawing(drawing, model.preprocessing)
      : preprocessImage((input as { image: GrayImage }).image, model.preprocessing);
  if (pre.empty) throw new RangeError('the input has no ink: there is no answer to explain');
  const fused = Boolean(drawing && m.online && m.fusion);
  const T = fused && m.fusion ? m.fusion.temperature : m.imagePath.temperature;
  const w = fused && m.fusion ? m.fusion.onlineWeight : 0;
  const d = m.image.nFeatures;
  const x = extractFeatures(pre.canonical, model.features);
  const imageTerms = new Float64Array(d);
  let image = 0;
  for (let j = 0; j < d; j++) {
    imageTerms[j] = ((m.image.weights[a * d + j] - m.image.weights[r * d + j]) * x[j]) / T;
    image += imageTerms[j];
  }
  let intercept = (m.image.intercepts[a] - m.image.intercepts[r]) / T;
  let online = 0;
  let onlineTerms: Float64Array | null = null;
  if (fused && m.online && drawing) {
    const t = trajectoryFeatures(drawing.strokes, new Float32Array(TRAJECTORY_LENGTH));
    const e = m.online.nFeatures;
    onlineTerms = new Float64Array(e);
    for (let j = 0; j < e; j++) {
      onlineTerms[j] = (w * (m.online.weights[a * e + j] - m.online.weights[r * e + j]) * t[j]) / T;
      online += onlineTerms[j];
    }
    intercept += (w * (m.online.intercepts[a] - m.online.intercepts[r])) / T;
  }
  return {
    answer,
    runnerUp,
    logOdds: intercept + image + online,
    intercept,
    image,
    pixels: termsOnPixels(imageTerms, model, pre.canonical),
    imageTerms,
    online,
    onlineTerms,
    canonical: pre.canonical,
  };
}

/**
 * The image reader's feature terms on the canonical pixels: pixel features as they are, HOG
 * features spread over their cell's pixels by ink. The result sums to the terms' sum.
 */
export function termsOnPixels(
  terms: ArrayLike<number>,
  model: Pick<ModelFile, 'features'>,
  canonical: GrayImage,
): Float64Array {
  const side = CANONICAL_SIZE;
  const out = new Float64Array(side * side);
  if (model.features === 'pixels') {
    for (let i = 0; i < out.length; i++) out[i] = terms[i];
    return out;
  }
  for (const part of hogParts(model.features)) {
    const cells = foldOntoCells(terms, part);
    const n = part.orientations;
    for (let cy = 0; cy < part.cellsY; cy++) {
      for (let cx = 0; cx < part.cellsX; cx++) {
        let term = 0;
        for (let o = 0; o < n; o++) term += cells[(cy * part.cellsX + cx) * n + o];
        if (term === 0) continue;
        const s = part.cellSize;
        let ink = 0;
        for (let y = cy * s; y < (cy + 1) * s; y++)
          for (let x = cx * s; x < (cx + 1) * s; x++) ink += canonical.data[y * side + x];
        for (let y = cy * s; y < (cy + 1) * s; y++)
          for (let x = cx * s; x < (cx + 1) * s; x++)
            out[y * side + x] +=
              ink > 0 ? (term * canonical.data[y * side + x]) / ink : term / (s * s);
      }
    }
  }
  return out;
}
