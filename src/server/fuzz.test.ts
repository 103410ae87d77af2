/**
 * A bounded fuzz run: 2,000 seeded hostile requests across every route, against a real server on
 * 127.0.0.1 with a real SQLite file. No 5xx, every API error JSON naming the problem, the server
 * healthy throughout, and the database byte-for-byte what it was (no rejected write touched it).
 * `scripts/fuzz.mjs` runs the same generator longer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { ModelFile } from '../core/contracts.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { buildApp } from './app.js';
import { fuzzRequest, runFuzz } from './fuzz.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

const TOKEN = 'fuzz-admin-token-0123456789';
let dir: string;
let model: ModelFile;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-fuzz-'));
  model = loadModel(DEFAULT_MODEL_PATH);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every row of the samples and models tables, read through a separate connection. */
function snapshot(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const samples = db.prepare('SELECT * FROM samples ORDER BY id').all();
    const models = db.prepare('SELECT * FROM models ORDER BY version').all();
    return JSON.stringify({ samples, models }, (_k, v) =>
      Buffer.isBuffer(v) ? v.toString('base64') : v,
    );
  } finally {
    db.close();
  }
}

test('the generator is deterministic: the same seed and index give the same request', () => {
  const o = { adminToken: TOKEN, existingIds: [1, 2, 3] };
  for (const i of [0, 1, 17, 999]) assert.deepEqual(fuzzRequest(7, i, o), fuzzRequest(7, i, o));
  assert.notDeepEqual(
    Array.from({ length: 20 }, (_, i) => fuzzRequest(7, i, o).path),
    Array.from({ length: 20 }, (_, i) => fuzzRequest(8, i, o).path),
  );
});

test('2,000 hostile requests on every route: no 5xx, JSON errors, healthy, database unchanged', {
  timeout: 600_000,
}, async () => {
  const dbPath = join(dir, 'fuzz.db');
  // No rate limits here: over a budget every request would be a 429 before reaching the
  // validators under test (the budgets have their own test).
  const app = buildApp({ dbPath, model, adminToken: TOKEN, rateLimits: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  try {
    const ids: number[] = [];
    for (const [label, name] of [
      [1, 'one'],
      [7, 'seven'],
      [0, 'zero'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/samples',
        payload: {
          label,
          drawing: drawingOf(DIGIT_STROKES[name], 18, 280),
          source: 'collect',
          sessionId: 'seed',
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      ids.push((JSON.parse(res.body) as { id: number }).id);
    }
    const before = snapshot(dbPath);
    const report = await runFuzz(address.port, 12, 2000, {
      adminToken: TOKEN,
      existingIds: ids,
      concurrency: 4,
    });
    assert.deepEqual(report.failures.slice(0, 10), [], `${report.failures.length} failures`);
    assert.equal(report.requests, 2000);
    console.log(`fuzz: ${JSON.stringify(report.byStatus)} in ${report.ms} ms`);
    assert.equal(report.noAnswer, 0);
    assert.deepEqual(Object.keys(report.byRoute).sort(), [
      'DELETE /api/samples/:id',
      'GET /api/models/:version/report',
      'GET /api/samples/:id',
      'GET queries',
      'PATCH /api/samples/:id',
      'POST /api/admin/models/:version/promote',
      'POST /api/predict',
      'POST /api/recognize-number',
      'POST /api/samples',
      'POST /api/samples/import',
      'admin train',
      'foreign Host',
      'odd paths',
      'wrong content type',
      'wrong method',
    ]);
    // Mostly refusals, each kind among them.
    for (const status of ['400', '401', '404', '413', '415', '421'])
      assert.ok(report.byStatus[status] > 0, status);
    assert.ok(Object.keys(report.byStatus).every((s) => Number(s) < 500));
    assert.equal((await fetch(`http://127.0.0.1:${address.port}/healthz`)).status, 200);
    assert.equal(snapshot(dbPath), before, 'the database changed');
    // And the server still takes a good write.
    const res = await app.inject({
      method: 'POST',
      url: '/api/samples',
      payload: { label: 7, drawing: drawingOf(DIGIT_STROKES.seven, 18, 280), source: 'collect' },
    });
    assert.equal(res.statusCode, 201, res.body);
  } finally {
    await app.close();
  }
});
