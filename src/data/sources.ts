/**
 * Named data sources for training and evaluation: `mnist` / `mnist-train`, `mnist-test`, or a path
 * in any supported format. Each is featurised through the core's canonical path and summarised
 * (count and content hash) for the model file's provenance.
 */
import type { DataSourceSummary, PreprocessOptions } from '../core/contracts.js';
import {
  type FeatureSet,
  featurizeDrawings,
  featurizeImageSet,
  featurizeImages,
} from '../core/dataset.js';
import type { FeatureKind } from '../core/types.js';
import { type LabelledData, readLabelledData } from './formats.js';
import { hashBytes } from './hash.js';
import { loadMnist } from './mnist.js';

/** Names that refer to MNIST rather than a path. */
export const MNIST_SOURCES: Record<string, 'train' | 'test'> = {
  mnist: 'train',
  'mnist-train': 'train',
  'mnist-test': 'test',
};

/** Loads a named source or a path (format detected unless given). */
export function loadDataSource(spec: string, format?: string): LabelledData {
  const split = MNIST_SOURCES[spec];
  if (split) return { kind: 'images', set: loadMnist(split), source: spec };
  return readLabelledData(spec, format as never);
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
