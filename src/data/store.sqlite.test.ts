/** The shared store suite (store.case.ts) on SQLite files in a temporary directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeCases } from './store.case.js';
import { openStore, SqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'digitrec-store-case-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeCases(
  'sqlite',
  async (name, options) => new SqliteStore(openStore(join(dir, `${name}.db`), options)),
);
