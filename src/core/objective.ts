/** The part of the logistic objective every backend (TypeScript, SIMD, threads) shares. */

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
