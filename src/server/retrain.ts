/**
 * Retraining jobs: one at a time, each in a worker thread (`train-worker.ts`) so the server keeps
 * answering. Progress and log lines are kept in the job's state and broadcast to listeners (the
 * SSE route). When the worker's result arrives the candidate becomes a new version, promoted iff
 * it is not worse than the serving model on the held-out app drawings. A worker that throws, exits
 * or is cancelled leaves the serving model as it was (the job failed with its error, or cancelled).
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { ModelFile, RetrainJob, RetrainJobResult } from '../core/contracts.js';
import { parseModelFile } from '../core/model-file.js';
import { startModuleWorker } from '../data/module-worker.js';
import { pct } from '../data/report/svg.js';
import { MNIST_SOURCES, parseSourceSpec, samplesPath, syntheticCount } from '../data/sources.js';
import type { JobClaim, ModelStatus, Store, StoredJob } from '../data/store.js';
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

/** A job of the store as the API reports it (no progress: another process runs or ran it). */
export function storedJobState(j: StoredJob): JobState {
  return {
    id: j.id,
    status: j.status,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    phase: null,
    label: null,
    done: 0,
    total: 0,
    etaSeconds: null,
    elapsedSeconds:
      (Date.parse(j.finishedAt ?? new Date().toISOString()) - Date.parse(j.startedAt)) / 1000,
    log: [`run by ${j.owner}`],
    error: j.error,
    result: j.result as unknown as JobResult | null,
  };
}

/** Runs retraining jobs one at a time; emits `event` with each `JobEvent`. */
export class Retrainer extends EventEmitter<{ event: [JobEvent] }> {
  #job: JobState | null = null;
  #worker: Worker | null = null;
  #phaseStart = 0;
  #t0 = 0;
  #claim: JobClaim | null = null;
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
    const stored = await this.#o.store.lastJob();
    const local = this.state;
    if (local && (!stored || stored.id <= local.id)) return local;
    return stored ? storedJobState(stored) : null;
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

  /** Stops the running job (its worker is terminated); 409 when none is running. */
  async cancel(): Promise<JobState> {
    const job = this.#job;
    if (job?.status !== 'running' || !this.#worker)
      throw new HttpError(409, 'no training job is running');
    const worker = this.#worker;
    this.#finish(job, 'cancelled', 'cancelled by an admin: the worker was terminated', null);
    await worker.terminate();
    return job;
  }

  /** Terminates a running worker (the app is closing). */
  async close(): Promise<void> {
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
    this.emit('event', { type: 'progress', job });
  }

  #log(job: JobState, line: string): void {
    job.log.push(line);
    if (job.log.length > JOB_LOG_LINES) job.log.splice(0, job.log.length - JOB_LOG_LINES);
    this.#o.log?.(`training job ${job.id}: ${line}`);
    this.emit('event', { type: 'log', line, job });
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
    claim
      ?.finish({
        status,
        finishedAt: job.finishedAt,
        error,
        result: result as unknown as Record<string, unknown> | null,
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
