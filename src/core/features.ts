/**
 * Features: what a model reads from a canonical 28×28 image. Each `FeatureKind` is one entry of
 * `EXTRACTORS`; adding a kind (e.g. HOG at two cell sizes) is one line there plus its name in
 * `FeatureKind`.
 */
import { checkTypedArray } from './check.js';
import { type HogOptions, hog, hogLength } from './hog.js';
import { checkImage } from './image.js';
import { CANONICAL_SIZE, type FeatureKind, type GrayImage } from './types.js';

/** How one feature kind is computed: a fixed length and a writer into a buffer of that length. */
export interface FeatureExtractor {
  length: number;
  extract(img28: GrayImage, out: Float32Array): void;
}

/** The canonical pixels themselves, in [0, 1]. */
export const pixelExtractor: FeatureExtractor = {
  length: CANONICAL_SIZE * CANONICAL_SIZE,
  extract: (img28, out) => out.set(img28.data),
};

/** HOG of the canonical image with the given options. */
export function hogExtractor(options?: HogOptions): FeatureExtractor {
  return {
    length: hogLength(CANONICAL_SIZE, CANONICAL_SIZE, options),
    extract: (img28, out) => {
      hog(img28, options, out);
    },
  };
}

/** Several extractors' features one after another. */
export function concatExtractors(...parts: FeatureExtractor[]): FeatureExtractor {
  return {
    length: parts.reduce((a, p) => a + p.length, 0),
    extract: (img28, out) => {
      let off = 0;
      for (const p of parts) {
        p.extract(img28, out.subarray(off, off + p.length));
        off += p.length;
      }
    },
  };
}

/** Every feature kind a model file may name. */
export const EXTRACTORS: Readonly<Record<FeatureKind, FeatureExtractor>> = Object.freeze({
  pixels: pixelExtractor,
  hog: hogExtractor({ orientations: 9, cellSize: 7, blockSize: 2 }),
  hog2: concatExtractors(
    hogExtractor({ orientations: 9, cellSize: 7, blockSize: 2 }),
    hogExtractor({ orientations: 9, cellSize: 4, blockSize: 2 }),
  ),
});

function extractorOf(kind: FeatureKind): FeatureExtractor {
  const e = Object.hasOwn(EXTRACTORS, kind) ? EXTRACTORS[kind] : undefined;
  if (e === undefined) {
    throw new RangeError(
      `feature kind must be one of ${Object.keys(EXTRACTORS).join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  return e;
}

/** Number of features of a kind: 784 for 'pixels', 324 for 'hog'. */
export function featureLength(kind: FeatureKind): number {
  return extractorOf(kind).length;
}

/**
 * The features of a canonical 28×28 image, written into `out` (which must have
 * `featureLength(kind)` values) when given, else into a new array.
 */
export function extractFeatures(
  img28: GrayImage,
  kind: FeatureKind,
  out?: Float32Array,
): Float32Array {
  const e = extractorOf(kind);
  checkImage(img28, 'img28');
  if (img28.width !== CANONICAL_SIZE || img28.height !== CANONICAL_SIZE) {
    throw new RangeError(
      `img28 must be ${CANONICAL_SIZE}×${CANONICAL_SIZE}, got ${img28.width}×${img28.height}`,
    );
  }
  if (out !== undefined) checkTypedArray('out', out, Float32Array);
  if (out !== undefined && out.length !== e.length) {
    throw new RangeError(`out has length ${out.length}, expected ${e.length} for '${kind}'`);
  }
  const result = out ?? new Float32Array(e.length);
  e.extract(img28, result);
  return result;
}
