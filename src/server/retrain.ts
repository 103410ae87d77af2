/**
 * Retraining jobs: one at a time, each in a worker thread (`train-worker.ts`) so the server keeps
 * answering. Progress and log lines are kept in the job's state and broadcast to listeners (the
 * SSE route), and written to the job's row in the store a few times a second at most; a server
 * sharing the store that does not run the job reads that row while a page follows it (`follow`)
 * and emits the same events. When the worker's result arrives the candidate becomes a new
 * version, promoted iff it is not worse than the serving model on the held-out app drawings. A
 * worker that throws, exits or is cancelled leaves the serving model as it was (the job failed
 * with its error, or cancelled).
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { ModelFile, RetrainJob, RetrainJobResult } from '../core/contracts.js';
import { parseModelFile } from '../core/model-file.js';
import { startModuleWorker } from '../data/module-worker.js';
import { pct } from '../data/report/svg.js';
import { MNIST_SOURCES, parseSourceSpec, samplesPath, syntheticCount } from '../data/sources.js';
import {
  type JobClaim,
  type JobProgress,
  type ModelStatus,
  STORED_JOB_LOG_LINES,
  type Store,
  type StoredJob,
} from '../data/store.js';
import type { TrainConfig } from '../data/training.js';
import { HttpError } from './http-error.js';
import { figures, type ModelRegistry } from './models.js';
import type { TrainWorkerInput, TrainWorkerMessage, TrainWorkerResult } from './train-worker.js';

/**
 * Checks, at server start, what a retraining job would otherwise find out minutes later: every
 * `data` and `eval` source is a known name (`mnist`, `mnist-test`, `synthetic[:N]`, `samples[:PATH]`)
 * or a file or folder that exists. `where` names the configuration in the error.
 */
export function checkRetrainSources(config: TrainConfig, where: string): void {
  for (const [field, specs] of [
    ['data', config.data],
    ['eval', config.eval],
  ] as const) {
    for (const spec of specs) {
      const prefix = `${where}: ${field} source ${JSON.stringify(spec)}`;
      let name: string;
      try {
        name = parseSourceSpec(spec).name;
        // `samples` is the app's own store, which the job reads.
        if (name === 'samples') continue;
        if (MNIST_SOURCES[name] !== undefined || syntheticCount(name) !== undefined) continue;
      } catch (err) {
        throw new RangeError(`${prefix}: ${(err as Error).message}`);
      }
      const path = samplesPath(name) ?? name;
      if (!existsSync(path))
        throw new RangeError(
          `${prefix}: no such file or folder (expected mnist, mnist-test, synthetic[:N], samples[:PATH] or an existing path)`,
        );
    }
  }
}

/** Log lines kept per job (the oldest are dropped). */
export const JOB_LOG_LINES = 200;

/** Least time between two writes of a running job's progress to the store, in ms. */
export const PROGRESS_WRITE_MS = 250;
/** How often a server reads the row of a job another server runs while a page follows it, in ms. */
export const FOLLOW_POLL_MS = 500;

/** What became of a finished job's candidate (see core's contracts). */
export type JobResult = RetrainJobResult;
/** A job as reported by `GET /api/admin/train` and the event stream. */
export type JobState = RetrainJob;

/** An event of the stream: progress, a log line, or the job's final state. */
export type JobEvent =
  | { type: 'progress'; job: JobState }
  | { type: 'log'; line: string; job: JobState }
  | { type: 'done'; job: JobState };

/** Options of `Retrainer`. */
export interface RetrainerOptions {
  registry: ModelRegistry;
  /** The store: its job row makes one job run at a time across every server sharing it. */
  store: Store;
  /** The store's location (SQLite file or PostgreSQL URL), which the worker reads. */
  database: string;
  /** Who runs the jobs of this process, as recorded in the store (`host:pid`). */
  owner: string;
  /** The training configuration (validated), read when a job starts. */
  config: () => TrainConfig;
  now?: () => Date;
  log?: (message: string) => void;
  /** When a candidate is promoted; default `PROMOTION_RULE`. */
  promotion?: Partial<PromotionRule>;
}

/** When a retrained candidate replaces the serving model (see `promotionDecision`). */
export interface PromotionRule {
  /** Fewest held-out app drawings both models are scored on before either may win. */
  minHeldOut: number;
  /** How much more accurate the candidate must be there, as a fraction (0.01 = 1 point). */
  margin: number;
}

/** The default promotion rule: at least 50 held-out drawings and 1 point more accurate. */
export const PROMOTION_RULE: Readonly<PromotionRule> = { minHeldOut: 50, margin: 0.01 };

/** `PROMOTION_RULE` with `given` on top (an error names the bad field). */
export function resolvePromotionRule(given: Partial<PromotionRule> = {}): PromotionRule {
  const rule = { ...PROMOTION_RULE, ...given };
  if (!(Number.isInteger(rule.minHeldOut) && rule.minHeldOut >= 1))
    throw new RangeError(`promotion.minHeldOut: expected an integer ≥ 1, got ${rule.minHeldOut}`);
  if (!(Number.isFinite(rule.margin) && rule.margin >= 0 && rule.margin < 1))
    throw new RangeError(`promotion.margin: expected a number in [0, 1), got ${rule.margin}`);
  return rule;
}

/**
 * Decides what a finished candidate becomes. Both models are scored on the same held-out app
 * drawings. Fewer than `minHeldOut` of them tell nothing: the candidate is kept, not promoted.
 * Otherwise it is promoted when its accuracy beats the serving model's by at least `margin` and
 * by at least one drawing (a tie is not better), rejected when it is less accurate, and kept as
 * a candidate in between (better, but not by the margin).
 */
export function promotionDecision(
  result: Pick<TrainWorkerResult, 'heldOut'>,
  comparedWith: number,
  servingNow: number,
  rule: PromotionRule = PROMOTION_RULE,
): { status: ModelStatus; reason: string } {
  const h = result.heldOut;
  if (h === null)
    return {
      status: 'candidate',
      reason:
        'no held-out app drawings to compare on: kept as a candidate, not promoted (promote it by hand after reading its report)',
    };
  const versus = `${pct(h.candidate.accuracy, 2)} vs ${pct(h.serving.accuracy, 2)} of version ${comparedWith} on ${h.n} held-out app drawings`;
  if (servingNow !== comparedWith)
    return {
      status: 'candidate',
      reason: `${versus}, but version ${servingNow} was promoted meanwhile: kept as a candidate, not promoted`,
    };
  if (h.n < rule.minHeldOut)
    return {
      status: 'candidate',
      reason: `${versus}: fewer than ${rule.minHeldOut} held-out drawings cannot tell them apart, kept as a candidate, not promoted`,
    };
  // Compare counts of drawings read right, so rounding cannot make a tie look like a win.
  const gained = Math.round(h.candidate.accuracy * h.n) - Math.round(h.serving.accuracy * h.n);
  if (gained >= Math.max(1, Math.ceil(rule.margin * h.n - 1e-9)))
    return {
      status: 'serving',
      reason: `${versus}: ${gained} more read right, at least the ${pct(rule.margin, 0)} margin, promoted`,
    };
  if (gained < 0) return { status: 'candidate-rejected', reason: `${versus}: worse, not promoted` };
  return {
    status: 'candidate',
    reason: `${versus}: not better by the ${pct(rule.margin, 0)} margin, kept as a candidate, not promoted`,
  };
}

/**
 * A job of the store as the API reports it (another process runs or ran it): its progress and
 * newest log lines as that process last wrote them, after a line naming that process.
 */
export function storedJobState(j: StoredJob): JobState {
  const p = j.progress;
  const running = j.status === 'running';
  const wallClock =
    (Date.parse(j.finishedAt ?? new Date().toISOString()) - Date.parse(j.startedAt)) / 1000;
  return {
    id: j.id,
    status: j.status,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    phase: p?.phase ?? null,
    label: p?.label ?? null,
    done: p?.done ?? 0,
    total: p?.total ?? 0,
    etaSeconds: running ? (p?.etaSeconds ?? null) : null,
    elapsedSeconds: running || !p ? wallClock : p.elapsedSeconds,
    log: [`run by ${j.owner}`, ...(p?.log ?? [])],
    error: j.error,
    result: j.result as unknown as JobResult | null,
  };
}

/** Whether the bar moved from `a` to `b` (a new log line alone is no progress event). */
function moved(a: JobProgress | null, b: JobProgress): boolean {
  // The running server reports progress only once its worker has: a row with a log line alone has none.
  if (b.phase === null) return false;
  return (
    !a || a.phase !== b.phase || a.label !== b.label || a.done !== b.done || a.total !== b.total
  );
}

/** A job another server runs, read from the store while someone follows it. */
interface Followed {
  stored: StoredJob;
  followers: number;
  timer: NodeJS.Timeout;
  /** A read is under way (a slow store skips ticks instead of piling reads up). */
  reading: boolean;
}

/** What `Retrainer.follow` answers: the job to start from, and how to stop following it. */
export interface Following {
  job: JobState | null;
  stop: () => void;
}

/** Runs retraining jobs one at a time; emits `event` with each `JobEvent`. */
export class Retrainer extends EventEmitter<{ event: [JobEvent] }> {
  #job: JobState | null = null;
  #worker: Worker | null = null;
  #phaseStart = 0;
  #t0 = 0;
  #claim: JobClaim | null = null;
  /** Lines the current job has logged in all (its row's `logCount`). */
  #logged = 0;
  /** Progress writes: the pending timer, one under way, a change not yet written, the last's time. */
  #save = { timer: null as NodeJS.Timeout | null, busy: false, dirty: false, at: -Infinity };
  /** Jobs of other servers being followed, by id. */
  readonly #followed = new Map<number, Followed>();
  readonly #o: RetrainerOptions;
  readonly #rule: PromotionRule;

  constructor(options: RetrainerOptions) {
    super();
    this.#o = options;
    this.#rule = resolvePromotionRule(options.promotion);
  }

  /** The current or last job, or null when none has run since the server started. */
  get state(): JobState | null {
    if (this.#job && this.#job.status === 'running')
      this.#job.elapsedSeconds = (performance.now() - this.#t0) / 1000;
    return this.#job;
  }

  #now(): string {
    return (this.#o.now?.() ?? new Date()).toISOString();
  }

  /**
   * The job to report: this process's current or last one, else the store's last (run by another
   * server sharing the database, or before a restart; without progress or log), or null.
   */
  async report(): Promise<JobState | null> {
    return (await this.#latest()).job;
  }

  /** `report()`'s job, and its row when it is the store's (not this process's). */
  async #latest(): Promise<{ job: JobState | null; stored?: StoredJob }> {
    const stored = await this.#o.store.lastJob();
    const local = this.state;
    if (local && (!stored || stored.id <= local.id)) return { job: local };
    return stored ? { job: storedJobState(stored), stored } : { job: null };
  }

  /**
   * Follows the job `report()` names: while it runs, `listener` hears each of its events until
   * `stop()`. When another server runs it, this one reads its row every `FOLLOW_POLL_MS` while
   * anyone follows it (one read a tick however many follow) and emits what changed as the events
   * the running server emits: new log lines, then progress, and `done` when it has ended.
   */
  async follow(listener: (e: JobEvent) => void): Promise<Following> {
    const { job, stored } = await this.#latest();
    if (job?.status !== 'running') return { job, stop: () => {} };
    const id = job.id;
    const heard = (e: JobEvent) => {
      if (e.job.id === id) listener(e);
    };
    this.on('event', heard);
    if (!stored) return { job, stop: () => this.off('event', heard) };
    let f = this.#followed.get(id);
    if (!f) {
      f = {
        stored,
        followers: 0,
        reading: false,
        timer: setInterval(() => this.#read(id), FOLLOW_POLL_MS),
      };
      this.#followed.set(id, f);
    }
    const followed = f;
    followed.followers++;
    let stopped = false;
    return {
      // Followed already: its last read, so that the next events continue from what it says.
      job: storedJobState(followed.stored),
      stop: () => {
        if (stopped) return;
        stopped = true;
        this.off('event', heard);
        if (--followed.followers === 0) this.#unfollow(id, followed);
      },
    };
  }

  #unfollow(id: number, f: Followed): void {
    clearInterval(f.timer);
    if (this.#followed.get(id) === f) this.#followed.delete(id);
  }

  /** One read of a followed job's row, its changes emitted as events. */
  async #read(id: number): Promise<void> {
    const f = this.#followed.get(id);
    if (!f || f.reading) return;
    f.reading = true;
    let now: StoredJob | undefined;
    try {
      now = await this.#o.store.job(id);
    } catch (err) {
      this.#o.log?.(`training job ${id}: its row could not be read: ${(err as Error).message}`);
    } finally {
      f.reading = false;
    }
    if (!now || this.#followed.get(id) !== f) return;
    const before = f.stored;
    f.stored = now;
    const job = storedJobState(now);
    const p = now.progress;
    if (p) {
      const fresh = Math.min(p.logCount - (before.progress?.logCount ?? 0), p.log.length);
      for (const line of fresh > 0 ? p.log.slice(-fresh) : [])
        this.emit('event', { type: 'log', line, job });
    }
    if (now.status !== 'running') {
      this.#unfollow(id, f);
      this.emit('event', { type: 'done', job });
    } else if (p && moved(before.progress, p)) this.emit('event', { type: 'progress', job });
  }

  /** Starts a job; 409 while one is running here or on another server of the store. */
  async start(): Promise<JobState> {
    if (this.#job?.status === 'running')
      throw new HttpError(
        409,
        `training job ${this.#job.id} is still running (started ${this.#job.startedAt}); wait for it to finish or cancel it`,
      );
    let config: TrainConfig;
    try {
      config = this.#o.config();
    } catch (err) {
      throw new HttpError(500, `cannot start training: ${(err as Error).message}`);
    }
    const startedAt = this.#now();
    const claim = await this.#o.store.claimJob(this.#o.owner, startedAt);
    if (!claim) {
      const other = await this.#o.store.lastJob();
      throw new HttpError(
        409,
        `training job ${other?.id ?? '?'} is running on another server (${other?.owner ?? 'unknown'}, started ${other?.startedAt ?? '?'}); wait for it to finish`,
      );
    }
    // Another job may have started here while the claim was awaited.
    if ((this.#job as JobState | null)?.status === 'running') {
      await claim.finish({
        status: 'cancelled',
        finishedAt: startedAt,
        error: 'not started: another job is running',
        result: null,
      });
      throw new HttpError(409, `training job ${(this.#job as JobState).id} is still running`);
    }
    this.#claim = claim;
    const serving = this.#o.registry.current;
    const job: JobState = {
      id: claim.id,
      status: 'running',
      startedAt,
      finishedAt: null,
      phase: null,
      label: null,
      done: 0,
      total: 0,
      etaSeconds: null,
      elapsedSeconds: 0,
      log: [],
      error: null,
      result: null,
    };
    this.#job = job;
    this.#logged = 0;
    this.#save.at = -Infinity;
    this.#t0 = performance.now();
    const input: TrainWorkerInput = {
      database: this.#o.database,
      config,
      serving: serving.model,
      servingVersion: serving.version,
      generatedAt: `${job.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    };
    const worker = startModuleWorker(import.meta.url, './train-worker', input);
    this.#worker = worker;
    let settled = false;
    const fail = (message: string) => {
      if (settled || job.status !== 'running') return;
      settled = true;
      this.#finish(job, 'failed', message, null);
    };
    worker.on('message', (m: TrainWorkerMessage) => {
      // A cancel (or the server closing) ends the job at once; messages the worker had already
      // queued, its result among them, arrive after terminate() and must change nothing.
      if (settled || job.status !== 'running') return;
      if (m.type === 'progress') this.#progress(job, m);
      else if (m.type === 'log') this.#log(job, m.line);
      else {
        settled = true;
        this.#accept(m.result, serving.version).then(
          (result) => this.#finish(job, 'succeeded', null, result),
          (err: Error) =>
            this.#finish(job, 'failed', `the candidate could not be stored: ${err.message}`, null),
        );
        void worker.terminate();
      }
    });
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) =>
      fail(`the training worker stopped (exit code ${code}) before it finished`),
    );
    this.#log(job, `training in a worker thread; version ${serving.version} serving`);
    return job;
  }

  /** Stops the running job (its worker is terminated); 409 when none is running here. */
  async cancel(): Promise<JobState> {
    const job = this.#job;
    if (job?.status !== 'running' || !this.#worker) {
      const other = await this.#o.store.lastJob();
      if (other?.status === 'running')
        throw new HttpError(
          409,
          `training job ${other.id} runs on another server (${other.owner}): only that server can cancel it`,
        );
      throw new HttpError(409, 'no training job is running');
    }
    const worker = this.#worker;
    this.#finish(job, 'cancelled', 'cancelled by an admin: the worker was terminated', null);
    await worker.terminate();
    return job;
  }

  /** Terminates a running worker (the app is closing). */
  async close(): Promise<void> {
    for (const [id, f] of this.#followed) this.#unfollow(id, f);
    const worker = this.#worker;
    if (this.#job?.status === 'running')
      this.#finish(this.#job, 'failed', 'the server stopped during training', null);
    if (worker) await worker.terminate();
  }

  #progress(job: JobState, m: Extract<TrainWorkerMessage, { type: 'progress' }>): void {
    const now = performance.now();
    if (m.label !== job.label) this.#phaseStart = now;
    job.phase = m.phase;
    job.label = m.label;
    job.done = m.done;
    job.total = m.total;
    const elapsed = (now - this.#phaseStart) / 1000;
    job.etaSeconds =
      m.done > 0 && m.done < m.total && elapsed > 0
        ? (elapsed * (m.total - m.done)) / m.done
        : null;
    job.elapsedSeconds = (now - this.#t0) / 1000;
    this.#saveSoon();
    this.emit('event', { type: 'progress', job });
  }

  #log(job: JobState, line: string): void {
    job.log.push(line);
    if (job.log.length > JOB_LOG_LINES) job.log.splice(0, job.log.length - JOB_LOG_LINES);
    this.#logged++;
    this.#o.log?.(`training job ${job.id}: ${line}`);
    this.#saveSoon();
    this.emit('event', { type: 'log', line, job });
  }

  /** The current job's progress as its row keeps it. */
  #progressOf(job: JobState): JobProgress {
    return {
      phase: job.phase,
      label: job.label,
      done: job.done,
      total: job.total,
      etaSeconds: job.etaSeconds,
      elapsedSeconds: job.elapsedSeconds,
      log: job.log.slice(-STORED_JOB_LOG_LINES),
      logCount: this.#logged,
    };
  }

  /** Writes the running job's progress to its row, at most once every `PROGRESS_WRITE_MS`. */
  #saveSoon(): void {
    const save = this.#save;
    save.dirty = true;
    if (save.timer || save.busy || !this.#claim) return;
    const wait = Math.max(0, save.at + PROGRESS_WRITE_MS - performance.now());
    save.timer = setTimeout(() => this.#saveNow(), wait);
  }

  #saveNow(): void {
    const save = this.#save;
    save.timer = null;
    const claim = this.#claim;
    const job = this.#job;
    if (!save.dirty || !claim || job?.status !== 'running') return;
    save.dirty = false;
    save.busy = true;
    save.at = performance.now();
    job.elapsedSeconds = (save.at - this.#t0) / 1000;
    claim
      .progress(this.#progressOf(job))
      .catch((err: Error) =>
        this.#o.log?.(`training job ${job.id}: its progress was not stored: ${err.message}`),
      )
      .finally(() => {
        save.busy = false;
        if (save.dirty) this.#saveSoon();
      });
  }

  #finish(
    job: JobState,
    status: 'succeeded' | 'failed' | 'cancelled',
    error: string | null,
    result: JobResult | null,
  ): void {
    if (job.status !== 'running') return;
    if (error) this.#log(job, status === 'cancelled' ? error : `failed: ${error}`);
    else if (result) this.#log(job, `version ${result.version}: ${result.reason}`);
    job.status = status;
    job.error = error;
    job.result = result;
    job.finishedAt = this.#now();
    job.etaSeconds = null;
    job.elapsedSeconds = (performance.now() - this.#t0) / 1000;
    if (this.#job === job) this.#worker = null;
    const claim = this.#claim;
    this.#claim = null;
    if (this.#save.timer) clearTimeout(this.#save.timer);
    this.#save.timer = null;
    this.#save.dirty = false;
    claim
      ?.finish({
        status,
        finishedAt: job.finishedAt,
        error,
        result: result as unknown as Record<string, unknown> | null,
        progress: this.#progressOf(job),
      })
      .catch((err: Error) =>
        this.#o.log?.(`training job ${job.id}: its row was not updated: ${err.message}`),
      );
    this.emit('event', { type: 'done', job });
  }

  /** Stores the candidate as a new version and promotes it when the rule says so. */
  async #accept(r: TrainWorkerResult, comparedWith: number): Promise<JobResult> {
    // The model crossed a thread boundary: check it as any model file before keeping it.
    const model: ModelFile = parseModelFile(r.model);
    const registry = this.#o.registry;
    const { status, reason } = promotionDecision(
      r,
      comparedWith,
      registry.current.version,
      this.#rule,
    );
    const metrics: Record<string, unknown> = {};
    if (model.metrics['cv-out-of-fold']) metrics.cv = figures(model.metrics['cv-out-of-fold']);
    if (r.heldOut)
      metrics.heldOut = {
        ...figures(r.heldOut.candidate),
        comparedWith,
        servingAccuracy: r.heldOut.serving.accuracy,
      };
    for (const [name, c] of Object.entries(r.evaluated))
      metrics[name === 'mnist-test' ? 'mnistTest' : name] = {
        ...figures(c.candidate),
        comparedWith,
        servingAccuracy: c.serving.accuracy,
      };
    const row = await registry.add({
      model,
      status,
      summary: {
        origin: `retrained by job ${this.#job?.id}`,
        sources: r.data,
        samples: r.samples,
        rows: model.training.n,
        features: model.features,
        C: model.C,
        seconds: Math.round(r.seconds * 10) / 10,
        reason,
      },
      metrics,
      report: { html: r.reportHtml },
    });
    return {
      version: row.version,
      modelId: model.id,
      status,
      promoted: status === 'serving',
      reason,
      comparedWith,
      heldOut: r.heldOut && {
        n: r.heldOut.n,
        candidateAccuracy: r.heldOut.candidate.accuracy,
        servingAccuracy: r.heldOut.serving.accuracy,
      },
      seconds: r.seconds,
    };
  }
}
