/** Seeded synthetic classification problems for the objective and backend tests. */
import { createRng, normal } from './random.js';
import type { Matrix } from './types.js';

/**
 * n rows of d features, about `zeros` of them 0 (MNIST-like sparsity), labels i mod k, the class
 * signal on the features j with j mod k = label; `col` maps labels to class columns, and `rng` is
 * the generator, left where the data ended, for further draws.
 */
export function randomProblem(n: number, d: number, k: number, seed: number, zeros = 0) {
  const rng = createRng(seed);
  const data = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++)
      data[i * d + j] = rng() < zeros ? 0 : normal(rng) + (j % k === y[i] ? 1 : 0);
  }
  const X: Matrix = { n, d, data };
  const col = new Int16Array(256).fill(-1);
  for (let c = 0; c < k; c++) col[c] = c;
  return { X, y, k, col, rng };
}
