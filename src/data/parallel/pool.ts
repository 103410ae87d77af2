/**
 * The logistic objective on the SIMD kernel spread over worker threads. X is copied once into a
 * shared WebAssembly memory; the row list of a fit is split into fixed contiguous ranges, thread 0
 * (the calling thread) takes the first and each worker one of the others, and the partial sums
 * are added in thread order, so a given thread count gives bit-identical results run to run.
 *
 * The objective stays synchronous (L-BFGS calls it as a plain function): the caller wakes the
 * workers through Atomics on a SharedArrayBuffer, runs its own range, then waits for theirs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ObjectiveBackend, ObjectiveKernel, ObjectiveProblem } from '../../core/objective.js';
import {
  bindSimd,
  evaluateBound,
  instantiateKernel,
  KERNEL_ARGS,
  type KernelExports,
  kernelArgs,
  prepareSimd,
  SIMD_MAX_CLASSES,
  type SimdData,
  simdModule,
} from '../../core/simd.js';

/** Options of `createParallelBackend`. */
export interface ParallelOptions {
  /** Threads in all, counting the calling one. Default min(2, available cores). */
  threads?: number;
  /** Milliseconds to wait for a worker's part before giving up with an error. Default 120000. */
  timeoutMs?: number;
  /**
   * X already in a shared kernel memory laid out for exactly `threads` threads (`prepareSimd`
   * with `shared: true`), used instead of a fresh copy for fits on that matrix (same bits).
   */
  prepared?: { X: Float32Array; data: SimdData };
}

/** A backend that owns worker threads: call `close` when done with it. */
export interface ParallelBackend extends ObjectiveBackend {
  readonly threads: number;
  /** Stops the workers. The backend can be used again afterwards (workers restart). */
  close(): Promise<void>;
}

/** Slots of the control array: generation, command, then one done-marker per thread. */
const GEN = 0;
const CMD = 1;
const DONE = 4;
const CMD_RUN = 1;
const CMD_QUIT = 2;
/** Float64 slots per thread in the argument array: the kernel's arguments, then the result. */
const ARG_SLOTS = KERNEL_ARGS + 1;

// Plain CommonJS (eval: true), so it runs the same from src through tsx and from dist.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrlBuf, argBuf, t } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory }, math: { log: Math.log } });
const ctrl = new Int32Array(ctrlBuf);
const args = new Float64Array(argBuf);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  const gen = Atomics.load(ctrl, ${GEN});
  if (gen === seen) continue;
  seen = gen;
  if (Atomics.load(ctrl, ${CMD}) === ${CMD_QUIT}) break;
  let mark = gen;
  try {
    const a = Array.from(args.subarray(t * ${ARG_SLOTS}, t * ${ARG_SLOTS} + ${KERNEL_ARGS}));
    args[t * ${ARG_SLOTS} + ${KERNEL_ARGS}] = inst.exports.objective(...a);
  } catch (err) {
    mark = -gen;
  }
  Atomics.store(ctrl, ${DONE} + t, mark);
  Atomics.notify(ctrl, ${DONE} + t);
}
`;

interface Team {
  data: SimdData;
  kernel: KernelExports;
  workers: Worker[];
  ctrl: Int32Array;
  args: Float64Array;
  gen: number;
}

/** The thread count to use: `threads` checked, by default min(2, available cores). */
export function threadCount(threads?: number): number {
  const t = threads ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(t) || t < 1)
    throw new RangeError(`threads must be a positive integer, got ${t}`);
  return t;
}

/** Whether the SIMD kernel can fit a problem of `k` classes here (else TypeScript does). */
export function kernelTakes(k: number): boolean {
  return k <= SIMD_MAX_CLASSES && simdModule(true) !== null;
}

/**
 * A backend running the SIMD kernel on `threads` threads (the caller plus workers). Problems it
 * cannot take (more classes than the kernel, no WebAssembly SIMD) fall back to TypeScript.
 */
export function createParallelBackend(options: ParallelOptions = {}): ParallelBackend {
  const threads = threadCount(options.threads);
  const timeoutMs = options.timeoutMs ?? 120000;
  const prepared = options.prepared;
  if (prepared !== undefined) {
    if (prepared.data.threads !== threads)
      throw new RangeError(
        `prepared.data must be laid out for the ${threads} threads, got ${prepared.data.threads}`,
      );
    if (!(prepared.data.memory.buffer instanceof SharedArrayBuffer))
      throw new TypeError('prepared.data must be in shared memory (prepareSimd with shared: true)');
  }
  let team: Team | null = null;
  let teamX: Float32Array | null = null;

  const stop = async () => {
    if (!team) return;
    const t = team;
    team = null;
    teamX = null;
    Atomics.store(t.ctrl, CMD, CMD_QUIT);
    Atomics.store(t.ctrl, GEN, ++t.gen);
    Atomics.notify(t.ctrl, GEN);
    await Promise.all(t.workers.map((w) => w.terminate()));
  };

  const start = (problem: ObjectiveProblem): Team => {
    const data =
      prepared && prepared.X === problem.X.data && prepared.data.n === problem.X.n
        ? prepared.data
        : prepareSimd(problem.X, { threads, shared: true });
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * (DONE + threads)));
    const args = new Float64Array(new SharedArrayBuffer(8 * ARG_SLOTS * threads));
    const workers: Worker[] = [];
    for (let t = 1; t < threads; t++) {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: data.module,
          memory: data.memory,
          ctrlBuf: ctrl.buffer,
          argBuf: args.buffer,
          t,
        },
      });
      w.unref();
      workers.push(w);
    }
    return { data, kernel: instantiateKernel(data), workers, ctrl, args, gen: 0 };
  };

  return {
    name: `simd×${threads}`,
    threads,
    close: stop,
    bind(problem: ObjectiveProblem): ObjectiveKernel | null {
      if (!kernelTakes(problem.k)) return null;
      if (!team || teamX !== problem.X.data || team.data.n !== problem.X.n) {
        void stop();
        try {
          team = start(problem);
        } catch (err) {
          // Too large for the kernel's 4 GiB: use the fallback.
          if (err instanceof RangeError) return null;
          throw err;
        }
        teamX = problem.X.data;
      }
      const current = team;
      const { data, kernel, ctrl, args } = current;
      let bound = bindSimd(data, problem);
      return (C, params, grad) => {
        if (team !== current) throw new Error('the parallel backend was closed during a fit');
        if (data.bound !== bound) bound = bindSimd(data, problem);
        return evaluateBound(bound, C, params, grad, () => {
          const gen = ++current.gen;
          for (let t = 1; t < threads; t++) args.set(kernelArgs(bound, t), t * ARG_SLOTS);
          Atomics.store(ctrl, CMD, CMD_RUN);
          Atomics.store(ctrl, GEN, gen);
          Atomics.notify(ctrl, GEN);
          const losses = [kernel.objective(...kernelArgs(bound, 0))];
          for (let t = 1; t < threads; t++) {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
              const mark = Atomics.load(ctrl, DONE + t);
              if (mark === gen) break;
              if (mark === -gen) throw new Error(`worker ${t} failed while computing its rows`);
              if (Date.now() > deadline)
                throw new Error(`worker ${t} did not answer within ${timeoutMs} ms`);
              Atomics.wait(ctrl, DONE + t, mark, 1000);
            }
            losses.push(args[t * ARG_SLOTS + KERNEL_ARGS]);
          }
          return losses;
        });
      };
    },
  };
}
