/**
 * The app's sample store as a training source: the labelled drawings of `store.ts`'s `samples`
 * table, read through a read-only `SampleStore`, grouped by session. Samples stored only as an
 * image (imported CSV rows) have no strokes and are counted, not read.
 */
import type { LabelledDrawing } from '../core/types.js';
import { DataFormatError } from './errors.js';
import { openStoreReadOnly, type SampleStore, SchemaVersionError } from './store.js';

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
    const drawings: LabelledDrawing[] = [];
    let withoutStrokes = 0;
    let notDigit = 0;
    for (const page of store.pages()) {
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
  } finally {
    store.close();
  }
}
