/**
 * What every backend of the logistic objective (TypeScript, SIMD, worker threads) shares: the
 * problem one fit binds, the kernel and backend interfaces, and the final scaling of the sums.
 */
import type { Matrix } from './types.js';

/** The fixed part of one fit: the data, the used rows and weights, and the label columns. */
export interface ObjectiveProblem {
  X: Matrix;
  y: Uint8Array;
  /** Number of classes (columns). */
  k: number;
  /** Column of each label (−1 for labels not among the classes; none occur in the used rows). */
  col: Int16Array;
  rows?: Int32Array;
  sampleWeight?: Float32Array;
}

/** The objective of `logisticObjective` for one problem: returns its value, writes its gradient. */
export type ObjectiveKernel = (C: number, params: Float64Array, grad: Float64Array) => number;

/**
 * A way of computing the objective. `bind` is called once per fit with checked inputs and returns
 * the kernel, or null when it cannot handle the problem (the fit then uses the TypeScript one).
 */
export interface ObjectiveBackend {
  readonly name: string;
  bind(problem: ObjectiveProblem): ObjectiveKernel | null;
}

/**
 * Which objective a fit runs on: 'ts' the float64 TypeScript reference, 'simd' the WebAssembly
 * SIMD kernel on this thread (an error where WebAssembly SIMD is missing), 'auto' SIMD when
 * available and the TypeScript one otherwise, or any ObjectiveBackend (e.g. the worker pool of
 * src/data/parallel).
 */
export type BackendChoice = 'auto' | 'ts' | 'simd' | ObjectiveBackend;

/** Options shared by the objective and the fit: which rows count and how much. */
export interface RowOptions {
  /** Fit on these row indices of X only (no copy of X is made); default all rows. */
  rows?: Int32Array;
  /** Weight of each row of X (indexed by row of X, not by position in `rows`); default all 1. */
  sampleWeight?: Float32Array;
}

/**
 * Turns a summed weighted loss and its gradient into the scaled objective every backend returns:
 * divides by Σs and adds the penalty ‖W‖² / (2·C·Σs) (intercepts, from `bOff` on, unpenalised).
 * With no weight at all (Σs = 0) the loss term vanishes and only the penalty, scaled by 1/C, is left.
 */
export function finishObjective(
  loss: number,
  swSum: number,
  C: number,
  params: Float64Array,
  grad: Float64Array,
  bOff: number,
  k: number,
): number {
  const sw = swSum === 0 ? 1 : swSum;
  const scale = 1 / sw;
  const lambda = 1 / (C * sw);
  let penalty = 0;
  for (let j = 0; j < bOff; j++) {
    const w = params[j];
    penalty += w * w;
    grad[j] = grad[j] * scale + lambda * w;
  }
  for (let c = 0; c < k; c++) grad[bOff + c] *= scale;
  return loss * scale + 0.5 * lambda * penalty;
}
