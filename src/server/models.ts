/**
 * Model versions: the files in the models directory, their rows in the store's `models` table, and
 * the one being served. Promotion is atomic — the file is written first (temp + rename), then one
 * transaction flips `serving`, then the in-memory recognizer is swapped — so a crash at any point
 * leaves a consistent serving model.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Metrics, ModelFile, Recognizer } from '../core/contracts.js';
import { createRecognizer } from '../core/recognizer.js';
import { loadModel, saveModel } from '../data/model-io.js';
import type { ModelStatus, ModelVersion, SampleStore } from '../data/store.js';
import { HttpError } from './http-error.js';

/** The model being served and how it is shared with clients. */
export interface ServingModel {
  version: number;
  model: ModelFile;
  recognizer: Recognizer;
  /** The model file as served by `GET /api/model`. */
  json: string;
}

/** Where messages about the registry go (Fastify's logger, or nothing). */
export interface RegistryLog {
  info(message: string): void;
  warn(message: string): void;
}

/** A figure of a version on one data set. */
export interface SetFigures {
  n: number;
  accuracy: number;
  redrawRate: number;
  acceptedAccuracy: number;
}

/** The headline figures of a metrics entry. */
export function figures(m: Metrics): SetFigures {
  return {
    n: m.n,
    accuracy: m.accuracy,
    redrawRate: m.redrawRate,
    acceptedAccuracy: m.acceptedAccuracy,
  };
}

/** The figures a model file carries itself: out-of-fold CV and MNIST test when present. */
export function fileFigures(model: ModelFile): Record<string, SetFigures> {
  const out: Record<string, SetFigures> = {};
  if (model.metrics['cv-out-of-fold']) out.cv = figures(model.metrics['cv-out-of-fold']);
  if (model.metrics['mnist-test']) out.mnistTest = figures(model.metrics['mnist-test']);
  return out;
}

function serve(version: number, model: ModelFile): ServingModel {
  return { version, model, recognizer: createRecognizer(model), json: JSON.stringify(model) };
}

/** A new version to add. */
export interface NewVersion {
  model: ModelFile;
  status: ModelStatus;
  summary: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** The report's HTML, or a file to copy, or nothing. */
  report?: { html: string } | { copyFrom: string };
}

/** The versions of one app: the store's `models` table and the files in `dir`. */
export class ModelRegistry {
  readonly dir: string;
  /** Set in the constructor, directly or by `add` (a new base version). */
  #current!: ServingModel;
  readonly #store: SampleStore;

  /**
   * Opens the registry. `base` (the configured model, by default the committed one) becomes a
   * version — and the serving one — when the store does not know its id yet (so it is version 1
   * on first start); otherwise the version marked serving is loaded. If that version's file is
   * missing or corrupt, `base` is served and a warning says so.
   */
  constructor(
    store: SampleStore,
    dir: string,
    base: { model: ModelFile; path?: string },
    log: RegistryLog,
  ) {
    this.#store = store;
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
    let baseVersion = store.modelVersions().find((v) => v.modelId === base.model.id);
    const added = !baseVersion;
    if (!baseVersion) {
      const report = base.path?.replace(/\.json$/, '.report.html');
      baseVersion = this.add({
        model: base.model,
        status: 'serving',
        summary: {
          origin: base.path ? `model file ${basename(base.path)}` : 'the model given to the server',
          sources: base.model.training.sources.map((s) => s.name),
          rows: base.model.training.n,
          features: base.model.features,
          C: base.model.C,
        },
        metrics: fileFigures(base.model),
        report:
          report && report !== base.path && existsSync(report) ? { copyFrom: report } : undefined,
      });
      log.info(`model ${base.model.id} added as version ${baseVersion.version} and serving`);
    }
    const serving = store.servingVersion() ?? baseVersion;
    if (serving.version !== baseVersion.version) {
      try {
        this.#current = serve(serving.version, this.#load(serving));
        return;
      } catch (err) {
        // The versions list says what is served: the base version is marked serving again.
        store.promoteModelVersion(baseVersion.version);
        log.warn(
          `version ${serving.version} is marked serving but its file cannot be used (${(err as Error).message}); serving version ${baseVersion.version} (model ${base.model.id}) instead`,
        );
      }
    }
    // The base version serves (already set up by `add` when it was just added).
    if (!added) this.#current = serve(baseVersion.version, base.model);
  }

  /** The model being served. */
  get current(): ServingModel {
    return this.#current;
  }

  /** Every version, newest first. */
  list(): ModelVersion[] {
    return this.#store.modelVersions();
  }

  /** One version, or undefined. */
  get(version: number): ModelVersion | undefined {
    return this.#store.modelVersion(version);
  }

  /** The path of a file of a version (model or report). */
  path(file: string): string {
    return join(this.dir, file);
  }

  #load(v: ModelVersion): ModelFile {
    const model = loadModel(this.path(v.file));
    if (model.id !== v.modelId)
      throw new Error(`${v.file} holds model ${model.id}, expected ${v.modelId}`);
    return model;
  }

  /**
   * Adds a version: writes its model file (and report) into the directory, then its row; added as
   * `serving`, the row is promoted in the same transaction and the recognizer swapped after it.
   */
  add(v: NewVersion): ModelVersion {
    // The id names the file: only a plain token (a trained model's is 12 hex digits).
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(v.model.id))
      throw new Error(
        `model id ${JSON.stringify(v.model.id)} cannot name a file: expected letters, digits, - or _`,
      );
    const version = this.#store.nextModelVersion();
    const stem = `v${version}-${v.model.id}`;
    const file = `${stem}.json`;
    saveModel(this.path(file), v.model);
    let report: string | null = null;
    if (v.report) {
      report = `${stem}.report.html`;
      const tmp = this.path(`.${report}.tmp`);
      if ('html' in v.report) writeFileSync(tmp, v.report.html);
      else copyFileSync(v.report.copyFrom, tmp);
      // Renamed into place only once complete, like the model file.
      renameSync(tmp, this.path(report));
    }
    const row = this.#store.addModelVersion({
      modelId: v.model.id,
      status: v.status,
      file,
      report,
      summary: v.summary,
      metrics: v.metrics,
    });
    if (row.version !== version)
      throw new Error(`model version ${version} was taken by another process meanwhile`);
    if (v.status === 'serving') this.#current = serve(version, v.model);
    return row;
  }

  /**
   * Makes an existing version the serving one (restore or promote): its file is loaded and checked
   * first, so a version whose file is gone is refused (409) and the serving model stays.
   */
  promote(version: number): ModelVersion {
    const v = this.#store.modelVersion(version);
    if (!v) throw new HttpError(404, `no model version ${version}`);
    let model: ModelFile;
    try {
      model = this.#load(v);
    } catch (err) {
      throw new HttpError(
        409,
        `version ${version} cannot be served: ${(err as Error).message}; the serving model is unchanged`,
      );
    }
    // The recognizer is built before the row changes, so a failure leaves both as they were.
    const next = serve(version, model);
    const row = this.#store.promoteModelVersion(version) as ModelVersion;
    this.#current = next;
    return row;
  }
}
