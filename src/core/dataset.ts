/**
 * Turning labelled data — byte images, grayscale images of any size, or stroke drawings — into a
 * design matrix through the one canonical preprocessing path. Images with no ink are dropped (an
 * empty canvas is never classified), and counted.
 */
import type { PreprocessOptions } from './contracts.js';
import { extractFeatures, featureLength } from './features.js';
import { imageFromBytes, preprocessDrawing, preprocessImage } from './preprocess.js';
import type { FeatureKind, GrayImage, ImageSet, LabelledDrawing, Matrix } from './types.js';

/** How to featurise a data set. */
export interface FeaturizeOptions {
  features: FeatureKind;
  preprocessing: PreprocessOptions;
  /** Called every few hundred items with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

/** A featurised data set: rows of X with their labels and groups. */
export interface FeatureSet {
  X: Matrix;
  y: Uint8Array;
  /** Writer / session per row, when the source had them. */
  groups?: string[];
  /** For each row, the index of the item in the source it came from. */
  sourceIndex: Int32Array;
  /** Items dropped because they had no ink. */
  emptyCount: number;
}

/** An indexable source of canonicalisable items. */
interface ItemSource {
  n: number;
  label(i: number): number;
  group?: (i: number) => string | undefined;
  canonical(i: number): { canonical: GrayImage; empty: boolean };
}

const PROGRESS_EVERY = 500;

function featurize(source: ItemSource, options: FeaturizeOptions): FeatureSet {
  const d = featureLength(options.features);
  const data = new Float32Array(source.n * d);
  const y = new Uint8Array(source.n);
  const sourceIndex = new Int32Array(source.n);
  const groups: string[] = [];
  let rows = 0;
  for (let i = 0; i < source.n; i++) {
    const { canonical, empty } = source.canonical(i);
    if (!empty) {
      extractFeatures(canonical, options.features, data.subarray(rows * d, (rows + 1) * d));
      y[rows] = source.label(i);
      sourceIndex[rows] = i;
      if (source.group) groups.push(source.group(i) ?? '');
      rows++;
    }
    if (options.onProgress && ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === source.n)) {
      options.onProgress(i + 1, source.n);
    }
  }
  return {
    X: { n: rows, d, data: data.slice(0, rows * d) },
    y: y.slice(0, rows),
    groups: source.group ? groups : undefined,
    sourceIndex: sourceIndex.slice(0, rows),
    emptyCount: source.n - rows,
  };
}

/** Featurises an `ImageSet` (e.g. MNIST, a CSV), canonicalising each image first. */
export function featurizeImageSet(set: ImageSet, options: FeaturizeOptions): FeatureSet {
  const size = set.width * set.height;
  return featurize(
    {
      n: set.n,
      label: (i) => set.labels[i],
      group: set.groups ? (i) => set.groups?.[i] : undefined,
      canonical: (i) =>
        preprocessImage(
          imageFromBytes(set.pixels, set.width, set.height, i * size),
          options.preprocessing,
        ),
    },
    options,
  );
}

/** Featurises grayscale images of any size (e.g. a folder of PNGs). */
export function featurizeImages(
  images: GrayImage[],
  labels: Uint8Array,
  options: FeaturizeOptions,
  groups?: string[],
): FeatureSet {
  if (labels.length !== images.length) {
    throw new RangeError(`labels has ${labels.length} entries, expected ${images.length}`);
  }
  return featurize(
    {
      n: images.length,
      label: (i) => labels[i],
      group: groups ? (i) => groups[i] : undefined,
      canonical: (i) => preprocessImage(images[i], options.preprocessing),
    },
    options,
  );
}

/** Featurises stroke drawings through the core rasteriser, like a live drawing. */
export function featurizeDrawings(
  drawings: LabelledDrawing[],
  options: FeaturizeOptions,
): FeatureSet {
  return featurize(
    {
      n: drawings.length,
      label: (i) => drawings[i].label,
      group: (i) => drawings[i].group,
      canonical: (i) => preprocessDrawing(drawings[i].drawing, options.preprocessing),
    },
    options,
  );
}

/** Stacks feature sets with the same width into one, keeping groups when all have them. */
export function concatFeatureSets(sets: FeatureSet[]): FeatureSet {
  if (sets.length === 0) throw new RangeError('concatFeatureSets needs at least one set');
  const d = sets[0].X.d;
  for (const s of sets) {
    if (s.X.d !== d) throw new RangeError(`feature width ${s.X.d} differs from ${d}`);
  }
  const n = sets.reduce((a, s) => a + s.X.n, 0);
  const data = new Float32Array(n * d);
  const y = new Uint8Array(n);
  const sourceIndex = new Int32Array(n);
  const groups: string[] = [];
  let row = 0;
  for (const s of sets) {
    data.set(s.X.data, row * d);
    y.set(s.y, row);
    sourceIndex.set(s.sourceIndex, row);
    for (let i = 0; i < s.X.n; i++) groups.push(s.groups?.[i] ?? '');
    row += s.X.n;
  }
  return {
    X: { n, d, data },
    y,
    groups: sets.every((s) => s.groups) ? groups : undefined,
    sourceIndex,
    emptyCount: sets.reduce((a, s) => a + s.emptyCount, 0),
  };
}
