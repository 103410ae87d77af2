/**
 * The app's sample store as a training source: the labelled drawings of `store.ts`'s `samples`
 * table, read through a read-only `SampleStore` (or, for a `postgres://` URL, `preloadSamples`
 * first), grouped by session. Samples stored only as an
 * image (imported CSV rows) have no strokes and are counted, not read.
 */
import type { LabelledDrawing } from '../core/types.js';
import { DataFormatError } from './errors.js';
import { isPostgresUrl, openPgStore, redactUrl } from './pg-store.js';
import {
  openStoreReadOnly,
  type Sample,
  type SampleStore,
  SchemaVersionError,
  type Store,
} from './store.js';

/** The store the server uses unless DIGITREC_DB says otherwise (as `src/server/main.ts`). */
export const DEFAULT_SAMPLES_PATH = './data/digitrec.db';

/** Drawings of the store, how many samples had no strokes, and how many were left out as non-digits. */
export interface StoredDrawings {
  drawings: LabelledDrawing[];
  withoutStrokes: number;
  /** Samples the model read as "not a digit", stored on the person's word, not yet relabelled. */
  notDigit: number;
}

/**
 * Reads every sample with strokes from the store at `path`, opened read-only, in id order, except
 * those marked "not a digit" (relabelling one clears the mark and brings it back). Ids are
 * `samples/<id>`; the group is the session (or `samples/<id>` for a sample without one, so it is
 * its own group). `DataFormatError` when the file is not a sample store.
 */
export function readSampleStore(path: string): StoredDrawings {
  if (isPostgresUrl(path)) {
    const read = PRELOADED.get(path);
    if (read) return read;
    throw new DataFormatError(
      { file: redactUrl(path) },
      'a PostgreSQL store is read with preloadSamples first (the caller is missing it)',
    );
  }
  let store: SampleStore;
  try {
    store = openStoreReadOnly(path);
  } catch (error) {
    const why = error instanceof SchemaVersionError ? '' : 'cannot open the sample store: ';
    throw new DataFormatError({ file: path }, `${why}${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return drawingsOf(store.pages());
  } finally {
    store.close();
  }
}

/** The training drawings of a walk over the samples (see `readSampleStore`). */
function drawingsOf(pages: Iterable<Sample[]>): StoredDrawings {
  const drawings: LabelledDrawing[] = [];
  let withoutStrokes = 0;
  let notDigit = 0;
  for (const page of pages) {
    for (const s of page) {
      if (s.notDigit) {
        notDigit++;
        continue;
      }
      if (s.drawing === null) {
        withoutStrokes++;
        continue;
      }
      drawings.push({
        id: `samples/${s.id}`,
        label: s.label,
        group: s.sessionId ?? `samples/${s.id}`,
        drawing: s.drawing,
      });
    }
  }
  return { drawings, withoutStrokes, notDigit };
}

/** PostgreSQL stores read by `preloadSamples`, by URL (the synchronous training pipeline reads them). */
const PRELOADED = new Map<string, StoredDrawings>();

/**
 * Reads the samples of the store at `location` — an SQLite file or a `postgres://` URL — as
 * `readSampleStore` does. A PostgreSQL store is also kept for `readSampleStore(location)`, which
 * the synchronous training pipeline calls (`samples:postgres://…` sources).
 */
export async function preloadSamples(location: string): Promise<StoredDrawings> {
  const read = await readSamples(location);
  if (isPostgresUrl(location)) PRELOADED.set(location, read);
  return read;
}

/** Reads the samples of the store at `location`, an SQLite file or a `postgres://` URL. */
export async function readSamples(location: string): Promise<StoredDrawings> {
  if (!isPostgresUrl(location)) return readSampleStore(location);
  let store: Awaited<ReturnType<typeof openPgStore>>;
  try {
    store = await openPgStore(location, { readOnly: true, maxConnections: 1 });
  } catch (error) {
    const why = error instanceof SchemaVersionError ? '' : 'cannot open the sample store: ';
    throw new DataFormatError({ file: redactUrl(location) }, `${why}${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await readStoreDrawings(store);
  } finally {
    await store.close();
  }
}

/** The training drawings of an open store (see `readSampleStore`). */
export async function readStoreDrawings(store: Store): Promise<StoredDrawings> {
  const pages: Sample[][] = [];
  for await (const page of store.pages({}, 1000)) pages.push(page);
  return drawingsOf(pages);
}
