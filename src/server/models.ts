/**
 * Model versions: their files (model and report), their rows in the store's `models` table, and
 * the one being served. On SQLite the files live in the models directory; on PostgreSQL in the
 * database's content-addressed `blobs` table (named `sha256:<hash>`), so every server of a shared
 * database can load every version. Promotion is atomic — the file is written first (temp + rename,
 * or one insert), then one transaction flips `serving`, then the in-memory recognizer is swapped —
 * so a crash at any point leaves a consistent serving model. `refresh` picks up a promotion made
 * by another server.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Metrics, ModelFile, Recognizer } from '../core/contracts.js';
import { parseModelFile, serialiseModelFile } from '../core/model-file.js';
import { createRecognizer } from '../core/recognizer.js';
import {
  BLOB_FILE_PREFIX,
  type ModelStatus,
  type ModelVersion,
  type Store,
} from '../data/store.js';
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
  /** The report's HTML, or nothing. */
  report?: { html: string };
}

/** Where version files go: the models directory (SQLite) or the store's blobs (PostgreSQL). */
export type FileHome = 'directory' | 'database';

/** A plain token: a model id names its version's file. */
const MODEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Refuses a model id that cannot name a file (a trained model's is 12 hex digits). */
export function checkModelId(id: string): void {
  if (!MODEL_ID.test(id))
    throw new Error(
      `model id ${JSON.stringify(id)} cannot name a file: expected letters, digits, - or _`,
    );
}

/** The versions of one app: the store's `models` table and their files. */
export class ModelRegistry {
  readonly dir: string;
  readonly home: FileHome;
  #current: ServingModel;
  readonly #store: Store;

  private constructor(store: Store, dir: string, home: FileHome, current: ServingModel) {
    this.#store = store;
    this.dir = dir;
    this.home = home;
    this.#current = current;
  }

  /**
   * Opens the registry. `base` (the configured model, by default the committed one) becomes a
   * version — and the serving one — when the store does not know its id yet (so it is version 1
   * on first start); otherwise the version marked serving is loaded. If that version's file is
   * missing or corrupt, `base` is served and a warning says so. Files go to `dir` on SQLite and
   * into the database on PostgreSQL (`home`, default by the store's back end).
   */
  static async open(
    store: Store,
    dir: string,
    base: { model: ModelFile; path?: string },
    log: RegistryLog,
    home: FileHome = store.backend === 'postgres' ? 'database' : 'directory',
  ): Promise<ModelRegistry> {
    checkModelId(base.model.id);
    const registry = new ModelRegistry(store, resolve(dir), home, serve(0, base.model));
    if (home === 'directory') mkdirSync(registry.dir, { recursive: true });
    let baseVersion = (await store.modelVersions()).find((v) => v.modelId === base.model.id);
    if (!baseVersion) {
      const report = base.path?.replace(/\.json$/, '.report.html');
      let reportHtml: string | undefined;
      try {
        if (report && report !== base.path) reportHtml = readFileSync(report, 'utf8');
      } catch {
        // No report beside the model file.
      }
      baseVersion = await registry.add({
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
        report: reportHtml === undefined ? undefined : { html: reportHtml },
      });
      log.info(`model ${base.model.id} added as version ${baseVersion.version} and serving`);
    }
    const serving = (await store.servingVersion()) ?? baseVersion;
    if (serving.version !== baseVersion.version) {
      try {
        registry.#current = serve(serving.version, await registry.#load(serving));
        return registry;
      } catch (err) {
        // The versions list says what is served: the base version is marked serving again.
        await store.promoteModelVersion(baseVersion.version);
        log.warn(
          `version ${serving.version} is marked serving but its file cannot be used (${(err as Error).message}); serving version ${baseVersion.version} (model ${base.model.id}) instead`,
        );
      }
    }
    registry.#current = serve(baseVersion.version, base.model);
    return registry;
  }

  /** The model being served. */
  get current(): ServingModel {
    return this.#current;
  }

  /** Every version, newest first. */
  list(): Promise<ModelVersion[]> {
    return this.#store.modelVersions();
  }

  /** One version, or undefined. */
  get(version: number): Promise<ModelVersion | undefined> {
    return this.#store.modelVersion(version);
  }

  /** The bytes of a version's file (model or report); throws when it is missing. */
  async readFile(file: string): Promise<Buffer> {
    if (file.startsWith(BLOB_FILE_PREFIX)) {
      const bytes = await this.#store.getBlob(file.slice(BLOB_FILE_PREFIX.length));
      if (!bytes) throw new Error(`${file} is not in the database`);
      return bytes;
    }
    return readFileSync(join(this.dir, file));
  }

  /** Stores a version's file and returns its name (a file in the directory, or a blob). */
  async #writeFile(name: string, bytes: Uint8Array): Promise<string> {
    if (this.home === 'database') return BLOB_FILE_PREFIX + (await this.#store.putBlob(bytes));
    // Renamed into place only once complete.
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(this.dir, name));
    return name;
  }

  async #load(v: ModelVersion): Promise<ModelFile> {
    let bytes: Buffer;
    try {
      bytes = await this.readFile(v.file);
    } catch (err) {
      throw new Error(`cannot read model file ${v.file}: ${(err as Error).message}`);
    }
    let model: ModelFile;
    try {
      model = parseModelFile(JSON.parse(bytes.toString('utf8')));
    } catch (err) {
      throw new Error(`${v.file}: ${(err as Error).message}`);
    }
    if (model.id !== v.modelId)
      throw new Error(`${v.file} holds model ${model.id}, expected ${v.modelId}`);
    return model;
  }

  /**
   * Adds a version: writes its model file (and report), then its row; added as `serving`, the
   * row is promoted in the same transaction and the recognizer swapped after it.
   */
  async add(v: NewVersion): Promise<ModelVersion> {
    checkModelId(v.model.id);
    // In the directory the name says the version (one process adds to it); in the database the
    // content names the file.
    const expected = ((await this.#store.modelVersions())[0]?.version ?? 0) + 1;
    const stem = `v${expected}-${v.model.id}`;
    const file = await this.#writeFile(
      `${stem}.json`,
      new TextEncoder().encode(serialiseModelFile(v.model)),
    );
    const report = v.report
      ? await this.#writeFile(`${stem}.report.html`, new TextEncoder().encode(v.report.html))
      : null;
    const row = await this.#store.addModelVersion({
      modelId: v.model.id,
      status: v.status,
      file,
      report,
      summary: v.summary,
      metrics: v.metrics,
    });
    if (this.home === 'directory' && row.version !== expected)
      throw new Error(`model version ${expected} was taken by another process meanwhile`);
    if (v.status === 'serving') this.#current = serve(row.version, v.model);
    return row;
  }

  /**
   * Makes an existing version the serving one (restore or promote): its file is loaded and checked
   * first, so a version whose file is gone is refused (409) and the serving model stays.
   */
  async promote(version: number): Promise<ModelVersion> {
    const v = await this.#store.modelVersion(version);
    if (!v) throw new HttpError(404, `no model version ${version}`);
    let model: ModelFile;
    try {
      model = await this.#load(v);
    } catch (err) {
      throw new HttpError(
        409,
        `version ${version} cannot be served: ${(err as Error).message}; the serving model is unchanged`,
      );
    }
    // The recognizer is built before the row changes, so a failure leaves both as they were.
    const next = serve(version, model);
    const row = (await this.#store.promoteModelVersion(version)) as ModelVersion;
    this.#current = next;
    return row;
  }

  /**
   * Serves what the store marks serving, when another server promoted a version meanwhile: the
   * new recognizer is built first, then swapped in one assignment. Returns whether it changed.
   * A version whose file cannot be used is not swapped in (the current model keeps serving).
   */
  async refresh(): Promise<boolean> {
    const marked = await this.#store.servingVersion();
    if (!marked || marked.version === this.#current.version) return false;
    const model = await this.#load(marked);
    // Another refresh or a local promotion may have swapped meanwhile: the store decides.
    this.#current = serve(marked.version, model);
    return true;
  }
}
