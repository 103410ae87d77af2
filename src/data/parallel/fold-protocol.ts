/** What the calling thread and the fold workers (fold-worker.ts) send each other. */
import type { MessagePort } from 'node:worker_threads';
import type { SimdData } from '../../core/simd.js';

/** Int32 slot of the control array holding the next fold to take. */
export const FOLD_NEXT = 0;
/** Int32 slot a worker increments (and notifies) after each message. */
export const FOLD_SIGNAL = 1;
/** Int32 slots of the control array. */
export const FOLD_CTRL_SLOTS = 2;

/** A fold worker's input. */
export interface FoldWorkerData {
  /** Its lane of the shared kernel memory (`laneView`). */
  data: SimdData;
  y: Uint8Array;
  sampleWeight?: Float32Array;
  folds: Int32Array;
  nFolds: number;
  classes: number[];
  Cs: number[];
  tol: number;
  maxIter: number;
  /** L-BFGS correction pairs. */
  memory: number;
  /** SharedArrayBuffer of `FOLD_CTRL_SLOTS` Int32 slots. */
  ctrl: SharedArrayBuffer;
  port: MessagePort;
}

/** A fold worker's messages, in the order sent. */
export type FoldMessage =
  | { type: 'ready' }
  | {
      type: 'fit';
      fold: number;
      /** Index in Cs. */
      index: number;
      /** The solution: k × d weights row-major, then k intercepts. */
      params: Float64Array;
      iterations: number;
      converged: boolean;
    }
  | { type: 'done' }
  | { type: 'error'; message: string };
