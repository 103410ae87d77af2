/**
 * Folds in parallel: worker threads each take whole folds (their warm-started C paths) from a
 * shared counter and fit them on the one-thread SIMD objective, each on its own lane of one shared
 * kernel memory holding X once. A fold's fits are therefore bit-identical to running it alone with
 * core's one-thread `simdBackend`, whichever worker takes it and in whatever order the folds
 * finish. The calling thread waits (Atomics), rebuilds each fit's model, scores it on the
 * held-out rows and reports progress; the result is assembled in fold order.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  type Worker,
} from 'node:worker_threads';
import {
  checkFoldSizes,
  cvScore,
  type FoldResult,
  type FoldRunner,
  rowsWhere,
} from '../../core/cv.js';
import { type CheckedFit, checkFit } from '../../core/logistic.js';
import { type LogisticModel, modelFromParameters } from '../../core/logistic-model.js';
import { laneView, type SimdData } from '../../core/simd.js';
import { startModuleWorker } from '../module-worker.js';
import {
  FOLD_CTRL_SLOTS,
  FOLD_NEXT,
  FOLD_SIGNAL,
  type FoldMessage,
  type FoldWorkerData,
} from './fold-protocol.js';

/** Options of `createFoldRunner`. */
export interface FoldWorkersOptions {
  /** Milliseconds a worker may stay silent (no fit finished) before the run fails. Default 600000. */
  timeoutMs?: number;
  /** Milliseconds a worker may take to start. Default 60000. */
  startTimeoutMs?: number;
}

/**
 * A `FoldRunner` over `data` (X in a shared kernel memory, `prepareSimd` with `shared: true` and
 * one lane per worker): one worker thread per lane, at most one per fold. The options' `backend`
 * is not used: every fold runs on the SIMD kernel.
 */
export function createFoldRunner(data: SimdData, options: FoldWorkersOptions = {}): FoldRunner {
  const timeoutMs = options.timeoutMs ?? 600000;
  const startTimeoutMs = options.startTimeoutMs ?? 60000;
  if (data.lanes.length < 1)
    throw new RangeError('data must have at least one lane (prepareSimd lanes ≥ 1), got none');
  return (X, y, folds, nFolds, runOptions) => {
    if (X.n !== data.n || X.d !== data.d)
      throw new RangeError(`X must be the ${data.n} × ${data.d} matrix the kernel holds`);
    const { Cs, classes, scoring, sampleWeight, onFit } = runOptions;
    if (runOptions.warmStart === 'folds')
      throw new RangeError(
        "warmStart 'folds' fits the folds in order, one from another; parallel 'folds' fits them at once (use parallel 'rows')",
      );
    const validationRows: Int32Array[] = [];
    // Refuse bad input here, as the sequential fits would, rather than inside a worker; the
    // first fold's check also gives the limits every fit runs with.
    let checked: CheckedFit | undefined;
    for (let f = 0; f < nFolds; f++) {
      validationRows.push(rowsWhere(folds, f, true));
      checkFoldSizes(f, folds.length - validationRows[f].length, validationRows[f].length);
      if (f === 0)
        checked = checkFit(X, y, { ...runOptions, C: Cs[0], rows: rowsWhere(folds, 0, false) });
    }
    if (!checked) throw new RangeError(`nFolds must be at least 1, got ${nFolds}`);
    const { maxIter, tol, memory } = checked;
    const k = classes.length;
    const nParams = k * X.d;
    const ctrlBuf = new SharedArrayBuffer(4 * FOLD_CTRL_SLOTS);
    const ctrl = new Int32Array(ctrlBuf);
    const nWorkers = Math.min(data.lanes.length, nFolds);
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const scores: number[][] = Array.from({ length: nFolds }, () => []);
    const models: LogisticModel[][] = Array.from({ length: nFolds }, () => []);
    try {
      for (let w = 0; w < nWorkers; w++) {
        const { port1, port2 } = new MessageChannel();
        const workerData: FoldWorkerData = {
          data: laneView(data, w),
          y,
          sampleWeight,
          folds,
          nFolds,
          classes: [...classes],
          Cs: [...Cs],
          tol,
          maxIter,
          memory,
          ctrl: ctrlBuf,
          port: port2,
        };
        const worker = startModuleWorker(import.meta.url, './fold-worker', workerData, [port2]);
        worker.unref();
        workers.push(worker);
        ports.push(port1);
      }
      const started = new Array<boolean>(nWorkers).fill(false);
      const finished = new Array<boolean>(nWorkers).fill(false);
      let lastHeard = Date.now();
      const handle = (w: number, message: FoldMessage) => {
        switch (message.type) {
          case 'ready':
            started[w] = true;
            return;
          case 'done':
            finished[w] = true;
            return;
          case 'error':
            throw new Error(`fold worker ${w} failed: ${message.message}`);
          case 'fit': {
            const { fold, index, params } = message;
            const model = modelFromParameters(
              classes,
              params.subarray(0, nParams),
              params.subarray(nParams),
              Cs[index],
              { iterations: message.iterations, converged: message.converged },
            );
            const score = cvScore(model, X, y, validationRows[fold], scoring);
            models[fold][index] = model;
            scores[fold][index] = score;
            onFit?.(fold, index, score, model);
            return;
          }
        }
      };
      while (finished.some((f) => !f)) {
        const seen = Atomics.load(ctrl, FOLD_SIGNAL);
        let heard = false;
        for (let w = 0; w < nWorkers; w++) {
          for (let m = receiveMessageOnPort(ports[w]); m; m = receiveMessageOnPort(ports[w])) {
            handle(w, m.message as FoldMessage);
            heard = true;
          }
        }
        const now = Date.now();
        if (heard) {
          lastHeard = now;
          continue;
        }
        const limit = started.every(Boolean) ? timeoutMs : startTimeoutMs;
        if (now - lastHeard > limit) {
          const w = started.indexOf(false);
          throw new Error(
            w >= 0
              ? `fold worker ${w} did not start within ${startTimeoutMs} ms`
              : `no fold worker finished a fit within ${timeoutMs} ms`,
          );
        }
        Atomics.wait(ctrl, FOLD_SIGNAL, seen, 1000);
      }
    } finally {
      // Stop the workers of a failed run too (Atomics.add past nFolds makes idle ones exit).
      Atomics.store(ctrl, FOLD_NEXT, nFolds);
      for (const w of workers) void w.terminate();
      for (const p of ports) p.close();
    }
    const results: FoldResult[] = [];
    for (let f = 0; f < nFolds; f++) {
      if (models[f].length !== Cs.length || models[f].some((m) => m === undefined))
        throw new Error(`fold ${f} did not report all ${Cs.length} fits`);
      results.push({
        fold: f,
        validationRows: validationRows[f],
        scores: scores[f],
        models: models[f],
      });
    }
    return results;
  };
}
