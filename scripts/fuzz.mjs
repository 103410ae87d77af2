#!/usr/bin/env node
// The long fuzz run of issue 12: N seeded hostile requests (default 10,000) across every route,
// against a real server on 127.0.0.1 with a real SQLite file in a temporary directory. Prints
// the answers by status and by route, the failures (5xx, non-JSON errors, accepted bad writes,
// no answer), whether /healthz stayed up and whether the database is unchanged.
// Usage: npm run build && node scripts/fuzz.mjs [--n 10000] [--seed 1] [--concurrency 4]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name}: expected a whole number, got ${JSON.stringify(args[i + 1])}`);
    process.exit(2);
  }
  return n;
}
const n = option('n', 10000);
const seed = option('seed', 1);
const concurrency = option('concurrency', 4);

const { buildApp } = await import('../dist/server/app.js');
const { runFuzz } = await import('../dist/server/fuzz.js');
const { DIGIT_STROKES, drawingOf } = await import('../dist/server/test-digits.js');
const { DEFAULT_MODEL_PATH, loadModel } = await import('../dist/data/model-io.js');

function snapshot(dbPath) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return JSON.stringify(
      {
        samples: db.prepare('SELECT * FROM samples ORDER BY id').all(),
        models: db.prepare('SELECT * FROM models ORDER BY version').all(),
      },
      (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v),
    );
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'digitrec-fuzz-'));
const token = 'fuzz-admin-token-0123456789';
const dbPath = join(dir, 'fuzz.db');
const app = buildApp({
  dbPath,
  model: loadModel(DEFAULT_MODEL_PATH),
  adminToken: token,
  rateLimits: false,
});
let failed = false;
try {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const ids = [];
  for (const [label, name] of [
    [1, 'one'],
    [7, 'seven'],
    [0, 'zero'],
  ]) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/samples',
      payload: { label, drawing: drawingOf(DIGIT_STROKES[name], 18, 280), source: 'collect' },
    });
    ids.push(JSON.parse(res.body).id);
  }
  const before = snapshot(dbPath);
  const memBefore = process.memoryUsage().rss;
  const report = await runFuzz(app.server.address().port, seed, n, {
    adminToken: token,
    existingIds: ids,
    concurrency,
  });
  const health = await fetch(`http://127.0.0.1:${app.server.address().port}/healthz`);
  const unchanged = snapshot(dbPath) === before;
  console.log(
    `digitrec fuzz: ${report.requests} requests, seed ${seed}, ${concurrency} at a time, ${report.ms} ms (${Math.round((report.requests / report.ms) * 1000)}/s)`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; server RSS ${Math.round(memBefore / 2 ** 20)} → ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
  console.log(`by status: ${JSON.stringify(report.byStatus)}`);
  console.log(`by route:  ${JSON.stringify(report.byRoute)}`);
  console.log(
    `no answer: ${report.noAnswer}; /healthz after: ${health.status}; database unchanged: ${unchanged}`,
  );
  console.log(`failures:  ${report.failures.length}`);
  for (const f of report.failures.slice(0, 20)) console.log(`  ${f}`);
  failed = report.failures.length > 0 || health.status !== 200 || !unchanged;
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
