/**
 * The sample store: labelled drawings in one SQLite file (better-sqlite3, WAL mode), shared by the
 * server (`openStore`: reads and writes, runs the migrations) and the training sources and CLI
 * (`openStoreReadOnly`, through `samples.ts`). Strokes are
 * the truth and are kept as JSON; the canonical 28×28 image the model saw is kept beside them as a
 * 784-byte BLOB, so thumbnails and CSV export need no re-rendering. The schema is created and
 * upgraded by an ordered list of migrations, tracked in SQLite's `user_version`.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { RetrainJob } from '../core/contracts.js';
import type { Drawing, Stroke } from '../core/types.js';
import { CANONICAL_SIZE } from '../core/types.js';

/** Bytes of one canonical image (28 × 28, one byte a pixel, ink 255). */
export const IMAGE_BYTES = CANONICAL_SIZE * CANONICAL_SIZE;

/** Where a sample came from. */
export const SAMPLE_SOURCES = ['collect', 'feedback', 'import'] as const;
/** Where a sample came from: the collect page, feedback on the draw page, or a file import. */
export type SampleSource = (typeof SAMPLE_SOURCES)[number];

/**
 * The schema, one migration a step, applied in order. Migration `i` brings the file from
 * `user_version = i` to `i + 1`; never edit a released step, append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the samples table. CHECK constraints keep bad rows out even if a caller forgets to validate.
  `CREATE TABLE samples (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     label         INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
     strokes       TEXT CHECK (strokes IS NULL OR json_valid(strokes)),
     canvas_width  INTEGER CHECK (canvas_width IS NULL OR canvas_width > 0),
     canvas_height INTEGER CHECK (canvas_height IS NULL OR canvas_height > 0),
     brush_width   REAL CHECK (brush_width IS NULL OR brush_width > 0),
     image         BLOB NOT NULL CHECK (length(image) = ${IMAGE_BYTES}),
     source        TEXT NOT NULL CHECK (source IN ('collect', 'feedback', 'import')),
     session_id    TEXT,
     pointer_type  TEXT,
     model_version TEXT,
     predicted     INTEGER CHECK (predicted IS NULL OR predicted BETWEEN 0 AND 9),
     confidence    REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),
     created_at    TEXT NOT NULL
   )`,
  // 2: indexes for the data page's filters and the collect page's counts.
  `CREATE INDEX samples_label ON samples (label);
   CREATE INDEX samples_source ON samples (source);
   CREATE INDEX samples_session ON samples (session_id);
   CREATE INDEX samples_created ON samples (created_at)`,
  // 3: model versions. At most one row is serving (the partial unique index); files are names in
  // the models directory.
  `CREATE TABLE models (
     version     INTEGER PRIMARY KEY,
     model_id    TEXT NOT NULL,
     created_at  TEXT NOT NULL,
     status      TEXT NOT NULL
                 CHECK (status IN ('serving', 'candidate', 'candidate-rejected', 'retired')),
     file        TEXT NOT NULL,
     report      TEXT,
     summary     TEXT NOT NULL CHECK (json_valid(summary)),
     metrics     TEXT NOT NULL CHECK (json_valid(metrics)),
     promoted_at TEXT
   );
   CREATE UNIQUE INDEX models_one_serving ON models (status) WHERE status = 'serving'`,
  // 4: a drawing the model read as "not a digit", stored only because the person confirmed its
  // label. Retraining skips it until someone relabels it (which clears the mark).
  `ALTER TABLE samples ADD COLUMN not_digit INTEGER NOT NULL DEFAULT 0 CHECK (not_digit IN (0, 1))`,
  // 5: content-addressed files (model files and reports, by their SHA-256), so that every server
  // on a shared database can read every version.
  `CREATE TABLE blobs (
     hash  TEXT PRIMARY KEY CHECK (length(hash) = 64),
     bytes BLOB NOT NULL
   )`,
  // 6: retraining jobs, one running at a time; a row left running by a process that died is
  // marked failed by the next claim.
  `CREATE TABLE jobs (
     id          INTEGER PRIMARY KEY,
     status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
     owner       TEXT NOT NULL,
     started_at  TEXT NOT NULL,
     finished_at TEXT,
     error       TEXT,
     result      TEXT CHECK (result IS NULL OR json_valid(result))
   )`,
  // 7: the running job's progress and recent log lines (`JobProgress` as JSON), written by the
  // server that runs it, so that a page connected to any server sharing the store can follow it.
  `ALTER TABLE jobs ADD COLUMN progress TEXT CHECK (progress IS NULL OR json_valid(progress))`,
];

/** Where a model version stands. */
export const MODEL_STATUSES = ['serving', 'candidate', 'candidate-rejected', 'retired'] as const;
/**
 * Where a model version stands: `serving` (exactly one), `candidate` (trained, not promoted
 * because there was nothing held out to compare on), `candidate-rejected` (worse than the model
 * serving when it finished), `retired` (served before).
 */
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** A model version as stored. */
export interface ModelVersion {
  version: number;
  /** The model file's content id. */
  modelId: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  status: ModelStatus;
  /** The model file's name in the models directory. */
  file: string;
  /** The report's file name in the models directory, or null. */
  report: string | null;
  /** How it was trained (sources, rows, C, timing) or where it came from. */
  summary: Record<string, unknown>;
  /** Accuracy and other figures by data set: `cv`, `heldOut`, `mnistTest`, … */
  metrics: Record<string, unknown>;
  /** When it last became the serving model, or null. */
  promotedAt: string | null;
}

/** A version to add: everything but the number, which the store assigns. */
export type NewModelVersion = Omit<ModelVersion, 'version' | 'createdAt' | 'promotedAt'>;

/** A row of the models table. */
export interface ModelRow {
  version: number;
  model_id: string;
  created_at: string;
  status: ModelStatus;
  file: string;
  report: string | null;
  summary: string;
  metrics: string;
  promoted_at: string | null;
}

/** A model version from its row. */
export function modelFromRow(r: ModelRow): ModelVersion {
  return {
    version: r.version,
    modelId: r.model_id,
    createdAt: r.created_at,
    status: r.status,
    file: r.file,
    report: r.report,
    summary: JSON.parse(r.summary),
    metrics: JSON.parse(r.metrics),
    promotedAt: r.promoted_at,
  };
}

/** A sample as stored. */
export interface Sample {
  id: number;
  label: number;
  /** The drawing, or null for samples imported as images (CSV). */
  drawing: Drawing | null;
  /** The canonical 28×28 image, 784 bytes, row-major, ink 255. */
  image: Uint8Array;
  source: SampleSource;
  sessionId: string | null;
  /** The pointer the drawing was made with: 'mouse', 'pen', 'touch', or null when unknown. */
  pointerType: string | null;
  /** Id of the model that made `predicted`. */
  modelVersion: string | null;
  predicted: number | null;
  confidence: number | null;
  /**
   * The model read the drawing as "not a digit" and the person confirmed the label anyway:
   * retraining skips the sample until it is relabelled.
   */
  notDigit: boolean;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** A sample to insert: everything but the id and the creation time; `notDigit` default false. */
export type NewSample = Omit<Sample, 'id' | 'createdAt' | 'notDigit'> & { notDigit?: boolean };

/** Filters of `list`, `count` and `iterate`; all optional, combined with AND. */
export interface SampleFilter {
  label?: number;
  source?: SampleSource;
  sessionId?: string;
  /** Only samples whose stored prediction differs from the label. */
  mispredicted?: boolean;
}

/** What the data and collect pages show. */
export interface StoreStats {
  total: number;
  /** Counts of the digits 0–9. */
  byLabel: number[];
  bySource: Record<SampleSource, number>;
  /** Samples per UTC day, oldest first. */
  byDay: { day: string; count: number }[];
}

/** Prefix of a model version's file kept in the store's blobs (the rest is its SHA-256). */
export const BLOB_FILE_PREFIX = 'sha256:';

/** A blob's key: the SHA-256 of its bytes, in hex. */
export function blobHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The error of a job whose process stopped while it ran (killed, crashed, or cut off). */
export const ORPHANED_JOB_ERROR =
  'the server running this job stopped before it finished; the serving model is unchanged';

/** Log lines a job row keeps (the newest; the server running the job keeps more in memory). */
export const STORED_JOB_LOG_LINES = 50;
/** Longest log line a job row keeps, in characters (a longer one is cut, ending in `…`). */
export const STORED_JOB_LINE_CHARS = 1000;

/**
 * How far a job has got, as the server running it last wrote it to its row (a few times a
 * second at most), for the other servers sharing the store to report: the API's fields, `log`
 * holding the newest lines only (at most `STORED_JOB_LOG_LINES`).
 */
export type JobProgress = Pick<
  RetrainJob,
  'phase' | 'label' | 'done' | 'total' | 'etaSeconds' | 'elapsedSeconds' | 'log'
> & {
  /** How many lines the job has logged in all: a reader takes the lines it has not seen from it. */
  logCount: number;
};

/** `p` as a job row keeps it: the newest `STORED_JOB_LOG_LINES` lines, each cut to `STORED_JOB_LINE_CHARS`. */
export function boundedProgress(p: JobProgress): JobProgress {
  return {
    ...p,
    log: p.log
      .slice(-STORED_JOB_LOG_LINES)
      .map((l) =>
        l.length > STORED_JOB_LINE_CHARS ? `${l.slice(0, STORED_JOB_LINE_CHARS - 1)}…` : l,
      ),
  };
}

/** A retraining job as stored. */
export interface StoredJob {
  id: number;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Which server process ran it (`host:pid`). */
  owner: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
  /** Its progress as last written (`JobClaim.progress`, `JobEnd.progress`), or null before any. */
  progress: JobProgress | null;
}

/** How a job ended. */
export interface JobEnd {
  status: 'succeeded' | 'failed' | 'cancelled';
  finishedAt: string;
  error: string | null;
  result: Record<string, unknown> | null;
  /** Its progress at the end (the last log lines among it); omitted, the row keeps what it had. */
  progress?: JobProgress;
}

/** A row of the jobs table. */
export interface JobRow {
  id: number;
  status: StoredJob['status'];
  owner: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  result: string | null;
  progress: string | null;
}

/** A job from its row. */
export function jobFromRow(r: JobRow): StoredJob {
  return {
    id: r.id,
    status: r.status,
    owner: r.owner,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    result: r.result === null ? null : JSON.parse(r.result),
    progress: r.progress === null ? null : JSON.parse(r.progress),
  };
}

/**
 * The one job a store lets run at a time: `progress` records how far it has got (bounded by
 * `boundedProgress`; the caller throttles), `finish` records its end and lets the next start.
 * Neither changes a row that is no longer running.
 */
export interface JobClaim {
  id: number;
  progress(p: JobProgress): Promise<void>;
  finish(end: JobEnd): Promise<void>;
}

/**
 * The sample store as the server uses it, one interface over two back ends: SQLite, embedded
 * (`SqliteStore`, one process), and PostgreSQL (`PgStore` in pg-store.ts, shared by any number
 * of server processes). Both run the same migrations in order and answer alike: the shared suite
 * `store.case.ts` runs against each.
 */
export interface Store {
  /** `sqlite` or `postgres`. */
  readonly backend: 'sqlite' | 'postgres';
  /** The schema version after opening (`MIGRATIONS.length`). */
  readonly schemaVersion: number;
  /** Stores one sample and returns it with its id and creation time. */
  insert(sample: NewSample): Promise<Sample>;
  /** Stores many samples in one transaction: all or none. Returns the number stored. */
  insertMany(samples: readonly NewSample[]): Promise<number>;
  /** One sample, or undefined. */
  get(id: number): Promise<Sample | undefined>;
  /** Number of samples matching the filter. */
  count(filter?: SampleFilter): Promise<number>;
  /** One page of samples matching the filter, newest first, and the total count. */
  list(
    filter?: SampleFilter,
    page?: { limit?: number; offset?: number },
  ): Promise<{ total: number; samples: Sample[] }>;
  /**
   * The matching samples in id order, `pageSize` at a time, each page one query (ids up to the
   * largest when the walk starts: rows added meanwhile are left out).
   */
  pages(filter?: SampleFilter, pageSize?: number): AsyncIterableIterator<Sample[]>;
  /** Counts by digit, source and UTC day. */
  stats(filter?: SampleFilter): Promise<StoreStats>;
  /** New label, "not a digit" mark cleared; undefined when there is no such sample. */
  relabel(id: number, label: number): Promise<Sample | undefined>;
  /** Deletes a sample; false when there was none. */
  delete(id: number): Promise<boolean>;
  /** Every model version, newest first. */
  modelVersions(): Promise<ModelVersion[]>;
  /** One model version, or undefined. */
  modelVersion(version: number): Promise<ModelVersion | undefined>;
  /** The version marked serving, or undefined before the first. */
  servingVersion(): Promise<ModelVersion | undefined>;
  /** Adds a version with the next number; added as `serving`, it is promoted in the same transaction. */
  addModelVersion(v: NewModelVersion): Promise<ModelVersion>;
  /** Makes `version` the serving one in one transaction; undefined when there is none. */
  promoteModelVersion(version: number): Promise<ModelVersion | undefined>;
  /** Stores bytes under their SHA-256 (hex), which it returns. */
  putBlob(bytes: Uint8Array): Promise<string>;
  /** The bytes under `hash`, or undefined. */
  getBlob(hash: string): Promise<Buffer | undefined>;
  /**
   * Starts the one retraining job (a row `running`, owned by `owner`), or undefined while another
   * process's job runs. A job whose process died is marked failed (`ORPHANED_JOB_ERROR`) first.
   */
  claimJob(owner: string, startedAt: string): Promise<JobClaim | undefined>;
  /** The newest job (a running one whose process died reads as failed), or undefined. */
  lastJob(): Promise<StoredJob | undefined>;
  /** The job `id` (a running one whose process died reads as failed), or undefined. */
  job(id: number): Promise<StoredJob | undefined>;
  /**
   * Writes complete samples — ids, creation times and marks as they are — in one transaction
   * (`digitrec db copy`); later inserts get ids after the largest.
   */
  restore(samples: readonly Sample[]): Promise<void>;
  /** Writes a model version row as it is, number and status included (`digitrec db copy`). */
  restoreModelVersion(v: ModelVersion): Promise<void>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/** Options of `openStore`. */
export interface StoreOptions {
  /** The creation time given to new samples; default the wall clock. Tests pass a fixed clock. */
  now?: () => Date;
  /**
   * How long a write waits for another connection's lock before failing with `SQLITE_BUSY`, in
   * ms (default `DEFAULT_BUSY_TIMEOUT_MS`). better-sqlite3 waits on the event loop, so this is
   * kept short: the server answers 503 and the client retries, instead of the whole server
   * stalling. Opening (migrations) waits `OPEN_BUSY_TIMEOUT_MS`.
   */
  busyTimeoutMs?: number;
  /**
   * The write-ahead log is checkpointed into the database once it holds about this many bytes,
   * and truncated back to it afterwards (default `DEFAULT_WAL_LIMIT_BYTES`). A reader that holds
   * a snapshot open can delay a checkpoint; the log then grows until the reader lets go.
   */
  walLimitBytes?: number;
  /**
   * Largest database file, in bytes (rounded down to whole pages); a write that would grow it
   * further fails with `SQLITE_FULL` (the API's 507). Default: no limit but the disk's.
   */
  maxBytes?: number;
}

/** Default of `StoreOptions.walLimitBytes`: 16 MiB. */
export const DEFAULT_WAL_LIMIT_BYTES = 16 * 1024 * 1024;

/** Default wait for another connection's write lock, in ms (see `StoreOptions.busyTimeoutMs`). */
export const DEFAULT_BUSY_TIMEOUT_MS = 100;
/** Wait for the write lock while opening and migrating, in ms (once, at start). */
export const OPEN_BUSY_TIMEOUT_MS = 5000;

/** A row of the samples table. */
export interface Row {
  id: number;
  label: number;
  strokes: string | null;
  canvas_width: number | null;
  canvas_height: number | null;
  brush_width: number | null;
  image: Buffer;
  source: SampleSource;
  session_id: string | null;
  pointer_type: string | null;
  model_version: string | null;
  predicted: number | null;
  confidence: number | null;
  not_digit: number;
  created_at: string;
}

/** Thrown when the file's schema is newer than this program's migrations. */
export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

/**
 * Brings a database up to `migrations.length`, one transaction a step, and returns the version.
 * Running it again is a no-op. Refuses a file whose version is newer than the list.
 */
export function migrate(db: Database.Database, migrations: readonly string[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new SchemaVersionError(
      `database schema version ${current} is newer than this digitrec supports (${migrations.length})`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}

/** Strokes as stored: compact JSON point lists. */
export function strokesToJson(strokes: Stroke[]): string {
  // Compact point lists: [x, y] or [x, y, t].
  return JSON.stringify(
    strokes.map((s) => s.map((p) => (p.t === undefined ? [p.x, p.y] : [p.x, p.y, p.t]))),
  );
}

function strokesFromJson(text: string): Stroke[] {
  const raw = JSON.parse(text) as number[][][];
  return raw.map((s) =>
    s.map((p) => (p.length > 2 ? { x: p[0], y: p[1], t: p[2] } : { x: p[0], y: p[1] })),
  );
}

/** A sample from its row (both back ends use the same columns). */
export function fromRow(r: Row): Sample {
  const drawing: Drawing | null =
    r.strokes === null ||
    r.canvas_width === null ||
    r.canvas_height === null ||
    r.brush_width === null
      ? null
      : {
          strokes: strokesFromJson(r.strokes),
          width: r.canvas_width,
          height: r.canvas_height,
          brushWidth: r.brush_width,
        };
  return {
    id: r.id,
    label: r.label,
    drawing,
    image: new Uint8Array(r.image.buffer, r.image.byteOffset, r.image.byteLength),
    source: r.source,
    sessionId: r.session_id,
    pointerType: r.pointer_type,
    modelVersion: r.model_version,
    predicted: r.predicted,
    confidence: r.confidence,
    notDigit: r.not_digit === 1,
    createdAt: r.created_at,
  };
}

/**
 * The WHERE clause of a filter (empty when there is none); `bind` turns a value into a
 * placeholder of the back end's dialect (`@label` for SQLite, `$1` for PostgreSQL).
 */
export function filterSql(
  filter: SampleFilter,
  bind: (name: string, value: unknown) => string,
): string {
  const parts: string[] = [];
  if (filter.label !== undefined) parts.push(`label = ${bind('label', filter.label)}`);
  if (filter.source !== undefined) parts.push(`source = ${bind('source', filter.source)}`);
  if (filter.sessionId !== undefined)
    parts.push(`session_id = ${bind('sessionId', filter.sessionId)}`);
  if (filter.mispredicted) parts.push('predicted IS NOT NULL AND predicted <> label');
  return parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '';
}

function where(filter: SampleFilter): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const sql = filterSql(filter, (name, value) => {
    params[name] = value;
    return `@${name}`;
  });
  return { sql, params };
}

/** The columns of a sample but its id and creation time, by parameter name. */
function sampleParams(sample: NewSample) {
  const d = sample.drawing;
  return {
    label: sample.label,
    strokes: d ? strokesToJson(d.strokes) : null,
    canvasWidth: d ? d.width : null,
    canvasHeight: d ? d.height : null,
    brushWidth: d ? d.brushWidth : null,
    image: Buffer.from(sample.image.buffer, sample.image.byteOffset, sample.image.byteLength),
    source: sample.source,
    sessionId: sample.sessionId,
    pointerType: sample.pointerType,
    modelVersion: sample.modelVersion,
    predicted: sample.predicted,
    confidence: sample.confidence,
    notDigit: sample.notDigit === true ? 1 : 0,
  };
}

/** The sample store on one SQLite file. Create with `openStore`; close when done. */
export class SampleStore {
  /** The schema version the file is at after opening. */
  readonly schemaVersion: number;
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #insert: Database.Statement;

  /**
   * Wraps an open connection. Read-write (the default), the schema is migrated to the latest;
   * `readOnly`, it must already be at the latest (`SchemaVersionError` otherwise) and is left as it is.
   */
  constructor(db: Database.Database, options: StoreOptions = {}, readOnly = false) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    if (readOnly) {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== MIGRATIONS.length)
        throw new SchemaVersionError(
          `expected a digitrec sample store at schema version ${MIGRATIONS.length}, got version ${version}${version < MIGRATIONS.length ? ' (start the server on it once to upgrade it)' : ''}`,
        );
      this.schemaVersion = version;
    } else this.schemaVersion = migrate(db);
    this.#insert = db.prepare(
      `INSERT INTO samples (label, strokes, canvas_width, canvas_height, brush_width, image, source,
         session_id, pointer_type, model_version, predicted, confidence, not_digit, created_at)
       VALUES (@label, @strokes, @canvasWidth, @canvasHeight, @brushWidth, @image, @source,
         @sessionId, @pointerType, @modelVersion, @predicted, @confidence, @notDigit, @createdAt)`,
    );
  }

  /** Stores one sample and returns it with its id and creation time. */
  insert(sample: NewSample): Sample {
    const createdAt = this.#now().toISOString();
    if (sample.image.length !== IMAGE_BYTES) {
      throw new RangeError(`sample.image must be ${IMAGE_BYTES} bytes, got ${sample.image.length}`);
    }
    const info = this.#insert.run({ ...sampleParams(sample), createdAt });
    return {
      ...sample,
      notDigit: sample.notDigit === true,
      id: Number(info.lastInsertRowid),
      createdAt,
    };
  }

  /** See `Store.restore`. */
  restore(samples: readonly Sample[]): void {
    const insert = this.#db.prepare(
      `INSERT INTO samples (id, label, strokes, canvas_width, canvas_height, brush_width, image,
         source, session_id, pointer_type, model_version, predicted, confidence, not_digit, created_at)
       VALUES (@id, @label, @strokes, @canvasWidth, @canvasHeight, @brushWidth, @image, @source,
         @sessionId, @pointerType, @modelVersion, @predicted, @confidence, @notDigit, @createdAt)`,
    );
    this.#db.transaction(() => {
      for (const s of samples) insert.run({ id: s.id, ...sampleParams(s), createdAt: s.createdAt });
    })();
  }

  /** See `Store.restoreModelVersion`. */
  restoreModelVersion(v: ModelVersion): void {
    this.#db
      .prepare(
        `INSERT INTO models (version, model_id, created_at, status, file, report, summary, metrics,
           promoted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        v.version,
        v.modelId,
        v.createdAt,
        v.status,
        v.file,
        v.report,
        JSON.stringify(v.summary),
        JSON.stringify(v.metrics),
        v.promotedAt,
      );
  }

  /** Stores many samples in one transaction: all or none. Returns the number stored. */
  insertMany(samples: readonly NewSample[]): number {
    this.#db.transaction(() => {
      for (const s of samples) this.insert(s);
    })();
    return samples.length;
  }

  /** One sample, or undefined. */
  get(id: number): Sample | undefined {
    const row = this.#db.prepare('SELECT * FROM samples WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Number of samples matching the filter. */
  count(filter: SampleFilter = {}): number {
    const w = where(filter);
    const row = this.#db.prepare(`SELECT count(*) AS n FROM samples ${w.sql}`).get(w.params) as {
      n: number;
    };
    return row.n;
  }

  /** One page of samples matching the filter, newest first, and the total count. */
  list(
    filter: SampleFilter = {},
    page: { limit?: number; offset?: number } = {},
  ): { total: number; samples: Sample[] } {
    const w = where(filter);
    const rows = this.#db
      .prepare(`SELECT * FROM samples ${w.sql} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...w.params, limit: page.limit ?? 50, offset: page.offset ?? 0 }) as Row[];
    return { total: this.count(filter), samples: rows.map(fromRow) };
  }

  /** Every sample matching the filter, oldest first, one row at a time (for export). */
  *iterate(filter: SampleFilter = {}): IterableIterator<Sample> {
    const w = where(filter);
    const stmt = this.#db.prepare(`SELECT * FROM samples ${w.sql} ORDER BY id`);
    for (const row of stmt.iterate(w.params) as IterableIterator<Row>) yield fromRow(row);
  }

  /**
   * The matching samples in id order, `pageSize` at a time, as they stand when each page is read
   * (only ids up to the largest when the first page is read: rows added meanwhile are left out).
   * Each page is one complete query, so the connection is free between pages: a caller may yield
   * to the event loop, and other requests write, while it walks a large result.
   */
  *pages(filter: SampleFilter = {}, pageSize = 500): IterableIterator<Sample[]> {
    if (!(Number.isInteger(pageSize) && pageSize > 0))
      throw new RangeError(`pageSize: expected a positive integer, got ${pageSize}`);
    const w = where(filter);
    const cond = w.sql ? `${w.sql} AND` : 'WHERE';
    const stmt = this.#db.prepare(
      `SELECT * FROM samples ${cond} id > @after AND id <= @last ORDER BY id LIMIT @limit`,
    );
    const last =
      (this.#db.prepare('SELECT max(id) AS id FROM samples').get() as { id: number | null }).id ??
      0;
    let after = 0;
    while (after < last) {
      const rows = stmt.all({ ...w.params, after, last, limit: pageSize }) as Row[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      yield rows.map(fromRow);
    }
  }

  /** Counts by digit, source and UTC day. */
  stats(filter: SampleFilter = {}): StoreStats {
    const w = where(filter);
    const byLabel = new Array<number>(10).fill(0);
    for (const r of this.#db
      .prepare(`SELECT label, count(*) AS n FROM samples ${w.sql} GROUP BY label`)
      .all(w.params) as { label: number; n: number }[]) {
      byLabel[r.label] = r.n;
    }
    const bySource = Object.fromEntries(SAMPLE_SOURCES.map((s) => [s, 0])) as Record<
      SampleSource,
      number
    >;
    for (const r of this.#db
      .prepare(`SELECT source, count(*) AS n FROM samples ${w.sql} GROUP BY source`)
      .all(w.params) as { source: SampleSource; n: number }[]) {
      bySource[r.source] = r.n;
    }
    const byDay = (
      this.#db
        .prepare(
          `SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM samples ${w.sql}
           GROUP BY day ORDER BY day`,
        )
        .all(w.params) as { day: string; n: number }[]
    ).map((r) => ({ day: r.day, count: r.n }));
    return { total: byLabel.reduce((a, b) => a + b, 0), byLabel, bySource, byDay };
  }

  /**
   * Gives a sample a new label (or confirms its label) and clears its "not a digit" mark: someone
   * looked at it. Returns the updated sample, or undefined when there is none.
   */
  relabel(id: number, label: number): Sample | undefined {
    const info = this.#db
      .prepare('UPDATE samples SET label = ?, not_digit = 0 WHERE id = ?')
      .run(label, id);
    return info.changes > 0 ? this.get(id) : undefined;
  }

  /** Deletes a sample; false when there was none. */
  delete(id: number): boolean {
    return this.#db.prepare('DELETE FROM samples WHERE id = ?').run(id).changes > 0;
  }

  /** Every model version, newest first. */
  modelVersions(): ModelVersion[] {
    const rows = this.#db.prepare('SELECT * FROM models ORDER BY version DESC').all() as ModelRow[];
    return rows.map(modelFromRow);
  }

  /** One model version, or undefined. */
  modelVersion(version: number): ModelVersion | undefined {
    const row = this.#db.prepare('SELECT * FROM models WHERE version = ?').get(version) as
      | ModelRow
      | undefined;
    return row ? modelFromRow(row) : undefined;
  }

  /** The version marked serving, or undefined before the first one is added. */
  servingVersion(): ModelVersion | undefined {
    const row = this.#db.prepare(`SELECT * FROM models WHERE status = 'serving'`).get() as
      | ModelRow
      | undefined;
    return row ? modelFromRow(row) : undefined;
  }

  /** The number the next added version will get. */
  nextModelVersion(): number {
    const row = this.#db.prepare('SELECT max(version) AS v FROM models').get() as {
      v: number | null;
    };
    return (row.v ?? 0) + 1;
  }

  /**
   * Adds a model version with the next number (its file must already be in place). Added as
   * `serving`, it is promoted in the same transaction: the previous serving version is retired.
   */
  addModelVersion(v: NewModelVersion): ModelVersion {
    // The wall clock: `now` is the samples' clock (tests step it per sample).
    const now = new Date().toISOString();
    return this.#db.transaction(() => {
      const version = this.nextModelVersion();
      if (v.status === 'serving') this.#retireServing();
      this.#db
        .prepare(
          `INSERT INTO models (version, model_id, created_at, status, file, report, summary, metrics,
             promoted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          version,
          v.modelId,
          now,
          v.status,
          v.file,
          v.report,
          JSON.stringify(v.summary),
          JSON.stringify(v.metrics),
          v.status === 'serving' ? now : null,
        );
      return this.modelVersion(version) as ModelVersion;
    })();
  }

  /**
   * Makes `version` the serving one in one transaction (the previous serving version is retired);
   * undefined when there is no such version.
   */
  promoteModelVersion(version: number): ModelVersion | undefined {
    // The wall clock: `now` is the samples' clock (tests step it per sample).
    const now = new Date().toISOString();
    return this.#db.transaction(() => {
      const v = this.modelVersion(version);
      if (!v) return undefined;
      if (v.status === 'serving') return v;
      this.#retireServing();
      this.#db
        .prepare(`UPDATE models SET status = 'serving', promoted_at = ? WHERE version = ?`)
        .run(now, version);
      return this.modelVersion(version);
    })();
  }

  #retireServing(): void {
    this.#db.prepare(`UPDATE models SET status = 'retired' WHERE status = 'serving'`).run();
  }

  /** Stores `bytes` under their SHA-256 (hex) and returns it; storing the same bytes again is a no-op. */
  putBlob(bytes: Uint8Array): string {
    const hash = blobHash(bytes);
    this.#db
      .prepare('INSERT INTO blobs (hash, bytes) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING')
      .run(hash, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return hash;
  }

  /** The bytes stored under `hash`, or undefined. */
  getBlob(hash: string): Buffer | undefined {
    const row = this.#db.prepare('SELECT bytes FROM blobs WHERE hash = ?').get(hash) as
      | { bytes: Buffer }
      | undefined;
    return row?.bytes;
  }

  /**
   * Starts a retraining job row (see `Store.claimJob`). One process uses an SQLite file, so a row
   * still running here is one whose process died: it is marked failed first.
   */
  claimJob(owner: string, startedAt: string): number {
    return this.#db.transaction(() => {
      this.failOrphanedJobs(startedAt);
      const row = this.#db.prepare('SELECT max(id) AS id FROM jobs').get() as { id: number | null };
      const id = (row.id ?? 0) + 1;
      this.#db
        .prepare(`INSERT INTO jobs (id, status, owner, started_at) VALUES (?, 'running', ?, ?)`)
        .run(id, owner, startedAt);
      return id;
    })();
  }

  /** Marks every job row still running as failed (`ORPHANED_JOB_ERROR`): its process is gone. */
  failOrphanedJobs(at: string): void {
    this.#db
      .prepare(
        `UPDATE jobs SET status = 'failed', finished_at = ?, error = ? WHERE status = 'running'`,
      )
      .run(at, ORPHANED_JOB_ERROR);
  }

  /** Records how far a running job has got (see `JobClaim.progress`). */
  jobProgress(id: number, p: JobProgress): void {
    this.#db
      .prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'`)
      .run(JSON.stringify(boundedProgress(p)), id);
  }

  /** Records how a job ended (once: a row no longer running is left as it is). */
  finishJob(id: number, end: JobEnd): void {
    this.#db
      .prepare(
        `UPDATE jobs SET status = ?, finished_at = ?, error = ?, result = ?,
           progress = coalesce(?, progress) WHERE id = ? AND status = 'running'`,
      )
      .run(
        end.status,
        end.finishedAt,
        end.error,
        end.result ? JSON.stringify(end.result) : null,
        end.progress ? JSON.stringify(boundedProgress(end.progress)) : null,
        id,
      );
  }

  /** The newest job row, or undefined before the first. */
  lastJob(): StoredJob | undefined {
    const row = this.#db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT 1').get() as
      | JobRow
      | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  /** The job row `id`, or undefined. */
  job(id: number): StoredJob | undefined {
    const row = this.#db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? jobFromRow(row) : undefined;
  }

  /** The connection's durability and size settings (SQLite pragmas), for tests and diagnostics. */
  sqliteSettings(): {
    journalMode: string;
    synchronous: number;
    walAutocheckpointPages: number;
    journalSizeLimit: number;
    maxPageCount: number;
  } {
    const get = (name: string) => this.#db.pragma(name, { simple: true });
    return {
      journalMode: get('journal_mode') as string,
      synchronous: get('synchronous') as number,
      walAutocheckpointPages: get('wal_autocheckpoint') as number,
      journalSizeLimit: get('journal_size_limit') as number,
      maxPageCount: get('max_page_count') as number,
    };
  }

  /** Closes the file (checkpointing the WAL). */
  close(): void {
    if (!this.#db.open) return;
    if (this.#db.readonly) {
      this.#db.close();
      return;
    }
    try {
      // Fold the log into the database and empty it, so a closed store is one file.
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy (another connection reads): the next opener checkpoints instead.
    }
    this.#db.close();
  }
}

/**
 * Opens (creating if needed) the store at `path` in WAL mode and runs the migrations. The
 * directory must exist.
 */
export function openStore(path: string, options: StoreOptions = {}): SampleStore {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: the log is synced at every commit, so an acknowledged write survives power loss, not
    // only a crash of the process (NORMAL). It costs an fsync a write (about 3 ms here).
    db.pragma('synchronous = FULL');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const wal = options.walLimitBytes ?? DEFAULT_WAL_LIMIT_BYTES;
    if (!(Number.isInteger(wal) && wal >= pageSize))
      throw new RangeError(
        `walLimitBytes: expected an integer ≥ the page size (${pageSize}), got ${wal}`,
      );
    db.pragma(`wal_autocheckpoint = ${Math.floor(wal / pageSize)}`);
    db.pragma(`journal_size_limit = ${wal}`);
    if (options.maxBytes !== undefined) {
      if (!(Number.isInteger(options.maxBytes) && options.maxBytes >= 16 * pageSize))
        throw new RangeError(
          `maxBytes: expected an integer ≥ 16 pages (${16 * pageSize}), got ${options.maxBytes}`,
        );
      db.pragma(`max_page_count = ${Math.floor(options.maxBytes / pageSize)}`);
    }
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    const store = new SampleStore(db, options);
    const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!(Number.isInteger(busy) && busy >= 0))
      throw new RangeError(`busyTimeoutMs: expected an integer ≥ 0, got ${busy}`);
    db.pragma(`busy_timeout = ${busy}`);
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens an existing store at `path` read-only (for training and the CLI while the server may be
 * writing): no migrations, no writes. `SchemaVersionError` when the file is not a store at the
 * latest schema; better-sqlite3's error when it cannot be opened.
 */
export function openStoreReadOnly(path: string): SampleStore {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    return new SampleStore(db, {}, true);
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The `Store` interface over one SQLite file (a `SampleStore`; better-sqlite3 is synchronous). */
export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  readonly schemaVersion: number;
  /** The synchronous store underneath (SQLite-only diagnostics, tests). */
  readonly sync: SampleStore;

  /** Wraps a read-write store; a job row left running by an earlier process is marked failed. */
  constructor(store: SampleStore) {
    this.sync = store;
    this.schemaVersion = store.schemaVersion;
    store.failOrphanedJobs(new Date().toISOString());
  }

  async insert(sample: NewSample): Promise<Sample> {
    return this.sync.insert(sample);
  }
  async insertMany(samples: readonly NewSample[]): Promise<number> {
    return this.sync.insertMany(samples);
  }
  async get(id: number): Promise<Sample | undefined> {
    return this.sync.get(id);
  }
  async count(filter: SampleFilter = {}): Promise<number> {
    return this.sync.count(filter);
  }
  async list(filter: SampleFilter = {}, page: { limit?: number; offset?: number } = {}) {
    return this.sync.list(filter, page);
  }
  async *pages(filter: SampleFilter = {}, pageSize = 500): AsyncIterableIterator<Sample[]> {
    yield* this.sync.pages(filter, pageSize);
  }
  async stats(filter: SampleFilter = {}): Promise<StoreStats> {
    return this.sync.stats(filter);
  }
  async relabel(id: number, label: number): Promise<Sample | undefined> {
    return this.sync.relabel(id, label);
  }
  async delete(id: number): Promise<boolean> {
    return this.sync.delete(id);
  }
  async modelVersions(): Promise<ModelVersion[]> {
    return this.sync.modelVersions();
  }
  async modelVersion(version: number): Promise<ModelVersion | undefined> {
    return this.sync.modelVersion(version);
  }
  async servingVersion(): Promise<ModelVersion | undefined> {
    return this.sync.servingVersion();
  }
  async addModelVersion(v: NewModelVersion): Promise<ModelVersion> {
    return this.sync.addModelVersion(v);
  }
  async promoteModelVersion(version: number): Promise<ModelVersion | undefined> {
    return this.sync.promoteModelVersion(version);
  }
  async putBlob(bytes: Uint8Array): Promise<string> {
    return this.sync.putBlob(bytes);
  }
  async getBlob(hash: string): Promise<Buffer | undefined> {
    return this.sync.getBlob(hash);
  }
  // One process uses the file: the retrainer's own guard keeps to one job; the row records it.
  async claimJob(owner: string, startedAt: string): Promise<JobClaim | undefined> {
    const id = this.sync.claimJob(owner, startedAt);
    return {
      id,
      progress: async (p) => this.sync.jobProgress(id, p),
      finish: async (end) => this.sync.finishJob(id, end),
    };
  }
  async lastJob(): Promise<StoredJob | undefined> {
    return this.sync.lastJob();
  }
  async job(id: number): Promise<StoredJob | undefined> {
    return this.sync.job(id);
  }
  async restore(samples: readonly Sample[]): Promise<void> {
    this.sync.restore(samples);
  }
  async restoreModelVersion(v: ModelVersion): Promise<void> {
    this.sync.restoreModelVersion(v);
  }
  async close(): Promise<void> {
    this.sync.close();
  }
}
