/**
 * Cross-validation with every fit's objective spread over worker threads (see pool.ts): the same
 * CV as core's `logisticRegressionCV` (warm-started C path per fold, the same folds, the same
 * refit), with each gradient split across the cores. Deterministic for a given thread count.
 */
import { type CvOptions, type CvResult, logisticRegressionCV } from '../../core/cv.js';
import type { Matrix } from '../../core/types.js';
import { createParallelBackend } from './pool.js';

/** Options of `logisticRegressionCVParallel`: core's CV options plus the thread count. */
export interface ParallelCvOptions extends Omit<CvOptions, 'backend'> {
  /** Threads in all, counting the calling one. Default min(2, available cores). */
  threads?: number;
}

/**
 * `logisticRegressionCV` on the SIMD kernel over `threads` threads. Falls back to one thread's
 * TypeScript objective where the kernel cannot run (more than 10 classes).
 */
export function logisticRegressionCVParallel(
  X: Matrix,
  y: Uint8Array,
  options: ParallelCvOptions = {},
): CvResult {
  const { threads, ...cvOptions } = options;
  const backend = createParallelBackend({ threads });
  try {
    return logisticRegressionCV(X, y, { ...cvOptions, backend });
  } finally {
    void backend.close();
  }
}
