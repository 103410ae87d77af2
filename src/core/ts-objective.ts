/**
 * The multinomial logistic objective in float64 TypeScript: `logisticObjective` (checked, for any
 * caller) and `tsBackend`, the reference every other backend is tested against and falls back to.
 */
import {
  checkC,
  checkClasses,
  checkLabels,
  checkMatrix,
  checkRows,
  checkSampleWeight,
  columnOf,
  describe,
} from './logistic-checks.js';
import { finishObjective, type ObjectiveBackend, type RowOptions } from './objective.js';
import { addOuter, loadRow, rowLogits, rowScratch } from './row-kernel.js';
import type { Matrix } from './types.js';

/** Options of `logisticObjective`. */
export interface ObjectiveOptions extends RowOptions {
  /**
   * The class labels in column order; default 0 … k−1, where k = params.length / (X.d + 1).
   * Every label of y in the used rows must be one of them.
   */
  classes?: readonly number[];
}

/**
 * The scaled multinomial objective and its gradient at `params`, for a fit on X, y at this C.
 *
 * Layout of `params` and `grad` (length k·d + k): the weights k × d row-major (one row per class),
 * then the k intercepts. The value returned is the scikit-learn objective
 * C·Σᵢ sᵢ·logloss(xᵢ, yᵢ) + ½‖W‖² divided by C·Σᵢ sᵢ, i.e. the weighted mean log loss plus
 * ‖W‖² / (2·C·Σsᵢ): the same minimiser, better conditioned, and the scaling scikit-learn's lbfgs
 * solver uses (so `tol` means the same). One pass over the used rows of X; no allocation per row.
 */
export function logisticObjective(
  X: Matrix,
  y: Uint8Array,
  C: number,
  params: Float64Array,
  grad: Float64Array,
  options: ObjectiveOptions = {},
): number {
  checkMatrix(X);
  checkLabels(y, X.n);
  checkC(C);
  if (!(params instanceof Float64Array))
    throw new TypeError(`params must be a Float64Array, got ${describe(params)}`);
  if (!(grad instanceof Float64Array))
    throw new TypeError(`grad must be a Float64Array, got ${describe(grad)}`);
  const d = X.d;
  if (params.length % (d + 1) !== 0 || params.length === 0)
    throw new RangeError(`params.length must be k × (d + 1) = k × ${d + 1}, got ${params.length}`);
  const k = params.length / (d + 1);
  if (grad.length !== params.length)
    throw new RangeError(
      `grad.length must equal params.length = ${params.length}, got ${grad.length}`,
    );
  const classes = options.classes ?? Array.from({ length: k }, (_, i) => i);
  checkClasses(classes);
  if (classes.length !== k)
    throw new RangeError(`classes.length must equal k = ${k}, got ${classes.length}`);
  checkRows(options.rows, X.n);
  checkSampleWeight(options.sampleWeight, X.n);
  const col = columnOf(classes);
  const rows = options.rows;
  const nUsed = rows ? rows.length : X.n;
  for (let i = 0; i < nUsed; i++) {
    const label = y[rows ? rows[i] : i];
    if (col[label] < 0)
      throw new RangeError(`y contains label ${label}, which is not among classes ${classes}`);
  }
  return objectiveUnchecked(X, y, C, params, grad, col, k, rows, options.sampleWeight);
}

/** `logisticObjective` after validation; `col` maps labels to columns. */
function objectiveUnchecked(
  X: Matrix,
  y: Uint8Array,
  C: number,
  params: Float64Array,
  grad: Float64Array,
  col: Int16Array,
  k: number,
  rows: Int32Array | undefined,
  sw: Float32Array | undefined,
): number {
  const { d, data } = X;
  const nUsed = rows ? rows.length : X.n;
  const z = new Float64Array(k);
  const res = new Float64Array(k);
  const row = rowScratch(d);
  const bOff = k * d;
  grad.fill(0);
  let swSum = 0;
  let loss = 0;
  for (let i = 0; i < nUsed; i++) {
    const r = rows ? rows[i] : i;
    const s = sw ? sw[r] : 1;
    if (s === 0) continue;
    swSum += s;
    loadRow(data, r, d, row);
    rowLogits(params, d, k, row, z);
    // Softmax with the maximum subtracted, so exp never overflows.
    let zMax = z[0];
    for (let c = 1; c < k; c++) if (z[c] > zMax) zMax = z[c];
    const yc = col[y[r]];
    const zy = z[yc];
    let sumExp = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[c] - zMax);
      z[c] = e;
      sumExp += e;
    }
    // −log softmax_y = log Σ exp(z − zMax) + zMax − z_y, finite even when exp(z_y − zMax) underflows.
    loss += s * (Math.log(sumExp) + zMax - zy);
    // The gradient of the row's loss is (p − onehot(y)) ⊗ x, weighted by s.
    const inv = 1 / sumExp;
    for (let c = 0; c < k; c++) {
      const rc = s * (z[c] * inv - (c === yc ? 1 : 0));
      res[c] = rc;
      grad[bOff + c] += rc;
    }
    addOuter(grad, d, k, row, res);
  }
  return finishObjective(loss, swSum, C, params, grad, bOff, k);
}

/** The float64 TypeScript objective: the reference, and the fallback of every other backend. */
export const tsBackend: ObjectiveBackend = {
  name: 'ts',
  bind: ({ X, y, col, k, rows, sampleWeight }) => {
    return (C, params, grad) =>
      objectiveUnchecked(X, y, C, params, grad, col, k, rows, sampleWeight);
  },
};
