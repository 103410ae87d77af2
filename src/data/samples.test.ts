import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { DataFormatError } from './errors.js';
import { readSampleStore } from './samples.js';
import { loadDataSource } from './sources.js';

const dir = mkdtempSync(join(tmpdir(), 'digitrec-samples-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('readSampleStore reads the drawings of a sample store, grouped by session', () => {
  const path = join(dir, 'store.db');
  const db = new Database(path);
  // The columns the reader uses, as the server's schema has them.
  db.exec(`CREATE TABLE samples (id INTEGER PRIMARY KEY AUTOINCREMENT, label INTEGER NOT NULL,
    strokes TEXT, canvas_width INTEGER, canvas_height INTEGER, brush_width REAL, image BLOB,
    session_id TEXT)`);
  const insert = db.prepare(
    'INSERT INTO samples (label, strokes, canvas_width, canvas_height, brush_width, session_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  insert.run(7, '[[[10,20],[30,40,5]]]', 280, 280, 18, 's1');
  insert.run(3, null, null, null, null, 's1');
  insert.run(1, '[[[5,5]]]', 200, 100, 12.5, null);
  db.close();
  const { drawings, withoutStrokes } = readSampleStore(path);
  assert.equal(withoutStrokes, 1);
  assert.deepEqual(drawings, [
    {
      id: 'samples/1',
      label: 7,
      group: 's1',
      drawing: {
        strokes: [
          [
            { x: 10, y: 20 },
            { x: 30, y: 40, t: 5 },
          ],
        ],
        width: 280,
        height: 280,
        brushWidth: 18,
      },
    },
    {
      id: 'samples/3',
      label: 1,
      group: 'samples/3',
      drawing: { strokes: [[{ x: 5, y: 5 }]], width: 200, height: 100, brushWidth: 12.5 },
    },
  ]);
  const source = loadDataSource(`samples:${path}`);
  assert.equal(source.kind, 'drawings');
  assert.equal(source.kind === 'drawings' && source.drawings.length, 2);
});

test('readSampleStore: a missing file or a file without a samples table is a DataFormatError', () => {
  assert.throws(() => readSampleStore(join(dir, 'none.db')), DataFormatError);
  const other = join(dir, 'other.db');
  new Database(other).exec('CREATE TABLE t (x)');
  assert.throws(
    () => readSampleStore(other),
    /expected a digitrec sample store with a samples table/,
  );
  const text = join(dir, 'text.db');
  writeFileSync(text, 'not sqlite');
  assert.throws(() => readSampleStore(text), DataFormatError);
});
