/**
 * The model's readers for other ecosystems: each read path as one plain linear model whose
 * softmax gives exactly the probabilities digitrec reports — temperature and fusion baked into the
 * weights — and what its input row is. `onnx.ts` writes them as ONNX graphs, `sklearnExport` as
 * the attributes of scikit-learn's LogisticRegression.
 */
import { calibratedModelOf } from './calibrated-model.js';
import type { ModelFile } from './contracts.js';
import { extractFeatures } from './features.js';
import { GEOMETRY_LENGTH, geometryFeatures, junkFeatureRow } from './junk.js';
import { preprocessDrawing, preprocessImage } from './preprocess.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';
import type { Drawing, GrayImage } from './types.js';

/** The read paths exported: their names, in file order. */
export const EXPORTED_READERS = ['image', 'drawing', 'online', 'not-a-digit'] as const;
/** One exported read path. */
export type ExportedReaderName = (typeof EXPORTED_READERS)[number];

/** One read path as a linear model: probabilities = softmax(W x + b), W k × d row-major. */
export interface ExportedReader {
  name: ExportedReaderName;
  /** What digitrec uses it for, and what its input row is (the parts, in order). */
  description: string;
  input: { name: string; length: number }[];
  nFeatures: number;
  /** The labels of the probability columns (digits; 0 digit / 1 not a digit for the last). */
  classes: number[];
  weights: Float64Array;
  intercepts: Float64Array;
  /** The threshold digitrec applies to the answer (max probability, or P(not a digit)). */
  threshold: number | null;
}

function scaled(
  k: number,
  parts: { W: Float64Array; b: ArrayLike<number>; d: number; factor: number }[],
): { weights: Float64Array; intercepts: Float64Array; d: number } {
  const d = parts.reduce((n, p) => n + p.d, 0);
  const weights = new Float64Array(k * d);
  const intercepts = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let at = c * d;
    for (const p of parts) {
      for (let j = 0; j < p.d; j++) weights[at + j] = p.factor * p.W[c * p.d + j];
      at += p.d;
      intercepts[c] += p.factor * p.b[c];
    }
  }
  return { weights, intercepts, d };
}

/**
 * The read paths of a model: `image` (plain images: the image reader at its temperature), and
 * with an online reader `drawing` (a drawing: both readers fused at the fusion temperature, on the
 * image features followed by the trajectory), `online` (the online reader's own probabilities),
 * and with a not-a-digit reader `not-a-digit` (column 1 is P(not a digit); digitrec also answers 1
 * when the geometry lies outside the model's `junk.geometryRange`, a rule outside the linear model).
 */
export function exportedReaders(file: ModelFile): ExportedReader[] {
  const m = calibratedModelOf(file);
  const k = m.classes.length;
  const imageIn = { name: `image features (${file.features})`, length: m.image.nFeatures };
  const trajIn = { name: 'trajectory', length: TRAJECTORY_LENGTH };
  const out: ExportedReader[] = [];
  const push = (
    name: ExportedReaderName,
    description: string,
    input: ExportedReader['input'],
    classes: number[],
    threshold: number | null,
    s: { weights: Float64Array; intercepts: Float64Array; d: number },
  ) =>
    out.push({
      name,
      description,
      input,
      nFeatures: s.d,
      classes,
      weights: s.weights,
      intercepts: s.intercepts,
      threshold,
    });
  const T = m.imagePath.temperature;
  push(
    'image',
    'plain images: the image reader, temperature baked in',
    [imageIn],
    [...m.classes],
    m.imagePath.threshold,
    scaled(k, [{ W: m.image.weights, b: m.image.intercepts, d: m.image.nFeatures, factor: 1 / T }]),
  );
  if (m.online && m.fusion) {
    const Tf = m.fusion.temperature;
    const w = m.fusion.onlineWeight;
    push(
      'drawing',
      `drawings: (image logits + ${w} × online logits) / temperature ${Tf}`,
      [imageIn, trajIn],
      [...m.classes],
      m.fusion.threshold,
      scaled(k, [
        { W: m.image.weights, b: m.image.intercepts, d: m.image.nFeatures, factor: 1 / Tf },
        { W: m.online.weights, b: m.online.intercepts, d: m.online.nFeatures, factor: w / Tf },
      ]),
    );
    push(
      'online',
      "the online reader's own probabilities (temperature 1)",
      [trajIn],
      [...m.classes],
      null,
      scaled(k, [
        { W: m.online.weights, b: m.online.intercepts, d: m.online.nFeatures, factor: 1 },
      ]),
    );
  }
  if (m.junk) {
    push(
      'not-a-digit',
      'P(not a digit) in column 1; digitrec also answers 1 when the geometry is outside junk.geometryRange',
      [imageIn, trajIn, { name: 'geometry', length: GEOMETRY_LENGTH }],
      [0, 1],
      m.junk.threshold,
      scaled(2, [{ W: m.junk.weights, b: m.junk.intercepts, d: m.junk.nFeatures, factor: 1 }]),
    );
  }
  return out;
}

/** A drawing's or an image's input rows of every exported reader (null: not read for it). */
export interface ReaderInputs {
  /** True when there is no ink: digitrec answers `empty` and reads nothing. */
  empty: boolean;
  image: Float32Array;
  drawing: Float32Array | null;
  online: Float32Array | null;
  'not-a-digit': Float32Array | null;
}

/**
 * The rows digitrec feeds its readers for a drawing (all four) or a plain image (`image` only),
 * exactly as the recognizer computes them: the inputs of the exported readers.
 */
export function readerInputs(file: ModelFile, input: Drawing | GrayImage): ReaderInputs {
  const isDrawing = 'strokes' in input;
  const pre = isDrawing
    ? preprocessDrawing(input, file.preprocessing)
    : preprocessImage(input, file.preprocessing);
  const image = extractFeatures(pre.canonical, file.features);
  const m = calibratedModelOf(file);
  if (!isDrawing || !m.online)
    return { empty: pre.empty, image, drawing: null, online: null, 'not-a-digit': null };
  const online = trajectoryFeatures(input.strokes, new Float32Array(TRAJECTORY_LENGTH));
  const drawing = new Float32Array(image.length + online.length);
  drawing.set(image, 0);
  drawing.set(online, image.length);
  const notDigit = m.junk
    ? junkFeatureRow(image, online, geometryFeatures(input, new Float32Array(GEOMETRY_LENGTH)))
    : null;
  return {
    empty: pre.empty,
    image,
    drawing,
    online,
    'not-a-digit': notDigit as Float32Array | null,
  };
}

/** The format name and version of `sklearnExport`'s JSON. */
export const SKLEARN_FORMAT = 'digitrec-sklearn';
export const SKLEARN_FORMAT_VERSION = 1;

/** One reader as scikit-learn LogisticRegression attributes (plus what digitrec applies to it). */
export interface SklearnReader {
  coef_: number[][];
  intercept_: number[];
  classes_: number[];
  n_features_in_: number;
  description: string;
  input: { name: string; length: number }[];
  threshold: number | null;
}

/** The JSON of `digitrec export --format sklearn`. */
export interface SklearnExport {
  format: typeof SKLEARN_FORMAT;
  version: typeof SKLEARN_FORMAT_VERSION;
  model: string;
  /** How digitrec turns a drawing or an image into the readers' input rows. */
  preprocessing: Record<string, unknown>;
  readers: Partial<Record<ExportedReaderName, SklearnReader>>;
}

/**
 * The readers as scikit-learn attributes: `predict_proba` of a LogisticRegression given `coef_`,
 * `intercept_` and `classes_` is softmax(X coef_ᵀ + intercept_) for more than two classes — the
 * exported reader exactly — and for two, sigmoid(X coef_[0] + intercept_[0]): the not-a-digit
 * reader's two rows become their difference, which gives the same two-class softmax.
 */
export function sklearnExport(file: ModelFile): SklearnExport {
  const readers: SklearnExport['readers'] = {};
  for (const r of exportedReaders(file)) {
    const k = r.classes.length;
    const d = r.nFeatures;
    const row = (c: number) => Array.from(r.weights.subarray(c * d, (c + 1) * d));
    const binary = k === 2;
    readers[r.name] = {
      coef_: binary ? [row(1).map((v, j) => v - r.weights[j])] : r.classes.map((_, c) => row(c)),
      intercept_: binary ? [r.intercepts[1] - r.intercepts[0]] : Array.from(r.intercepts),
      classes_: r.classes,
      n_features_in_: d,
      description: r.description,
      input: r.input,
      threshold: r.threshold,
    };
  }
  return {
    format: SKLEARN_FORMAT,
    version: SKLEARN_FORMAT_VERSION,
    model: file.id,
    preprocessing: preprocessingDescription(file),
    readers,
  };
}

/** In words and numbers, how digitrec computes each input part (the code is the reference). */
export function preprocessingDescription(file: ModelFile): Record<string, unknown> {
  return {
    canvas: file.canvas,
    image: [
      'rasterise the strokes with a round anti-aliased brush of canvas.brushWidth (ink 1 on 0) at the canvas resolution, or lower so the ink (points plus brush, within the canvas) spans at most preprocessing.rasterSide px (0: never lower; coordinates and brush scaled), or take a grayscale image in [0, 1] and make its ink high (the border median is the background)',
      'crop to the ink, scale the longer side to 20 px keeping the aspect, centre the centre of mass in 28×28 (MNIST)',
      ...(file.preprocessing.deskew ? ['deskew by the second moments (MNIST-style shear)'] : []),
    ],
    preprocessing: file.preprocessing,
    features: {
      kind: file.features,
      length: file.nFeatures,
      about:
        file.features === 'pixels'
          ? 'the 784 canonical pixels in [0, 1], row-major'
          : 'HOG of the canonical image: 9 unsigned orientations, 2×2-cell blocks, L2-Hys; hog2 concatenates 7 px and 4 px cells (votes split between bins and cells)',
    },
    trajectory: {
      length: TRAJECTORY_LENGTH,
      about:
        "the strokes' directions of travel on 8×8 maps (8 directions), pen-up moves, start and end points, stroke count and aspect, resampled by arc length",
    },
    geometry: {
      length: GEOMETRY_LENGTH,
      about:
        "the span against the canvas (saturating at a quarter of it), path length against the span, stroke count, the longest stroke's share, turning and corners, pen-up travel, dots, aspect, and a tap flag (src/core/junk.ts)",
    },
    reference:
      "digitrec computes the rows exactly: readerInputs(drawing) in the library (the rows of every reader), or digitrec export --format features --data FILE (the image reader's rows of a data set)",
  };
}
