/**
 * Recognition off the event loop: a few worker threads (`recognition-worker.ts`) read the
 * drawings and images of `POST /api/predict` and the numbers of `POST /api/recognize-number`, so the main thread only parses, checks and answers
 * while the other cores recognise, and a long read never holds up other requests. With no threads
 * (a one-core machine, or `DIGITREC_RECOGNITION_THREADS=0`) it reads in the main thread with the
 * serving recognizer. Either way the answer is the same, bit for bit: the threads run the same
 * core code on the same numbers.
 */
import { availableParallelism } from 'node:os';
import type { TransferListItem, Worker } from 'node:worker_threads';
import type { Recognition } from '../core/contracts.js';
import type { NumberHints } from '../core/number.js';
import type { Drawing, GrayImage } from '../core/types.js';
import { DataFormatError } from '../data/errors.js';
import { startModuleWorker } from '../data/module-worker.js';
import { HttpError } from './http-error.js';
import type { ServingModel } from './models.js';
import {
  decodeUpload,
  type NumberReadingJson,
  type PoolAnswer,
  type PoolInput,
  type PoolRecognition,
  type PoolRequest,
  packDrawing,
  readNumber,
  THREAD_MODELS,
  withoutCanonical,
} from './recognition-protocol.js';

/** At most this many recognition threads, whatever the machine. */
export const MAX_RECOGNITION_THREADS = 8;

/**
 * The default thread count: one per core, at most the maximum, and none on one core. The main
 * thread mostly waits on sockets, so a thread per core keeps every core reading (on 2 cores, under
 * the bench's load, 2 threads answered 2,966 predicts/s and 1 thread 2,797).
 */
export function defaultRecognitionThreads(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(MAX_RECOGNITION_THREADS, cores);
}

/** Whether `n` is a thread count the pool accepts: an integer from 0 to the maximum. */
export function isRecognitionThreads(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_RECOGNITION_THREADS;
}

/** Throws unless `n` is a thread count the pool accepts, naming what was expected. */
export function checkRecognitionThreads(n: number): number {
  if (!isRecognitionThreads(n)) {
    throw new RangeError(
      `recognition threads: expected an integer from 0 to ${MAX_RECOGNITION_THREADS}, got ${n}`,
    );
  }
  return n;
}

/** What a route asks to read. */
export type ReadInput =
  | { kind: 'drawing'; drawing: Drawing }
  | { kind: 'pixels'; image: GrayImage }
  | { kind: 'image'; bytes: Uint8Array };

interface Pending {
  resolve: (r: unknown) => void;
  reject: (err: Error) => void;
}

/** One thread, the requests it has not answered, and the model versions it holds. */
interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  versions: Set<number>;
}

export class RecognitionPool {
  readonly threads: number;
  #slots: (Thread | null)[];
  #nextId = 1;
  #closed = false;

  /** `threads` worker threads (0: read in the calling thread). */
  constructor(threads: number) {
    this.threads = checkRecognitionThreads(threads);
    this.#slots = Array.from({ length: threads }, () => null);
  }

  /** Reads `input` with the serving model `serving`. */
  read(serving: ServingModel, input: ReadInput): Promise<PoolRecognition> {
    if (this.threads === 0 || this.#closed)
      return this.#inline(() => withoutCanonical(this.#readInline(serving, input)));
    const transfer: TransferListItem[] = [];
    let packed: PoolInput;
    if (input.kind === 'drawing') {
      packed = packDrawing(input.drawing);
      transfer.push(packed.xy.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer);
    } else if (input.kind === 'pixels') {
      const data = input.image.data.slice();
      packed = { kind: 'pixels', width: input.image.width, height: input.image.height, data };
      transfer.push(data.buffer as ArrayBuffer);
    } else {
      const bytes = input.bytes.slice();
      packed = { kind: 'image', bytes };
      transfer.push(bytes.buffer as ArrayBuffer);
    }
    return this.#send(serving, packed, transfer) as Promise<PoolRecognition>;
  }

  /** Reads the number written in `drawing` (see `readNumber`) with the serving model. */
  readNumber(
    serving: ServingModel,
    drawing: Drawing,
    hints: NumberHints,
  ): Promise<NumberReadingJson> {
    if (this.threads === 0 || this.#closed)
      return this.#inline(() => readNumber(serving.recognizer, drawing, hints));
    const packed = packDrawing(drawing);
    const transfer = [packed.xy.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer];
    return this.#send(
      serving,
      { kind: 'number', drawing: packed, hints },
      transfer,
    ) as Promise<NumberReadingJson>;
  }

  /** A read in the calling thread, or the pool's refusal once closed. */
  #inline<T>(read: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the recognition pool is closed'));
    try {
      return Promise.resolve(read());
    } catch (err) {
      // As a thread reports it: a file that cannot be read is the client's error.
      return Promise.reject(err instanceof DataFormatError ? new HttpError(400, err.message) : err);
    }
  }

  /** Posts a request to the least busy thread, with the model file if the thread lacks it. */
  #send(serving: ServingModel, input: PoolInput, transfer: TransferListItem[]): Promise<unknown> {
    const thread = this.#leastBusy();
    const id = this.#nextId++;
    const request: PoolRequest = { id, version: serving.version, input };
    if (!thread.versions.has(serving.version)) {
      request.model = serving.json;
      thread.versions.add(serving.version);
      // As the thread will: the oldest file sent goes.
      while (thread.versions.size > THREAD_MODELS)
        thread.versions.delete(thread.versions.values().next().value as number);
    }
    return new Promise((resolve, reject) => {
      // A thread with work keeps the process alive; an idle one does not.
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage(request, transfer);
    });
  }

  #readInline(serving: ServingModel, input: ReadInput): Recognition {
    const r = serving.recognizer;
    if (input.kind === 'drawing') return r.recognizeDrawing(input.drawing);
    if (input.kind === 'pixels') return r.recognizeImage(input.image);
    return r.recognizeImage(decodeUpload(input.bytes));
  }

  /** The thread with the fewest unanswered requests, started if its slot is empty. */
  #leastBusy(): Thread {
    let best = -1;
    let load = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#slots.length; i++) {
      const n = this.#slots[i]?.pending.size ?? 0;
      if (n < load) {
        best = i;
        load = n;
      }
    }
    const thread = this.#slots[best] ?? this.#start(best);
    this.#slots[best] = thread;
    return thread;
  }

  #start(slot: number): Thread {
    const worker = startModuleWorker(import.meta.url, './recognition-worker', {});
    const thread: Thread = { worker, pending: new Map(), versions: new Set() };
    worker.on('message', (a: PoolAnswer) => {
      const p = thread.pending.get(a.id);
      if (!p) return;
      thread.pending.delete(a.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if (a.ok) p.resolve(a.result);
      else if (a.statusCode === 400) p.reject(new HttpError(400, a.message));
      else p.reject(new Error(`recognition failed: ${a.message}`));
    });
    const fail = (why: string) => {
      // A thread that stops answers nothing more: its requests fail, the next read starts anew.
      if (this.#slots[slot] === thread) this.#slots[slot] = null;
      for (const p of thread.pending.values()) p.reject(new Error(`recognition thread ${why}`));
      thread.pending.clear();
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    worker.unref();
    return thread;
  }

  /** Stops the threads; reads still waiting fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = this.#slots.filter((t): t is Thread => t !== null);
    this.#slots = this.#slots.map(() => null);
    await Promise.all(running.map((t) => t.worker.terminate()));
  }
}
