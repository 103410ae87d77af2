import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  IMAGE_BYTES,
  MIGRATIONS,
  migrate,
  type NewSample,
  openStore,
  SchemaVersionError,
} from './store.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A clock that ticks one hour a call, from 2024-03-01T22:00Z, so samples span two days. */
function fakeClock(): () => Date {
  let t = Date.UTC(2024, 2, 1, 22);
  return () => {
    const d = new Date(t);
    t += 3600_000;
    return d;
  };
}

function image(fill: number): Uint8Array {
  return new Uint8Array(IMAGE_BYTES).fill(fill);
}

function sample(label: number, extra: Partial<NewSample> = {}): NewSample {
  return {
    label,
    drawing: {
      strokes: [
        [
          { x: 10, y: 20, t: 0 },
          { x: 30.5, y: 40.25, t: 16 },
        ],
        [{ x: 5, y: 5 }],
      ],
      width: 280,
      height: 280,
      brushWidth: 18,
    },
    image: image(label),
    source: 'collect',
    sessionId: 'session-a',
    pointerType: 'mouse',
    modelVersion: 'abc123',
    predicted: label,
    confidence: 0.9,
    ...extra,
  };
}

describe('SampleStore', () => {
  test('a new file is in WAL mode at the latest schema version', () => {
    const path = join(dir, 'new.db');
    const store = openStore(path);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    store.close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    db.close();
  });

  test('insert then get round-trips every field, strokes, timestamps and the image BLOB', () => {
    const store = openStore(join(dir, 'roundtrip.db'), { now: fakeClock() });
    const s = store.insert(sample(7, { confidence: 0.25, predicted: 1 }));
    assert.equal(s.id, 1);
    assert.equal(s.createdAt, '2024-03-01T22:00:00.000Z');
    const got = store.get(s.id);
    assert.ok(got);
    assert.deepEqual({ ...got, image: [...got.image] }, { ...s, image: [...s.image] });
    assert.deepEqual(got.drawing?.strokes[0][1], { x: 30.5, y: 40.25, t: 16 });
    assert.deepEqual(got.drawing?.strokes[1][0], { x: 5, y: 5 });
    assert.equal(store.get(999), undefined);
    store.close();
  });

  test('image-only samples keep a null drawing', () => {
    const store = openStore(join(dir, 'image-only.db'));
    const s = store.insert(
      sample(3, { drawing: null, source: 'import', predicted: null, confidence: null }),
    );
    const got = store.get(s.id);
    assert.equal(got?.drawing, null);
    assert.equal(got?.predicted, null);
    store.close();
  });

  test('list paginates newest first and filters by label, source, session and mispredicted', () => {
    const store = openStore(join(dir, 'list.db'), { now: fakeClock() });
    for (let i = 0; i < 25; i++) {
      store.insert(
        sample(i % 10, {
          source: i % 2 === 0 ? 'collect' : 'feedback',
          sessionId: i < 5 ? 's1' : 's2',
          predicted: i % 7 === 0 ? (i + 1) % 10 : i % 10,
        }),
      );
    }
    const page1 = store.list({}, { limit: 10, offset: 0 });
    assert.equal(page1.total, 25);
    assert.deepEqual(
      page1.samples.map((s) => s.id),
      [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
    );
    const page3 = store.list({}, { limit: 10, offset: 20 });
    assert.deepEqual(
      page3.samples.map((s) => s.id),
      [5, 4, 3, 2, 1],
    );
    assert.deepEqual(
      store.list({ label: 3 }).samples.map((s) => s.id),
      [24, 14, 4],
    );
    assert.equal(store.count({ source: 'feedback' }), 12);
    assert.equal(store.count({ sessionId: 's1' }), 5);
    // i = 0, 7, 14, 21 were mispredicted.
    assert.deepEqual(
      store.list({ mispredicted: true }).samples.map((s) => s.id),
      [22, 15, 8, 1],
    );
    assert.equal(store.count({ mispredicted: true, source: 'collect' }), 2);
    assert.deepEqual(
      [...store.iterate({ label: 3 })].map((s) => s.id),
      [4, 14, 24],
    );
    store.close();
  });

  test('stats count by digit, source and UTC day', () => {
    const store = openStore(join(dir, 'stats.db'), { now: fakeClock() });
    assert.deepEqual(store.stats(), {
      total: 0,
      byLabel: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      bySource: { collect: 0, feedback: 0, import: 0 },
      byDay: [],
    });
    // 22:00 and 23:00 on 1 March, then 00:00, 01:00 on 2 March.
    store.insert(sample(1));
    store.insert(sample(1, { source: 'feedback' }));
    store.insert(sample(9, { source: 'import' }));
    store.insert(sample(0, { sessionId: 's9' }));
    assert.deepEqual(store.stats(), {
      total: 4,
      byLabel: [1, 2, 0, 0, 0, 0, 0, 0, 0, 1],
      bySource: { collect: 2, feedback: 1, import: 1 },
      byDay: [
        { day: '2024-03-01', count: 2 },
        { day: '2024-03-02', count: 2 },
      ],
    });
    assert.deepEqual(store.stats({ sessionId: 's9' }).byLabel, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    store.close();
  });

  test('relabel and delete change one row and report a missing id', () => {
    const store = openStore(join(dir, 'edit.db'));
    const a = store.insert(sample(2));
    const b = store.insert(sample(4));
    assert.equal(store.relabel(a.id, 5)?.label, 5);
    assert.equal(store.relabel(999, 5), undefined);
    assert.equal(store.delete(b.id), true);
    assert.equal(store.delete(b.id), false);
    assert.equal(store.count(), 1);
    assert.equal(store.get(a.id)?.label, 5);
    store.close();
  });

  test('insertMany is all or nothing', () => {
    const store = openStore(join(dir, 'many.db'));
    assert.equal(store.insertMany([sample(1), sample(2)]), 2);
    assert.throws(() => store.insertMany([sample(3), sample(11)]), /CHECK constraint/);
    assert.equal(store.count(), 2);
    store.close();
  });

  test('CHECK constraints refuse rows a caller failed to validate', () => {
    const store = openStore(join(dir, 'checks.db'));
    assert.throws(() => store.insert(sample(10)), /CHECK constraint/);
    assert.throws(() => store.insert(sample(1, { confidence: 1.5 })), /CHECK constraint/);
    assert.throws(
      () => store.insert(sample(1, { source: 'nowhere' as 'collect' })),
      /CHECK constraint/,
    );
    assert.throws(() => store.insert(sample(1, { image: new Uint8Array(10) })), RangeError);
    assert.equal(store.count(), 0);
    store.close();
  });

  test('a file of schema 3 upgrades to the "not a digit" mark: old rows unmarked, relabel clears it', () => {
    const path = join(dir, 'v3.db');
    const db = new Database(path);
    migrate(db, MIGRATIONS.slice(0, 3));
    db.close();
    // Write a row the way schema 3 did (no not_digit column), then open with every migration.
    const raw = new Database(path);
    raw
      .prepare(
        `INSERT INTO samples (label, image, source, created_at) VALUES (4, ?, 'import', '2026-01-01T00:00:00.000Z')`,
      )
      .run(Buffer.alloc(784));
    raw.close();
    const store = openStore(path);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    assert.equal(store.get(1)?.notDigit, false, 'rows of before the mark are not marked');
    const marked = store.insert({ ...sample(2), notDigit: true });
    assert.equal(marked.notDigit, true);
    assert.equal(store.get(marked.id)?.notDigit, true);
    assert.equal(store.relabel(marked.id, 2)?.notDigit, false, 'relabelling clears the mark');
    store.close();
    const check = new Database(path);
    assert.throws(
      () => check.prepare('UPDATE samples SET not_digit = 2 WHERE id = 1').run(),
      /CHECK constraint failed/,
    );
    check.close();
  });

  test('reopening keeps the rows; migrations run once and are idempotent', () => {
    const path = join(dir, 'reopen.db');
    const first = openStore(path);
    first.insert(sample(6));
    first.close();
    const second = openStore(path);
    assert.equal(second.schemaVersion, MIGRATIONS.length);
    assert.equal(second.count(), 1);
    assert.equal(second.get(1)?.label, 6);
    second.close();
    const db = new Database(path);
    assert.equal(migrate(db), MIGRATIONS.length);
    assert.equal(migrate(db), MIGRATIONS.length);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    db.close();
  });

  test('a file at an older schema version is upgraded and keeps its rows', () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare(
      `INSERT INTO samples (label, image, source, created_at) VALUES (8, ?, 'import', '2023-01-01T00:00:00.000Z')`,
    ).run(Buffer.alloc(IMAGE_BYTES));
    db.close();
    const store = openStore(path);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    assert.equal(store.get(1)?.label, 8);
    store.close();
    const check = new Database(path, { readonly: true });
    const indexes = check
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'samples_%'`)
      .all()
      .map((r) => (r as { name: string }).name)
      .sort();
    assert.deepEqual(indexes, [
      'samples_created',
      'samples_label',
      'samples_session',
      'samples_source',
    ]);
    check.close();
  });

  test('a file from a newer digitrec is refused, not modified', () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    assert.throws(() => openStore(path), SchemaVersionError);
    const check = new Database(path, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), MIGRATIONS.length + 1);
    check.close();
  });
});

describe('model versions', () => {
  const version = (modelId: string, status: 'serving' | 'candidate-rejected' = 'serving') => ({
    modelId,
    status,
    file: `${modelId}.json`,
    report: null,
    summary: { origin: 'test' },
    metrics: { heldOut: { n: 3, accuracy: 2 / 3 } },
  });

  test('versions are numbered in order; adding or promoting one retires the serving one', () => {
    const path = join(dir, 'versions.db');
    const store = openStore(path);
    assert.equal(store.servingVersion(), undefined);
    assert.equal(store.nextModelVersion(), 1);
    assert.equal(store.addModelVersion(version('aaa')).version, 1);
    assert.equal(store.addModelVersion(version('bbb', 'candidate-rejected')).version, 2);
    assert.equal(store.servingVersion()?.modelId, 'aaa');
    const third = store.addModelVersion(version('ccc'));
    assert.equal(third.version, 3);
    assert.ok(third.promotedAt);
    assert.deepEqual(
      store.modelVersions().map((v) => [v.version, v.status]),
      [
        [3, 'serving'],
        [2, 'candidate-rejected'],
        [1, 'retired'],
      ],
    );
    assert.deepEqual(store.modelVersion(2)?.metrics, { heldOut: { n: 3, accuracy: 2 / 3 } });
    assert.equal(store.promoteModelVersion(1)?.status, 'serving');
    assert.equal(store.promoteModelVersion(9), undefined);
    store.close();
    // Reopened: the same rows, version 1 serving.
    const again = openStore(path);
    assert.equal(again.servingVersion()?.version, 1);
    assert.equal(again.modelVersion(3)?.status, 'retired');
    again.close();
  });

  test('the schema allows one serving row and known statuses only', () => {
    const path = join(dir, 'versions-check.db');
    openStore(path).close();
    const db = new Database(path);
    const insert = db.prepare(
      `INSERT INTO models (version, model_id, created_at, status, file, summary, metrics)
       VALUES (?, 'x', '2024-01-01', ?, 'x.json', '{}', '{}')`,
    );
    insert.run(1, 'serving');
    assert.throws(() => insert.run(2, 'serving'), /UNIQUE constraint failed/);
    assert.throws(() => insert.run(3, 'best'), /CHECK constraint failed/);
    db.close();
  });
});

describe('pages', () => {
  test('walks the matching samples in id order, a page at a time; rows added meanwhile are left out', () => {
    const store = openStore(join(dir, 'pages.db'));
    try {
      store.insertMany([0, 1, 2, 3, 4, 5, 6].map((l) => sample(l % 2, { sessionId: `s${l}` })));
      assert.deepEqual(
        [...store.pages({}, 3)].map((page) => page.map((s) => s.id)),
        [[1, 2, 3], [4, 5, 6], [7]],
      );
      assert.deepEqual(
        [...store.pages({ label: 1 }, 2)].map((page) => page.map((s) => s.id)),
        [[2, 4], [6]],
      );
      const walk = store.pages({}, 4);
      const first = walk.next().value as { id: number }[];
      // The connection is free between pages: a write succeeds and is not part of this walk.
      store.insert(sample(9));
      store.delete(6);
      const rest = [...walk].flat().map((s) => s.id);
      assert.deepEqual(
        [first.map((s) => s.id), rest],
        [
          [1, 2, 3, 4],
          [5, 7],
        ],
      );
      const empty = openStore(join(dir, 'pages-empty.db'));
      assert.deepEqual([...empty.pages()], []);
      empty.close();
      assert.throws(() => [...store.pages({}, 0)], /pageSize: expected a positive integer, got 0/);
    } finally {
      store.close();
    }
  });
});

describe('durability and size', () => {
  test('acknowledged writes are synced (synchronous FULL) and the log is checkpointed at its limit', () => {
    const path = join(dir, 'wal.db');
    const limit = 64 * 1024;
    const store = openStore(path, { walLimitBytes: limit });
    try {
      assert.deepEqual(store.sqliteSettings(), {
        journalMode: 'wal',
        synchronous: 2,
        walAutocheckpointPages: limit / 4096,
        journalSizeLimit: limit,
        maxPageCount: store.sqliteSettings().maxPageCount,
      });
      let largest = 0;
      for (let i = 0; i < 300; i++) {
        store.insert(sample(i % 10));
        largest = Math.max(largest, statSync(`${path}-wal`).size);
      }
      // One commit may overshoot the threshold before the checkpoint; never the default 4 MB.
      assert.ok(largest <= 2 * limit, `the log grew to ${largest} bytes`);
      assert.equal(store.count(), 300);
    } finally {
      store.close();
    }
    // Closing folds the log into the database.
    assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0);
    const reopened = openStore(path);
    assert.equal(reopened.count(), 300);
    reopened.close();
  });

  test('a database at its size limit refuses writes with SQLITE_FULL and keeps what it has', () => {
    const store = openStore(join(dir, 'full.db'), { maxBytes: 32 * 4096 });
    try {
      let stored = 0;
      let error: unknown;
      for (let i = 0; i < 500 && error === undefined; i++) {
        try {
          store.insert(sample(i % 10));
          stored++;
        } catch (err) {
          error = err;
        }
      }
      assert.equal((error as { code?: string }).code, 'SQLITE_FULL');
      assert.ok(stored > 0);
      assert.equal(store.count(), stored);
      assert.throws(
        () => openStore(join(dir, 'tiny.db'), { maxBytes: 4096 }),
        /maxBytes: expected an integer ≥ 16 pages \(65536\), got 4096/,
      );
      assert.throws(
        () => openStore(join(dir, 'tiny.db'), { walLimitBytes: 10 }),
        /walLimitBytes: expected an integer ≥ the page size \(4096\), got 10/,
      );
    } finally {
      store.close();
    }
  });
});
