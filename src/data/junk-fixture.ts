/**
 * For tests: a small two-reader model with a not-a-digit reader, trained in a few seconds on
 * 1,200 template drawings and 600 generated non-digits (once per process).
 */
import type { ModelFile } from '../core/contracts.js';
import { resolveTrainConfig, trainModel } from './training.js';

let cached: ModelFile | undefined;

/** The model (see the module comment); `junkTarget` 0.01. */
export function tinyJunkModel(): ModelFile {
  cached ??= trainModel(
    resolveTrainConfig({
      data: ['synthetic:1200'],
      synthetic: { mix: { templates: 1, restroked: 0 } },
      features: 'hog',
      Cs: [1],
      onlineCs: [1],
      cv: 2,
      eval: [],
      junk: 600,
      junkTarget: 0.01,
      createdAt: '2026-01-01',
    }),
  );
  return cached;
}
