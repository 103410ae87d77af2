/**
 * The model file: JSON with a format name and version. Parsing is pure and strict — anything that
 * is not a digitrec model of this version is rejected with a message saying what was found and
 * what was expected.
 */
import {
  type CalibratedModel,
  junkReaderFile,
  onlineReaderFile,
  unpackWeights,
} from './calibrated-model.js';
import {
  type Fusion,
  JUNK_FEATURES,
  type JunkReader,
  type Metrics,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_FORMAT_VERSIONS,
  type ModelFile,
  ONLINE_FEATURES,
  type OnlineReader,
  type PreprocessOptions,
} from './contracts.js';
import { GEOMETRY_LENGTH, junkFeatureLength } from './junk.js';
import { isRasterSide, MAX_RASTER_SIDE } from './preprocess.js';
import { TRAJECTORY_LENGTH } from './trajectory.js';
import type { FeatureKind } from './types.js';

/** The feature kinds a model file may name. */
export const FEATURE_KINDS: readonly FeatureKind[] = ['pixels', 'hog', 'hog2'];

/** Thrown when a model file is not a valid digitrec model of the supported version. */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(obj: Json, key: string, path: string): unknown {
  if (!(key in obj)) throw new ModelFormatError(`model file: missing field ${path}${key}`);
  return obj[key];
}

function num(obj: Json, key: string, path = ''): number {
  const v = field(obj, key, path);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ModelFormatError(
      `model file: ${path}${key} must be a finite number, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function str(obj: Json, key: string, path = ''): string {
  const v = field(obj, key, path);
  if (typeof v !== 'string') {
    throw new ModelFormatError(`model file: ${path}${key} must be a string, got ${typeof v}`);
  }
  return v;
}

function obj(parent: Json, key: string, path = ''): Json {
  const v = field(parent, key, path);
  if (!isObject(v)) throw new ModelFormatError(`model file: ${path}${key} must be an object`);
  return v;
}

function numArray(v: unknown, name: string, length?: number): number[] {
  if (!Array.isArray(v)) throw new ModelFormatError(`model file: ${name} must be an array`);
  if (length !== undefined && v.length !== length) {
    throw new ModelFormatError(`model file: ${name} has ${v.length} entries, expected ${length}`);
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) {
      throw new ModelFormatError(
        `model file: ${name}[${i}] must be a finite number, got ${JSON.stringify(v[i])}`,
      );
    }
  }
  return v as number[];
}

function parsePreprocessing(o: Json): PreprocessOptions {
  const deskew = field(o, 'deskew', 'preprocessing.');
  if (typeof deskew !== 'boolean') {
    throw new ModelFormatError('model file: preprocessing.deskew must be true or false');
  }
  // Files written before drawings could be rasterised at a lower resolution were trained at 0.
  const rasterSide = o.rasterSide === undefined ? 0 : o.rasterSide;
  if (!isRasterSide(rasterSide)) {
    throw new ModelFormatError(
      `model file: preprocessing.rasterSide must be an integer from 0 to ${MAX_RASTER_SIDE}, got ${JSON.stringify(rasterSide)}`,
    );
  }
  return { deskew, downscaleTo: num(o, 'downscaleTo', 'preprocessing.'), rasterSide };
}

function checkWeights(weights: unknown, name: string, k: number, d: number): void {
  if (!Array.isArray(weights) || weights.length !== k) {
    throw new ModelFormatError(`model file: ${name} must be ${k} rows, one per class`);
  }
  weights.forEach((row, c) => {
    numArray(row, `${name}[${c}]`, d);
  });
}

/** The online reader and the fusion of a v2 file: both or neither. */
function parseOnline(json: Json, k: number): { online?: OnlineReader; fusion?: Fusion } {
  const has = json.online !== undefined;
  if (has !== (json.fusion !== undefined))
    throw new ModelFormatError('model file: online and fusion come together or not at all');
  if (!has) return {};
  if (json.version === 1) throw new ModelFormatError('model file: a v1 file has no online reader');
  const o = obj(json, 'online');
  if (o.features !== ONLINE_FEATURES)
    throw new ModelFormatError(
      `model file: online.features must be "${ONLINE_FEATURES}", got ${JSON.stringify(o.features)}`,
    );
  const d = num(o, 'nFeatures', 'online.');
  if (d !== TRAJECTORY_LENGTH)
    throw new ModelFormatError(
      `model file: online.nFeatures is ${d}, expected ${TRAJECTORY_LENGTH}`,
    );
  checkWeights(field(o, 'weights', 'online.'), 'online.weights', k, d);
  numArray(field(o, 'intercepts', 'online.'), 'online.intercepts', k);
  num(o, 'C', 'online.');
  const f = obj(json, 'fusion');
  const onlineWeight = num(f, 'onlineWeight', 'fusion.');
  if (onlineWeight < 0) throw new ModelFormatError('model file: fusion.onlineWeight must be ≥ 0');
  if (num(f, 'temperature', 'fusion.') <= 0)
    throw new ModelFormatError('model file: fusion.temperature must be positive');
  const threshold = num(f, 'threshold', 'fusion.');
  if (threshold < 0 || threshold > 1)
    throw new ModelFormatError(`model file: fusion.threshold must be in [0, 1], got ${threshold}`);
  return { online: o as unknown as OnlineReader, fusion: f as unknown as Fusion };
}

/** The not-a-digit reader of a v2 file with an online reader, if it has one. */
function parseJunk(json: Json, nImageFeatures: number): { junk?: JunkReader } {
  if (json.junk === undefined) return {};
  if (json.online === undefined)
    throw new ModelFormatError('model file: junk needs the online reader (online and fusion)');
  const o = obj(json, 'junk');
  if (o.features !== JUNK_FEATURES)
    throw new ModelFormatError(
      `model file: junk.features must be "${JUNK_FEATURES}", got ${JSON.stringify(o.features)}`,
    );
  const d = num(o, 'nFeatures', 'junk.');
  if (d !== junkFeatureLength(nImageFeatures))
    throw new ModelFormatError(
      `model file: junk.nFeatures is ${d}, expected ${junkFeatureLength(nImageFeatures)}`,
    );
  checkWeights(field(o, 'weights', 'junk.'), 'junk.weights', 2, d);
  numArray(field(o, 'intercepts', 'junk.'), 'junk.intercepts', 2);
  num(o, 'C', 'junk.');
  const threshold = num(o, 'threshold', 'junk.');
  if (threshold < 0 || threshold > 1)
    throw new ModelFormatError(`model file: junk.threshold must be in [0, 1], got ${threshold}`);
  const range = obj(o, 'geometryRange', 'junk.');
  for (const side of ['low', 'high'] as const) {
    const bounds = field(range, side, 'junk.geometryRange.');
    if (
      !Array.isArray(bounds) ||
      bounds.length !== GEOMETRY_LENGTH ||
      bounds.some((b) => b !== null && !(typeof b === 'number' && Number.isFinite(b)))
    )
      throw new ModelFormatError(
        `model file: junk.geometryRange.${side} must be ${GEOMETRY_LENGTH} finite numbers or nulls`,
      );
  }
  return { junk: o as unknown as JunkReader };
}

/**
 * Validates parsed JSON as a model file and returns it typed. Rejects another format or version
 * (`got digitrec-model v3 when expected v1 or v2`), wrong shapes, and non-finite numbers.
 */
export function parseModelFile(json: unknown): ModelFile {
  if (!isObject(json)) throw new ModelFormatError('model file: expected a JSON object');
  const format = json.format;
  const version = json.version;
  if (format !== MODEL_FORMAT) {
    throw new ModelFormatError(
      `model file: got format ${JSON.stringify(format)} when expected "${MODEL_FORMAT}"`,
    );
  }
  if (!MODEL_FORMAT_VERSIONS.includes(version as number)) {
    throw new ModelFormatError(
      `model file: got ${MODEL_FORMAT} v${JSON.stringify(version)} when expected v${MODEL_FORMAT_VERSIONS.join(' or v')}`,
    );
  }
  const features = str(json, 'features');
  if (!FEATURE_KINDS.includes(features as FeatureKind)) {
    throw new ModelFormatError(
      `model file: features ${JSON.stringify(features)} is not one of ${FEATURE_KINDS.join(', ')}`,
    );
  }
  const classes = numArray(field(json, 'classes', ''), 'classes');
  if (classes.length < 2 || classes.some((c) => !Number.isInteger(c) || c < 0 || c > 9)) {
    throw new ModelFormatError('model file: classes must be at least two digits 0–9');
  }
  const k = classes.length;
  const nFeatures = num(json, 'nFeatures');
  const weights = field(json, 'weights', '');
  checkWeights(weights, 'weights', k, nFeatures);
  const intercepts = numArray(field(json, 'intercepts', ''), 'intercepts', k);
  const temperature = num(json, 'temperature');
  if (temperature <= 0) throw new ModelFormatError('model file: temperature must be positive');
  const threshold = num(json, 'threshold');
  if (threshold < 0 || threshold > 1) {
    throw new ModelFormatError(`model file: threshold must be in [0, 1], got ${threshold}`);
  }
  const canvas = obj(json, 'canvas');
  num(canvas, 'size', 'canvas.');
  num(canvas, 'brushWidth', 'canvas.');
  const cv = obj(json, 'cv');
  numArray(field(cv, 'Cs', 'cv.'), 'cv.Cs');
  const training = obj(json, 'training');
  if (!Array.isArray(field(training, 'sources', 'training.'))) {
    throw new ModelFormatError('model file: training.sources must be an array');
  }
  const metrics = obj(json, 'metrics');
  const online = parseOnline(json, k);
  const junk = parseJunk(json, nFeatures);
  return {
    ...(json as unknown as ModelFile),
    ...online,
    ...junk,
    id: str(json, 'id'),
    features: features as FeatureKind,
    preprocessing: parsePreprocessing(obj(json, 'preprocessing')),
    classes,
    nFeatures,
    version: version as 1 | 2,
    weights: weights as number[][],
    intercepts,
    temperature,
    threshold,
    targetError: num(json, 'targetError'),
    C: num(json, 'C'),
    metrics: metrics as Record<string, Metrics>,
  };
}

/**
 * A model file's text (read from `source`, a path or a URL) parsed and validated; every error
 * names the source: `m.json: not valid JSON (…)`, `m.json: model file: missing field …`.
 */
export function parseModelText(text: string, source: string): ModelFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFormatError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return parseModelFile(json);
  } catch (err) {
    throw new ModelFormatError(`${source}: ${(err as Error).message}`);
  }
}

/**
 * The model file's text: stable key order and JavaScript's shortest round-trip number format, so
 * the same model always serialises to the same bytes. NaN metrics (e.g. the accuracy on no accepted
 * predictions) are written as null.
 */
export function serialiseModelFile(model: ModelFile): string {
  return `${JSON.stringify(model, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`;
}

/** What a model file holds besides the calibrated model: provenance, preprocessing and metrics. */
export type ModelFileMeta = Pick<
  ModelFile,
  'createdAt' | 'features' | 'preprocessing' | 'canvas' | 'targetError' | 'metrics' | 'training'
>;

/**
 * The model file (without its id, see `modelId`) of a fitted, calibrated model: its readers'
 * weights as tables, each path's temperature and threshold, in the file's fixed key order.
 */
export function modelFileOf(model: CalibratedModel, meta: ModelFileMeta): Omit<ModelFile, 'id'> {
  const { image } = model;
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    createdAt: meta.createdAt,
    features: meta.features,
    preprocessing: meta.preprocessing,
    canvas: meta.canvas,
    classes: [...model.classes],
    nFeatures: image.nFeatures,
    weights: unpackWeights(image),
    intercepts: Array.from(image.intercepts),
    temperature: model.imagePath.temperature,
    threshold: model.imagePath.threshold,
    ...(model.online && model.fusion
      ? { online: onlineReaderFile(model.online), fusion: model.fusion }
      : {}),
    ...(model.junk ? { junk: junkReaderFile(model.junk) } : {}),
    targetError: meta.targetError,
    C: image.C,
    cv: image.cv,
    metrics: meta.metrics,
    training: meta.training,
  };
}
