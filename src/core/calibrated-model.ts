/**
 * The fitted, calibrated model as one type: its readers (each a linear model over its own
 * features), how a drawing's two readers are fused, and each read path's temperature and
 * threshold. Training builds it (`calibratedModel`), the model file stores it, and the loader's
 * file becomes it again (`calibratedModelOf`). Every probability the project reports, in the
 * browser, the server, evaluation and training's out-of-fold metrics, comes from `calibratedRead`:
 * the one place where the logits meet a temperature and a softmax.
 */
import { softmaxRows } from './calibration.js';
import type {
  CvTable,
  Fusion,
  JunkOutOfFold,
  JunkReader,
  ModelFile,
  OnlineReader,
} from './contracts.js';
import { JUNK_FEATURES, ONLINE_FEATURES } from './contracts.js';
import { type GeometryRange, junkFeatureRow, outsideRange } from './junk.js';
import type { Matrix } from './types.js';

/** One fitted multinomial logistic regression: z = W x + b over `nFeatures` features. */
export interface LinearReader {
  readonly nFeatures: number;
  /** k × nFeatures, row-major (class c's weights at c · nFeatures). */
  readonly weights: Float64Array;
  readonly intercepts: Float64Array;
  /** The regularisation C cross-validation chose, and its table. */
  readonly C: number;
  readonly cv: CvTable;
}

/** How one read path turns logits into an answer: softmax(z / temperature), accepted at ≥ threshold. */
export interface PathCalibration {
  readonly temperature: number;
  readonly threshold: number;
}

/** The not-a-digit reader: a two-class linear reader, class 1 "not a digit", and its threshold. */
export interface NotDigitReader extends LinearReader {
  /** A drawing with P(not a digit) ≥ this is answered "not a digit". */
  readonly threshold: number;
  readonly target: number;
  readonly kinds: readonly string[];
  readonly geometryRange: GeometryRange;
  readonly outOfFold: JunkOutOfFold;
}

/**
 * The fitted model: plain images are read by `image` alone; drawings by both readers fused, and
 * checked by the not-a-digit reader when there is one.
 */
export interface CalibratedModel {
  readonly classes: readonly number[];
  readonly image: LinearReader;
  readonly imagePath: PathCalibration;
  /** The online reader on the strokes' trajectories, with `fusion` (or neither). */
  readonly online?: LinearReader;
  readonly fusion?: Fusion;
  /** The not-a-digit reader (needs the online reader). */
  readonly junk?: NotDigitReader;
}

/** A read's calibrated probabilities (n × k) and the threshold its answers are accepted at. */
export interface CalibratedRead {
  probabilities: Float64Array;
  threshold: number;
  /** Whether both readers were read (a drawing with an online reader) or the image reader alone. */
  fused: boolean;
}

function checkReader(name: string, r: LinearReader, k: number): void {
  if (r.intercepts.length !== k || r.weights.length !== k * r.nFeatures)
    throw new RangeError(
      `${name} reader: expected ${k} intercepts and ${k} × ${r.nFeatures} weights, got ${r.intercepts.length} and ${r.weights.length}`,
    );
}

/** Builds a calibrated model, checking that its parts fit together. */
export function calibratedModel(parts: CalibratedModel): CalibratedModel {
  const k = parts.classes.length;
  checkReader('image', parts.image, k);
  if (!(parts.imagePath.temperature > 0))
    throw new RangeError(`image temperature must be > 0, got ${parts.imagePath.temperature}`);
  if (Boolean(parts.online) !== Boolean(parts.fusion))
    throw new RangeError('an online reader and its fusion go together: got one without the other');
  if (parts.online) checkReader('online', parts.online, k);
  if (parts.junk) {
    if (!parts.online) throw new RangeError('the not-a-digit reader needs the online reader');
    checkReader('not-a-digit', parts.junk, 2);
    if (!(parts.junk.threshold >= 0 && parts.junk.threshold <= 1))
      throw new RangeError(`not-a-digit threshold must be in [0, 1], got ${parts.junk.threshold}`);
  }
  return Object.freeze({ ...parts });
}

/**
 * z = b_c + W_c · x for one feature row `x` (at `xOff`) into `out` (at `outOff`), summed in
 * feature order so that the browser, the server and batch evaluation give identical numbers.
 */
export function linearLogits(
  W: Float64Array,
  b: ArrayLike<number>,
  k: number,
  d: number,
  x: Float32Array,
  xOff: number,
  out: Float64Array,
  outOff: number,
): void {
  // Four classes at a time: four independent sums keep the floating-point units busy, where one
  // sum waits on each of its additions in turn; each is still taken in feature order.
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    let z0 = b[c];
    let z1 = b[c + 1];
    let z2 = b[c + 2];
    let z3 = b[c + 3];
    const w0 = c * d;
    const w1 = w0 + d;
    const w2 = w1 + d;
    const w3 = w2 + d;
    for (let j = 0; j < d; j++) {
      const v = x[xOff + j];
      z0 += W[w0 + j] * v;
      z1 += W[w1 + j] * v;
      z2 += W[w2 + j] * v;
      z3 += W[w3 + j] * v;
    }
    out[outOff + c] = z0;
    out[outOff + c + 1] = z1;
    out[outOff + c + 2] = z2;
    out[outOff + c + 3] = z3;
  }
  for (; c < k; c++) {
    let z = b[c];
    const w = c * d;
    for (let j = 0; j < d; j++) z += W[w + j] * x[xOff + j];
    out[outOff + c] = z;
  }
}

/** A reader's raw logits for every row of X: n × k, row-major. */
export function readerLogits(reader: LinearReader, X: Matrix, name = 'the reader'): Float64Array {
  const k = reader.intercepts.length;
  const d = reader.nFeatures;
  if (X.d !== d) throw new RangeError(`X has ${X.d} features per row, ${name} expects ${d}`);
  const out = new Float64Array(X.n * k);
  for (let i = 0; i < X.n; i++)
    linearLogits(reader.weights, reader.intercepts, k, d, X.data, i * d, out, i * k);
  return out;
}

/** image + weight × online, elementwise (both n × k), into `out` (a new array by default). */
export function fuseLogits(
  image: Float64Array,
  online: Float64Array,
  weight: number,
  out = new Float64Array(image.length),
): Float64Array {
  if (image.length !== online.length)
    throw new RangeError(`image logits have ${image.length} entries, online ${online.length}`);
  for (let i = 0; i < image.length; i++) out[i] = image[i] + weight * online[i];
  return out;
}

/**
 * The calibrated probabilities of rows read by the image reader alone (`online` omitted: plain
 * images, or a model without an online reader) or by both readers fused (a drawing's trajectory
 * logits given): softmax of the path's logits over its temperature, and the path's threshold.
 */
export function calibratedRead(
  model: CalibratedModel,
  image: Float64Array,
  online?: Float64Array,
): CalibratedRead {
  const k = model.classes.length;
  if (online && model.fusion) {
    const z = fuseLogits(image, online, model.fusion.onlineWeight);
    return {
      probabilities: softmaxRows(z, k, model.fusion.temperature),
      threshold: model.fusion.threshold,
      fused: true,
    };
  }
  return {
    probabilities: softmaxRows(image, k, model.imagePath.temperature),
    threshold: model.imagePath.threshold,
    fused: false,
  };
}

/** P(not a digit) of each row of the not-a-digit reader's logits (n × 2). */
export function notDigitProbabilities(logits: Float64Array): Float64Array {
  const p = softmaxRows(logits, 2, 1);
  const out = new Float64Array(p.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = p[2 * i + 1];
  return out;
}

/**
 * P(not a digit) of one drawing: the reader's row built from the image features, trajectory and
 * geometry into `row` (its scratch, `junk.nFeatures` long), or 1 when the geometry lies outside
 * the digits' range.
 */
export function notDigitOf(
  junk: NotDigitReader,
  image: Float32Array,
  trajectory: Float32Array,
  geometry: Float32Array,
  row: Float32Array,
): number {
  if (outsideRange(geometry, junk.geometryRange) >= 0) return 1;
  junkFeatureRow(image, trajectory, geometry, row);
  const z = new Float64Array(2);
  linearLogits(junk.weights, junk.intercepts, 2, junk.nFeatures, row, 0, z, 0);
  return notDigitProbabilities(z)[0];
}

/** One reader's own probabilities (temperature 1): what it would answer alone. */
export function readerProbabilities(logits: Float64Array, k: number): Float64Array {
  return softmaxRows(logits, k, 1);
}

/** A `weights[class][feature]` table as one row-major k × d array. */
export function packWeights(model: {
  nFeatures: number;
  weights: readonly (readonly number[])[];
}): Float64Array {
  const d = model.nFeatures;
  const W = new Float64Array(model.weights.length * d);
  model.weights.forEach((row, c) => {
    W.set(row, c * d);
  });
  return W;
}

/** The model file's table form of a reader's weights: weights[class][feature]. */
export function unpackWeights(reader: LinearReader): number[][] {
  const d = reader.nFeatures;
  return Array.from({ length: reader.intercepts.length }, (_, c) =>
    Array.from(reader.weights.subarray(c * d, (c + 1) * d)),
  );
}

const fromFile = new WeakMap<ModelFile, CalibratedModel>();

/** The calibrated model a (validated) model file holds; built once per file object. */
export function calibratedModelOf(file: ModelFile): CalibratedModel {
  let model = fromFile.get(file);
  if (!model) {
    const image: LinearReader = {
      nFeatures: file.nFeatures,
      weights: packWeights(file),
      intercepts: Float64Array.from(file.intercepts),
      C: file.C,
      cv: file.cv,
    };
    const online: LinearReader | undefined =
      file.online && file.fusion
        ? {
            nFeatures: file.online.nFeatures,
            weights: packWeights(file.online),
            intercepts: Float64Array.from(file.online.intercepts),
            C: file.online.C,
            cv: file.online.cv,
          }
        : undefined;
    const junk: NotDigitReader | undefined =
      online && file.junk
        ? {
            nFeatures: file.junk.nFeatures,
            weights: packWeights(file.junk),
            intercepts: Float64Array.from(file.junk.intercepts),
            C: file.junk.C,
            cv: file.junk.cv,
            threshold: file.junk.threshold,
            target: file.junk.target,
            kinds: file.junk.kinds,
            geometryRange: file.junk.geometryRange,
            outOfFold: file.junk.outOfFold,
          }
        : undefined;
    model = calibratedModel({
      classes: file.classes,
      image,
      imagePath: { temperature: file.temperature, threshold: file.threshold },
      ...(online ? { online, fusion: file.fusion } : {}),
      ...(junk ? { junk } : {}),
    });
    fromFile.set(file, model);
  }
  return model;
}

/** The online reader as the model file stores it. */
export function onlineReaderFile(reader: LinearReader): OnlineReader {
  return {
    features: ONLINE_FEATURES,
    nFeatures: reader.nFeatures,
    weights: unpackWeights(reader),
    intercepts: Array.from(reader.intercepts),
    C: reader.C,
    cv: reader.cv,
  };
}

/** The not-a-digit reader as the model file stores it. */
export function junkReaderFile(reader: NotDigitReader): JunkReader {
  return {
    features: JUNK_FEATURES,
    nFeatures: reader.nFeatures,
    weights: unpackWeights(reader),
    intercepts: Array.from(reader.intercepts),
    C: reader.C,
    cv: reader.cv,
    threshold: reader.threshold,
    target: reader.target,
    kinds: [...reader.kinds],
    geometryRange: reader.geometryRange,
    outOfFold: reader.outOfFold,
  };
}
