import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sample } from './store.case.js';
import { IMAGE_BYTES, MIGRATIONS, migrate, openStore, SchemaVersionError } from './store.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

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
