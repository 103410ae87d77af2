/**
 * The logistic objective on a WebAssembly SIMD kernel (built from WAT by scripts/build-wasm.mjs).
 *
 * X is copied once into the kernel's memory, compacted by groups of 4 features: a row keeps only
 * the groups with a nonzero value (raw MNIST pixels keep about a quarter, hog2 features 85%),
 * stored as f32x4, with one presence bit per group and row. One
 * pass over the rows computes logits in f64 (x promoted from f32; weights f64), the softmax in
 * f64, and accumulates residual ⊗ x as f32x4 for at most `BLOCK_ROWS` rows before adding into f64
 * sums, so the gradient agrees with the float64 reference to about 1e-7 relative (tested). The
 * rows are split into contiguous ranges, one per thread, each with its own accumulators, summed
 * in thread order afterwards: the result depends on the thread count but never on timing.
 *
 * Pure: uses only the standard `WebAssembly` global. Worker threads live in src/data/parallel.
 */
import {
  finishObjective,
  type ObjectiveBackend,
  type ObjectiveKernel,
  type ObjectiveProblem,
} from './objective.js';
import {
  KERNEL_CLASSES,
  KERNEL_WASM_BASE64,
  KERNEL_WASM_SHARED_BASE64,
} from './simd-kernel.generated.js';
import type { Matrix } from './types.js';

/** The parts of the standard WebAssembly API used here (lib es2022 has no typings for it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
/** A compiled kernel module (opaque; can be posted to a worker). */
export type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Rows whose f32 gradient terms are summed before going into the f64 sums. */
export const BLOCK_ROWS = 64;
/** Classes one kernel call handles; more fall back to the TypeScript objective. */
export const SIMD_MAX_CLASSES = KERNEL_CLASSES;
const K = KERNEL_CLASSES;
const PAGE = 65536;
/** Intercept of a padding class: its probability underflows to exactly 0. */
const PAD_INTERCEPT = -1e300;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard base64 (no `atob` in every runtime's typings). */
function fromBase64(text: string): Uint8Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < B64.length; i++) lookup[B64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | lookup[clean.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let plainModule: WasmModule | null | undefined;
let sharedModule: WasmModule | null | undefined;

/** The compiled kernel, or null when this runtime has no WebAssembly SIMD (or shared memory). */
export function simdModule(shared: boolean): WasmModule | null {
  if (shared ? sharedModule !== undefined : plainModule !== undefined)
    return (shared ? sharedModule : plainModule) ?? null;
  let mod: WasmModule | null = null;
  try {
    const bytes = fromBase64(shared ? KERNEL_WASM_SHARED_BASE64 : KERNEL_WASM_BASE64);
    if (wasmApi?.validate(bytes)) mod = new wasmApi.Module(bytes);
  } catch {
    mod = null;
  }
  if (shared) sharedModule = mod;
  else plainModule = mod;
  return mod;
}

/** Whether the SIMD kernel runs here (WebAssembly with the fixed-width SIMD proposal). */
export function simdAvailable(): boolean {
  return simdModule(false) !== null;
}

/** Byte offsets of one thread's accumulators. */
interface ThreadArea {
  g32: number;
  g64: number;
  /** K intercept-gradient sums, then Σ sample weights. */
  gb: number;
}

/**
 * One more fit's own part of a kernel memory (see `prepareSimd`'s `lanes`): its row list, labels,
 * weights, parameters and one thread's accumulators, next to the shared copy of X.
 */
export interface SimdLane {
  readonly rows: number;
  readonly lab: number;
  readonly sw: number;
  readonly W: number;
  readonly bias: number;
  readonly area: ThreadArea;
}

/** X copied into kernel memory, with room for one bound problem and `threads` accumulators. */
export interface SimdData {
  readonly n: number;
  readonly d: number;
  /** Feature groups of 4: ⌈d / 4⌉. */
  readonly nGroups: number;
  /** u64 words of each row's group-presence mask: ⌈nGroups / 64⌉. */
  readonly nWords: number;
  readonly threads: number;
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  readonly rowPtr: number;
  readonly mask: number;
  readonly gVal: number;
  readonly rows: number;
  readonly lab: number;
  readonly sw: number;
  readonly W: number;
  readonly bias: number;
  readonly areas: readonly ThreadArea[];
  /** Extra single-thread fit areas over the same X (see `laneView`); none by default. */
  readonly lanes: readonly SimdLane[];
  /** Groups stored (nonzero groups over all rows). */
  readonly storedGroups: number;
  /** The problem whose rows, labels and weights are in memory now. */
  bound: BoundProblem | null;
  /** What the thread areas' sums were computed for (see `heldLosses`); null before any pass. */
  evaluated: KernelPass | null;
}

/** A kernel pass whose sums are still in the thread areas: its problem, parameters and losses. */
export interface KernelPass {
  readonly problem: ObjectiveProblem;
  readonly params: Float64Array;
  readonly losses: readonly number[];
}

/** A fit's fixed part, bound to a SimdData. */
export interface BoundProblem {
  readonly data: SimdData;
  readonly k: number;
  /** Rows in the row list. */
  readonly m: number;
  readonly hasWeights: boolean;
  readonly problem: ObjectiveProblem;
}

const align = (x: number, a: number) => Math.ceil(x / a) * a;

/**
 * Copies X into a new kernel memory laid out for `threads` threads (shared memory when `shared`,
 * for worker threads), plus `lanes` (default 0) independent single-thread fit areas, so that as
 * many fits can run at once on the one copy of X (`laneView`). Throws a RangeError when it would
 * not fit in 4 GiB of wasm32 memory.
 */
export function prepareSimd(
  X: Matrix,
  options: { threads?: number; shared?: boolean; lanes?: number } = {},
) {
  const threads = options.threads ?? 1;
  const shared = options.shared ?? false;
  const nLanes = options.lanes ?? 0;
  if (!Number.isInteger(nLanes) || nLanes < 0)
    throw new RangeError(`lanes must be an integer ≥ 0, got ${nLanes}`);
  const mod = simdModule(shared);
  if (!mod || !wasmApi) throw new Error('WebAssembly SIMD is not available in this runtime');
  const { n, d, data } = X;
  const nGroups = Math.ceil(d / 4);
  const nWords = Math.ceil(nGroups / 64);
  // First pass: count the nonzero groups.
  let stored = 0;
  for (let r = 0; r < n; r++) {
    const base = r * d;
    for (let g = 0; g < nGroups; g++) {
      const j0 = 4 * g;
      const j1 = Math.min(j0 + 4, d);
      for (let j = j0; j < j1; j++) {
        if (data[base + j] !== 0) {
          stored++;
          break;
        }
      }
    }
  }
  let at = 64;
  const take = (bytes: number, a = 16) => {
    const off = align(at, a);
    at = off + bytes;
    return off;
  };
  const rowPtr = take((n + 1) * 4);
  const mask = take(n * nWords * 8);
  const gVal = take(stored * 16);
  // One fit's row list, labels, weights and parameters; one thread's accumulators. The main fit
  // and each lane take the same layout, in this order.
  const takeFit = () => ({
    rows: take(n * 4),
    lab: take(n),
    sw: take(n * 4),
    W: take(nGroups * K * 32),
    bias: take(K * 8),
  });
  const takeArea = (): ThreadArea => ({
    g32: take(nGroups * K * 16),
    g64: take(nGroups * K * 32),
    gb: take((K + 2) * 8),
  });
  const { rows, lab, sw, W, bias } = takeFit();
  const areas: ThreadArea[] = [];
  for (let t = 0; t < threads; t++) areas.push(takeArea());
  const lanes: SimdLane[] = [];
  for (let l = 0; l < nLanes; l++) lanes.push({ ...takeFit(), area: takeArea() });
  if (at > 2 ** 32 - PAGE)
    throw new RangeError(`X needs ${at} bytes of kernel memory, more than wasm32's 4 GiB`);
  const pages = Math.ceil(at / PAGE);
  const memory = new wasmApi.Memory(
    shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages },
  );
  const buf = memory.buffer;
  const ptr = new Uint32Array(buf, rowPtr, n + 1);
  // Little-endian u64 mask words seen as u32 pairs: bit g of a row is u32 word g >> 5, bit g & 31.
  const bits = new Uint32Array(buf, mask, n * nWords * 2);
  const val = new Float32Array(buf, gVal, stored * 4);
  let q = 0;
  for (let r = 0; r < n; r++) {
    ptr[r] = q;
    const base = r * d;
    for (let g = 0; g < nGroups; g++) {
      const j0 = 4 * g;
      const j1 = Math.min(j0 + 4, d);
      let any = false;
      for (let j = j0; j < j1; j++) if (data[base + j] !== 0) any = true;
      if (!any) continue;
      bits[r * nWords * 2 + (g >> 5)] |= 1 << (g & 31);
      for (let j = j0; j < j1; j++) val[4 * q + j - j0] = data[base + j];
      q++;
    }
  }
  ptr[n] = q;
  const result: SimdData = {
    n,
    d,
    nGroups,
    nWords,
    threads,
    memory,
    module: mod,
    rowPtr,
    mask,
    gVal,
    rows,
    lab,
    sw,
    W,
    bias,
    areas,
    lanes,
    storedGroups: stored,
    bound: null,
    evaluated: null,
  };
  return result;
}

/**
 * Lane `lane` of `data` as a one-thread SimdData: X shared with `data` and every other lane, the
 * rest its own. A fit on it computes exactly what the one-thread `simdBackend` computes. The
 * result holds only numbers and the memory and module, so it can be posted to a worker.
 */
export function laneView(data: SimdData, lane: number): SimdData {
  const l = data.lanes[lane];
  if (l === undefined)
    throw new RangeError(`lane must be in [0, ${data.lanes.length}), got ${lane}`);
  return {
    ...data,
    threads: 1,
    rows: l.rows,
    lab: l.lab,
    sw: l.sw,
    W: l.W,
    bias: l.bias,
    areas: [l.area],
    lanes: [],
    bound: null,
    evaluated: null,
  };
}

/**
 * The objective of `problem` on a one-thread SimdData (the kernel instantiated on its memory in
 * the calling thread): the same arithmetic as `simdBackend`.
 */
export function singleThreadKernel(
  data: SimdData,
  kernel: KernelExports,
  problem: ObjectiveProblem,
): ObjectiveKernel {
  if (data.threads !== 1)
    throw new RangeError(`data must be laid out for 1 thread, got ${data.threads}`);
  let bound = bindSimd(data, problem);
  return (C, params, grad) => {
    if (data.bound !== bound) bound = bindSimd(data, problem);
    return evaluateBound(bound, C, params, grad, () => [kernel.objective(...kernelArgs(bound, 0))]);
  };
}

/**
 * One evaluation of the objective of `bound` at `params`, by either kernel driver: from the sums
 * still in the thread areas when the last pass was for the same problem at these parameters
 * (`heldLosses`), else by writing the parameters and running `pass`, which runs the kernel on
 * every thread's rows and returns their losses in thread order; that pass is then recorded.
 */
export function evaluateBound(
  bound: BoundProblem,
  C: number,
  params: Float64Array,
  grad: Float64Array,
  pass: () => number[],
): number {
  const held = heldLosses(bound, params);
  if (held) return combine(bound, held, C, params, grad);
  // The pass below overwrites the sums: until it ends, none are held.
  bound.data.evaluated = null;
  writeParams(bound, params);
  const losses = pass();
  recordPass(bound, params, losses);
  return combine(bound, losses, C, params, grad);
}

/** Whether two typed arrays hold the same bits (both absent counts as the same). */
function sameBits(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const z = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== z[i]) return false;
  return true;
}

/** Whether two problems put the same rows, labels and weights of the same X into kernel memory. */
function sameProblem(a: ObjectiveProblem, b: ObjectiveProblem): boolean {
  if (a === b) return true;
  return (
    a.X.data === b.X.data &&
    a.X.n === b.X.n &&
    a.X.d === b.X.d &&
    a.k === b.k &&
    sameBits(a.col, b.col) &&
    sameBits(a.rows, b.rows) &&
    sameBits(a.y, b.y) &&
    sameBits(a.sampleWeight, b.sampleWeight)
  );
}

/**
 * The per-thread losses of the last kernel pass on `bound`'s memory when that pass was for the
 * same problem at exactly these parameters (its sums are then still in the thread areas), else
 * null. A warm-started fit starts where the previous fit of its C path stopped, which was its last
 * evaluation: the data part is the same, only the penalty (C) differs, so `combine` over the held
 * sums gives the bits a new pass would give, without the pass.
 */
function heldLosses(bound: BoundProblem, params: Float64Array): readonly number[] | null {
  const last = bound.data.evaluated;
  if (last === null || !sameBits(last.params, params)) return null;
  return sameProblem(last.problem, bound.problem) ? last.losses : null;
}

/** Records that the thread areas now hold the sums of `bound` at `params` (see `heldLosses`). */
function recordPass(bound: BoundProblem, params: Float64Array, losses: readonly number[]): void {
  const { data } = bound;
  const kept = data.evaluated?.params;
  const copy = kept && kept.length === params.length ? kept : new Float64Array(params.length);
  copy.set(params);
  data.evaluated = { problem: bound.problem, params: copy, losses: [...losses] };
}

/** Writes a problem's row list, label columns and weights into the kernel memory. */
export function bindSimd(data: SimdData, problem: ObjectiveProblem): BoundProblem {
  const { X, y, k, col, rows, sampleWeight } = problem;
  if (k > K) throw new RangeError(`the SIMD kernel handles at most ${K} classes, got ${k}`);
  if (X.n !== data.n || X.d !== data.d)
    throw new RangeError(`X must be the ${data.n} × ${data.d} matrix the kernel holds`);
  const m = rows ? rows.length : X.n;
  const buf = data.memory.buffer;
  const list = new Int32Array(buf, data.rows, data.n);
  if (rows) list.set(rows);
  else for (let i = 0; i < m; i++) list[i] = i;
  const lab = new Uint8Array(buf, data.lab, data.n);
  for (let i = 0; i < m; i++) {
    const r = list[i];
    lab[r] = col[y[r]];
  }
  if (sampleWeight) new Float32Array(buf, data.sw, data.n).set(sampleWeight);
  const bound: BoundProblem = { data, k, m, hasWeights: sampleWeight !== undefined, problem };
  data.bound = bound;
  return bound;
}

/** The contiguous range of row-list positions thread t of T takes: a fixed partition. */
export function partition(m: number, t: number, threads: number): [number, number] {
  return [Math.floor((t * m) / threads), Math.floor(((t + 1) * m) / threads)];
}

/** Number of arguments of the kernel's `objective` export. */
export const KERNEL_ARGS = 16;

/** Arguments of the kernel's `objective` export for thread t's rows. */
export function kernelArgs(bound: BoundProblem, t: number): number[] {
  const { data, m } = bound;
  const [start, end] = partition(m, t, data.threads);
  const a = data.areas[t];
  return [
    data.rows,
    start,
    end,
    data.rowPtr,
    data.mask,
    data.nWords,
    data.gVal,
    data.lab,
    bound.hasWeights ? data.sw : 0,
    data.W,
    data.bias,
    a.g32,
    a.g64,
    a.gb,
    data.nGroups,
    BLOCK_ROWS,
  ];
}

/** Imports of the kernel module for a memory. */
export function kernelImports(memory: WasmMemory): object {
  return { env: { memory }, math: { log: Math.log } };
}

/** Instantiates the kernel on a SimdData's memory (in this thread). */
export function instantiateKernel(data: SimdData): KernelExports {
  if (!wasmApi) throw new Error('WebAssembly is not available in this runtime');
  const inst = new wasmApi.Instance(data.module, kernelImports(data.memory));
  return inst.exports as unknown as KernelExports;
}

/** The kernel's exports. */
export interface KernelExports {
  objective(...args: number[]): number;
}

/** Writes params (k × d weights row-major, then k intercepts) into the kernel's layout. */
function writeParams(bound: BoundProblem, params: Float64Array): void {
  const { data, k } = bound;
  const { d, nGroups } = data;
  const buf = data.memory.buffer;
  const W = new Float64Array(buf, data.W, nGroups * K * 4);
  for (let g = 0; g < nGroups; g++) {
    for (let c = 0; c < K; c++) {
      const o = (g * K + c) * 4;
      for (let l = 0; l < 4; l++) {
        const j = 4 * g + l;
        W[o + l] = c < k && j < d ? params[c * d + j] : 0;
      }
    }
  }
  const b = new Float64Array(buf, data.bias, K);
  for (let c = 0; c < K; c++) b[c] = c < k ? params[k * d + c] : PAD_INTERCEPT;
}

/**
 * Sums the threads' partial results in thread order and applies the scaling of
 * `logisticObjective`: returns the objective and writes its gradient.
 */
function combine(
  bound: BoundProblem,
  losses: readonly number[],
  C: number,
  params: Float64Array,
  grad: Float64Array,
): number {
  const { data, k } = bound;
  const { d, nGroups } = data;
  const buf = data.memory.buffer;
  const bOff = k * d;
  grad.fill(0);
  let loss = 0;
  let swSum = 0;
  for (let t = 0; t < data.threads; t++) {
    const a = data.areas[t];
    const g64 = new Float64Array(buf, a.g64, nGroups * K * 4);
    const gb = new Float64Array(buf, a.gb, K + 1);
    loss += losses[t];
    swSum += gb[K];
    for (let c = 0; c < k; c++) {
      const row = c * d;
      for (let j = 0; j < d; j++) {
        const g = j >> 2;
        grad[row + j] += g64[(g * K + c) * 4 + (j & 3)];
      }
      grad[bOff + c] += gb[c];
    }
  }
  return finishObjective(loss, swSum, C, params, grad, bOff, k);
}

/** Kernel memories of one thread, per X (released with X). */
const cache = new WeakMap<Float32Array, { data: SimdData; kernel: KernelExports }>();

/**
 * The single-threaded SIMD backend: X is copied into kernel memory on first use and kept while X
 * lives, so every fit of a CV path reuses it. Declines (returns null) problems with more than
 * `SIMD_MAX_CLASSES` classes.
 */
export const simdBackend: ObjectiveBackend = {
  name: 'simd',
  bind(problem: ObjectiveProblem): ObjectiveKernel | null {
    if (problem.k > K || !simdAvailable()) return null;
    let entry = cache.get(problem.X.data);
    if (!entry || entry.data.n !== problem.X.n || entry.data.d !== problem.X.d) {
      let data: SimdData;
      try {
        data = prepareSimd(problem.X);
      } catch (err) {
        // Too large for the kernel's 4 GiB: use the fallback.
        if (err instanceof RangeError) return null;
        throw err;
      }
      entry = { data, kernel: instantiateKernel(data) };
      cache.set(problem.X.data, entry);
    }
    return singleThreadKernel(entry.data, entry.kernel, problem);
  },
};
