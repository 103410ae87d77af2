/**
 * Named data sources for training and evaluation: `mnist` / `mnist-train`, `mnist-test`,
 * `synthetic[:N]` (canvas drawings generated on the fly from the training seed), `samples[:PATH]`
 * (the app's sample store), or a path in any supported format. Each is featurised through the
 * core's canonical path and summarised (count and content hash) for the model file's provenance.
 */
import type { SourceKind } from '../core/combined.js';
import type { DataSourceSummary, PreprocessOptions } from '../core/contracts.js';
import {
  type FeatureSet,
  featurizeDrawings,
  featurizeImageSet,
  featurizeImages,
} from '../core/dataset.js';
import type { FeatureKind } from '../core/types.js';
import { DataFormatError } from './errors.js';
import { type LabelledData, readLabelledData } from './formats.js';
import { hashBytes } from './hash.js';
import { loadMnist } from './mnist.js';
import { DEFAULT_SAMPLES_PATH, readSampleStore } from './samples.js';
import { type SyntheticSourceOptions, syntheticDrawings } from './synthetic.js';

export type { SyntheticSourceOptions };

/** Names that refer to MNIST rather than a path. */
export const MNIST_SOURCES: Record<string, 'train' | 'test'> = {
  mnist: 'train',
  'mnist-train': 'train',
  'mnist-test': 'test',
};

/** Drawings in a `synthetic` source without a count. */
export const SYNTHETIC_DEFAULT_COUNT = 20000;

/** Options of `loadDataSource`. */
export interface LoadSourceOptions {
  /** Format of a path (detected when not given). */
  format?: string;
  /** Seed of generated sources (`synthetic`): the training seed, so a model is reproducible. */
  seed?: number;
  /** How `synthetic` is generated. */
  synthetic?: SyntheticSourceOptions;
  /** Drawings generated so far, for a generated source (`synthetic`). */
  onProgress?: (done: number, total: number) => void;
}

/** A source in a `--data` list: `NAME[@WEIGHT]`, e.g. `mnist`, `synthetic:20000@2`, `x.jsonl@3`. */
export interface SourceSpec {
  /** The source without its weight (`synthetic:20000`, a path, …). */
  name: string;
  /** Its sample weight, or undefined when the spec gives none. */
  weight?: number;
}

/**
 * Splits `NAME@WEIGHT` (the weight a finite number ≥ 0); a spec without `@` has no weight. In a
 * URL's user part (`samples:postgres://user@host/db`), an `@` before the host is not a weight.
 */
export function parseSourceSpec(spec: string): SourceSpec {
  const at = spec.lastIndexOf('@');
  if (at < 0) return { name: spec };
  if (
    /^samples:postgres(?:ql)?:\/\/[^/]*$/i.test(spec.slice(0, at + 1)) &&
    spec.indexOf('/', at) > at
  )
    return { name: spec };
  const name = spec.slice(0, at);
  const text = spec.slice(at + 1);
  const weight = Number(text);
  if (name === '' || text.trim() === '' || !Number.isFinite(weight) || weight < 0)
    throw new RangeError(
      `source ${JSON.stringify(spec)}: expected NAME@WEIGHT with a number ≥ 0 as the weight`,
    );
  return { name, weight };
}

/** `synthetic` or `synthetic:N` → N (the default count without one); undefined for other names. */
export function syntheticCount(name: string): number | undefined {
  if (name === 'synthetic') return SYNTHETIC_DEFAULT_COUNT;
  const m = /^synthetic:(.*)$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!/^\d+$/.test(m[1]) || !Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`source ${name}: expected synthetic:N with N a whole number ≥ 1`);
  return n;
}

/**
 * `samples` → the app's store (`DIGITREC_DATABASE_URL`, else `DIGITREC_DB`, else the default
 * file), `samples:PATH` or `samples:postgres://…` → that; undefined for other names.
 */
export function samplesPath(name: string): string | undefined {
  if (name === 'samples')
    return process.env.DIGITREC_DATABASE_URL || process.env.DIGITREC_DB || DEFAULT_SAMPLES_PATH;
  if (name.startsWith('samples:') && name.length > 8) return name.slice(8);
  return undefined;
}

/**
 * Loads a named source or a path (format detected unless given). `synthetic[:N]` re-strokes
 * MNIST training digits and draws templates (`syntheticDrawings`), seeded by `options.seed`
 * (default 0).
 */
export function loadDataSource(
  spec: string,
  options: LoadSourceOptions | string = {},
): LabelledData {
  const o: LoadSourceOptions = typeof options === 'string' ? { format: options } : options;
  const split = MNIST_SOURCES[spec];
  if (split) return { kind: 'images', set: loadMnist(split), source: spec };
  const count = syntheticCount(spec);
  if (count !== undefined) {
    const drawings = syntheticDrawings(count, o.seed ?? 0, o.synthetic, o.onProgress);
    return { kind: 'drawings', drawings, source: spec };
  }
  const store = samplesPath(spec);
  if (store !== undefined) {
    const { drawings } = readSampleStore(store);
    if (drawings.length === 0)
      throw new DataFormatError({ file: store }, 'expected samples with strokes, got none');
    return { kind: 'drawings', drawings, source: spec };
  }
  return readLabelledData(spec, o.format as never);
}

/**
 * What a loaded source stands for in training: MNIST and byte-image files (IDX, CSV) are
 * `mnist`, the generated drawings `synthetic`, everything drawn or photographed (stroke files,
 * UNIPEN, image folders, the sample store) `real`.
 */
export function sourceKind(spec: string, data: LabelledData): SourceKind {
  if (syntheticCount(spec) !== undefined) return 'synthetic';
  return data.kind === 'images' ? 'mnist' : 'real';
}

/** Number of labelled items in loaded data. */
export function countItems(data: LabelledData): number {
  if (data.kind === 'images') return data.set.n;
  if (data.kind === 'gray') return data.images.length;
  return data.drawings.length;
}

/** A content hash of the data's labels and pixels or strokes. */
export function hashData(data: LabelledData): string {
  const enc = new TextEncoder();
  if (data.kind === 'images') return hashBytes(data.set.pixels, data.set.labels);
  if (data.kind === 'gray') {
    return hashBytes(
      data.labels,
      ...data.images.map(
        (im) => new Uint8Array(im.data.buffer, im.data.byteOffset, im.data.byteLength),
      ),
    );
  }
  return hashBytes(enc.encode(JSON.stringify(data.drawings.map((d) => [d.label, d.drawing]))));
}

/** Summary of one source for the model file. */
export function summarise(name: string, data: LabelledData, weight = 1): DataSourceSummary {
  return { name, count: countItems(data), hash: hashData(data), weight };
}

/** Featurises loaded data through the canonical preprocessing path. */
export function featurizeData(
  data: LabelledData,
  features: FeatureKind,
  preprocessing: PreprocessOptions,
  onProgress?: (done: number, total: number) => void,
): FeatureSet {
  const options = { features, preprocessing, onProgress };
  if (data.kind === 'images') return featurizeImageSet(data.set, options);
  if (data.kind === 'gray') return featurizeImages(data.images, data.labels, options, data.groups);
  return featurizeDrawings(data.drawings, options);
}
