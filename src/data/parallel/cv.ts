/**
 * Cross-validation on the SIMD kernel over worker threads, in one of two ways:
 *
 * - 'rows' (default): the folds one after another, each gradient split by rows across the
 *   threads (see pool.ts);
 * - 'folds': whole folds on worker threads at once, each fold's C path on one thread (see
 *   folds.ts), then the refit with its rows split across the threads as in 'rows'.
 *
 * Both are core's `logisticRegressionCV` (the same folds, warm-started C paths, scores and refit)
 * and deterministic for a given thread count; in 'folds' mode the folds' results do not depend on
 * it at all and equal those of core's one-thread SIMD backend bit for bit.
 */
import { checkTypedArray } from '../../core/check.js';
import { type CvOptions, type CvResult, logisticRegressionCV } from '../../core/cv.js';
import { checkMatrix, labelsPresent } from '../../core/logistic-checks.js';
import { prepareSimd, type SimdData } from '../../core/simd.js';
import type { Matrix } from '../../core/types.js';
import { createFoldRunner } from './folds.js';
import { createParallelBackend, kernelTakes, threadCount } from './pool.js';

/** How `logisticRegressionCVParallel` spreads the work over the threads. */
export type ParallelMode = 'rows' | 'folds';
export const PARALLEL_MODES: readonly ParallelMode[] = ['rows', 'folds'];

/** Options of `logisticRegressionCVParallel`: core's CV options plus the threads and the mode. */
export interface ParallelCvOptions extends Omit<CvOptions, 'backend' | 'foldRunner'> {
  /** Threads in all, counting the calling one. Default min(2, available cores). */
  threads?: number;
  /**
   * 'rows': each gradient split by rows over the threads, folds in turn. 'folds': one fold per
   * thread at a time (`threads` workers; the calling thread scores the fits meanwhile), then
   * the refit split by rows. Default 'rows'.
   */
  parallel?: ParallelMode;
}

/**
 * X in a shared kernel memory for `threads` threads plus one lane per thread, or undefined where
 * the kernel cannot take the problem (then 'folds' runs as 'rows', which falls back further).
 */
function prepareFolds(
  X: Matrix,
  y: Uint8Array,
  classes: readonly number[] | undefined,
  threads: number,
): SimdData | undefined {
  checkMatrix(X);
  checkTypedArray('y', y, Uint8Array);
  const k = Array.isArray(classes) ? classes.length : labelsPresent(y).length;
  if (!kernelTakes(k)) return undefined;
  try {
    return prepareSimd(X, { threads, shared: true, lanes: threads });
  } catch (err) {
    // Too large for the kernel's 4 GiB.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * `logisticRegressionCV` on the SIMD kernel over `threads` threads, split by rows or by folds.
 * Falls back to one thread's TypeScript objective where the kernel cannot run (more than 10
 * classes).
 */
export function logisticRegressionCVParallel(
  X: Matrix,
  y: Uint8Array,
  options: ParallelCvOptions = {},
): CvResult {
  const { threads: given, parallel, ...cvOptions } = options;
  const threads = threadCount(given);
  const mode = parallel ?? 'rows';
  if (!PARALLEL_MODES.includes(mode))
    throw new RangeError(`parallel must be 'rows' or 'folds', got ${String(mode)}`);
  const data = mode === 'folds' ? prepareFolds(X, y, options.classes, threads) : undefined;
  const backend = createParallelBackend({
    threads,
    prepared: data ? { X: X.data, data } : undefined,
  });
  try {
    const foldRunner = data ? createFoldRunner(data) : undefined;
    return logisticRegressionCV(X, y, { ...cvOptions, backend, foldRunner });
  } finally {
    void backend.close();
  }
}
