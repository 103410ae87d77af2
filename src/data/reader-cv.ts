/**
 * The cross-validation of the readers fitted beside the image reader (the online and the
 * not-a-digit reader): LogisticRegressionCV on the config's `onlineCs`, its iteration limits and
 * threads, refit at the best C, with a progress bar of its own.
 */
import type { CvResult } from '../core/cv.js';
import type { Matrix } from '../core/types.js';
import { logisticRegressionCVParallel } from './parallel/cv.js';
import type { TrainConfig, TrainingEvent } from './training-config.js';

/** What differs between the readers: their bar's label, classes, folds and weights. */
export interface ReaderCvOptions {
  label: string;
  classes: readonly number[];
  /** Given folds (one per row), or undefined for `config.cv` stratified ones. */
  folds?: Int32Array;
  sampleWeight?: Float32Array;
}

/** Cross-validates one reader on (X, y) as described above. */
export function crossValidateReader(
  config: TrainConfig,
  X: Matrix,
  y: Uint8Array,
  o: ReaderCvOptions,
  emit: (event: TrainingEvent) => void,
): CvResult {
  const nFolds = o.folds ? new Set(o.folds).size : config.cv;
  const nCs = typeof config.onlineCs === 'number' ? config.onlineCs : config.onlineCs.length;
  const total = nCs * nFolds + 1;
  const { label } = o;
  emit({ kind: 'progress', phase: 'cross-validation', label, done: 0, total });
  return logisticRegressionCVParallel(X, y, {
    Cs: config.onlineCs,
    cv: nFolds,
    folds: o.folds,
    sampleWeight: o.sampleWeight,
    classes: o.classes,
    scoring: config.scoring,
    seed: config.seed,
    maxIter: config.maxIter,
    tol: config.tol,
    memory: config.memory,
    warmStart: config.warmStart,
    refit: true,
    parallel: config.parallel,
    onProgress: (e) =>
      emit({
        kind: 'progress',
        phase: 'cross-validation',
        label,
        done: e.done,
        total,
        detail: `C=${e.C.toPrecision(3)}`,
      }),
  });
}
