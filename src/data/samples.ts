/**
 * A read-only reader of the app's sample store (the SQLite file written by the server's
 * `SampleStore`): the labelled drawings in its `samples` table, grouped by session, for training.
 * Samples stored only as an image (imported CSV rows) have no strokes and are counted, not read.
 */
import Database from 'better-sqlite3';
import type { LabelledDrawing, Stroke } from '../core/types.js';
import { DataFormatError } from './errors.js';

/** The store the server uses unless DIGITREC_DB says otherwise (as `src/server/main.ts`). */
export const DEFAULT_SAMPLES_PATH = './data/digitrec.db';

/** The columns read from the `samples` table. */
interface SampleRow {
  id: number;
  label: number;
  strokes: string | null;
  canvas_width: number | null;
  canvas_height: number | null;
  brush_width: number | null;
  session_id: string | null;
}

/** Drawings of the store and how many samples had no strokes. */
export interface StoredDrawings {
  drawings: LabelledDrawing[];
  withoutStrokes: number;
}

/**
 * Reads every sample with strokes from the store at `path`, opened read-only, in id order. Ids are
 * `samples/<id>`; the group is the session (or `samples/<id>` for a sample without one, so it is
 * its own group). `DataFormatError` when the file is not a sample store.
 */
export function readSampleStore(path: string): StoredDrawings {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DataFormatError(
      { file: path },
      `cannot open the sample store: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    let rows: SampleRow[];
    try {
      rows = db
        .prepare(
          `SELECT id, label, strokes, canvas_width, canvas_height, brush_width, session_id
           FROM samples ORDER BY id`,
        )
        .all() as SampleRow[];
    } catch (error) {
      throw new DataFormatError(
        { file: path },
        `expected a digitrec sample store with a samples table: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const drawings: LabelledDrawing[] = [];
    let withoutStrokes = 0;
    for (const r of rows) {
      if (
        r.strokes === null ||
        r.canvas_width === null ||
        r.canvas_height === null ||
        r.brush_width === null
      ) {
        withoutStrokes++;
        continue;
      }
      const raw = JSON.parse(r.strokes) as number[][][];
      const strokes: Stroke[] = raw.map((s) =>
        s.map((p) => (p.length > 2 ? { x: p[0], y: p[1], t: p[2] } : { x: p[0], y: p[1] })),
      );
      drawings.push({
        id: `samples/${r.id}`,
        label: r.label,
        group: r.session_id ?? `samples/${r.id}`,
        drawing: {
          strokes,
          width: r.canvas_width,
          height: r.canvas_height,
          brushWidth: r.brush_width,
        },
      });
    }
    return { drawings, withoutStrokes };
  } finally {
    db.close();
  }
}
