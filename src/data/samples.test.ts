import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { DataFormatError } from './errors.js';
import { readSampleStore } from './samples.js';
import { loadDataSource } from './sources.js';
import { IMAGE_BYTES, openStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'digitrec-samples-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('readSampleStore reads the drawings of a sample store, grouped by session', () => {
  const path = join(dir, 'store.db');
  const store = openStore(path);
  const image = new Uint8Array(IMAGE_BYTES);
  const base = {
    image,
    source: 'collect' as const,
    pointerType: null,
    modelVersion: null,
    predicted: null,
    confidence: null,
  };
  store.insert({
    ...base,
    label: 7,
    sessionId: 's1',
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
  });
  store.insert({ ...base, label: 3, sessionId: 's1', drawing: null, source: 'import' });
  store.insert({
    ...base,
    label: 1,
    sessionId: null,
    drawing: { strokes: [[{ x: 5, y: 5 }]], width: 200, height: 100, brushWidth: 12.5 },
  });
  store.close();
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
  // Read-only: the file is not written (no migration, no checkpoint).
  const before = readFileSync(path);
  readSampleStore(path);
  assert.deepEqual(readFileSync(path), before);
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
    /expected a digitrec sample store at schema version 7, got version 0 \(start the server on it once to upgrade it\)/,
  );
  const text = join(dir, 'text.db');
  writeFileSync(text, 'not sqlite');
  assert.throws(() => readSampleStore(text), DataFormatError);
});
