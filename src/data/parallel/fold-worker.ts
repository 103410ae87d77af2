/**
 * A worker thread of `createFoldRunner` (folds.ts): takes folds from a shared counter and fits
 * each one's warm-started C path on its own lane of the shared kernel memory with the one-thread
 * SIMD objective, posting every fit's parameters back. Numbers only: the validation scores are
 * computed by the calling thread, which holds X.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { rowsWhere } from '../../core/cv.js';
import { solveFit } from '../../core/logistic.js';
import { columnOf } from '../../core/logistic-checks.js';
import { instantiateKernel, type SimdData, singleThreadKernel } from '../../core/simd.js';
import type { Matrix } from '../../core/types.js';
import { FOLD_NEXT, FOLD_SIGNAL, type FoldMessage, type FoldWorkerData } from './fold-protocol.js';

const input = workerData as FoldWorkerData;
const port: MessagePort = input.port;
const ctrl = new Int32Array(input.ctrl);

function post(message: FoldMessage): void {
  port.postMessage(message);
  // Wake the calling thread, which sleeps on this slot between messages.
  Atomics.add(ctrl, FOLD_SIGNAL, 1);
  Atomics.notify(ctrl, FOLD_SIGNAL);
}

function run(): void {
  const { y, folds, nFolds, classes, Cs, tol, maxIter, memory, sampleWeight } = input;
  const data: SimdData = input.data;
  const kernel = instantiateKernel(data);
  const k = classes.length;
  const col = columnOf(classes);
  // The kernel reads X from its memory; the problem's matrix is only checked for its shape.
  const X: Matrix = { n: data.n, d: data.d, data: new Float32Array(0) };
  post({ type: 'ready' });
  for (;;) {
    const fold = Atomics.add(ctrl, FOLD_NEXT, 1);
    if (fold >= nFolds) break;
    const rows = rowsWhere(folds, fold, false);
    const objective = singleThreadKernel(data, kernel, { X, y, k, col, rows, sampleWeight });
    // The C path as fitPath runs it: zeros first, then each fit from the previous solution.
    let x: Float64Array = new Float64Array(k * data.d + k);
    for (let index = 0; index < Cs.length; index++) {
      const result = solveFit(objective, Cs[index], x, tol, maxIter, memory);
      x = result.x;
      post({
        type: 'fit',
        fold,
        index,
        params: x,
        iterations: result.iterations,
        converged: result.converged,
      });
    }
  }
  post({ type: 'done' });
}

try {
  run();
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
