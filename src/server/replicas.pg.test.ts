/**
 * Two server processes (`npm start`'s main.ts) on one PostgreSQL database (a throwaway cluster):
 * what one writes the other reads, what one promotes the other serves, a server killed with
 * SIGKILL during writes loses nothing it acknowledged, one killed during training leaves the
 * job failed (a page following it on the other hears so) and the serving model as it was, and
 * the event stream of a job one runs reaches a page connected to the other (the Data page too, in
 * Chromium). Skipped, saying so, without PostgreSQL.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { DEFAULT_MODEL_PATH } from '../data/model-io.js';
import { type PgCluster, pgUnavailable, startCluster } from '../data/pg-cluster.js';
import { ORPHANED_JOB_ERROR } from '../data/store.js';
import { CHROMIUM_ARGS } from './browser-harness.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';
import { parseSse } from './test-sse.js';

// The built server (npm test builds first), as `npm start` runs it: it starts faster than via tsx.
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'server', 'main.js');
const TOKEN = 'replica-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A running server process and its base URL. */
interface Replica {
  base: string;
  child: ChildProcess;
  /** Its stderr so far (for failure messages). */
  stderr(): string;
}

function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DIGITREC_ADMIN_TOKEN: TOKEN,
      DIGITREC_WRITES_PER_MINUTE: '100000',
      DIGITREC_PREDICT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /digitrec: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ base: `http://127.0.0.1:${m[1]}`, child, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Polls `f` every 50 ms until it returns a value, for at most 15 s (then fails saying `what`). */
async function eventually<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

const SEVEN = drawingOf(DIGIT_STROKES.seven);

/** A job as the API reports it (the fields these tests read). */
interface Job {
  id: number;
  status: string;
  phase: string | null;
  label: string | null;
  done: number;
  total: number;
  log: string[];
  result: { version: number; status: string; promoted: boolean } | null;
}

/**
 * A training configuration small enough for a test, big enough to report progress a while:
 * 12,000 synthetic drawings take A several of its progress writes (one per 250 ms) to generate and
 * draw, so B sees progress rise within a phase, and B is still training when a test kills it.
 * With 2,000–3,000 the whole job lasted about a second, and B could see each phase only once.
 */
function tinyConfig(dir: string): string {
  const path = join(dir, 'tiny.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      data: ['synthetic:12000'],
      synthetic: { mix: { templates: 1, restroked: 0 } },
      features: 'hog',
      Cs: [1],
      cv: 2,
      eval: [],
    }),
  );
  return path;
}

function postSample(base: string, label: number, sessionId: string) {
  return fetch(`${base}/api/samples`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      label,
      drawing: SEVEN,
      source: 'collect',
      sessionId,
      confirmNotDigit: true,
    }),
  });
}

const missing = pgUnavailable();
if (missing) {
  console.log(`# ${missing}`);
  test('two servers on one PostgreSQL', { skip: missing }, () => {});
} else {
  describe('two servers on one PostgreSQL', () => {
    let cluster: PgCluster;
    let dir: string;
    const running: ChildProcess[] = [];
    const start = async (env: Record<string, string>) => {
      const r = await startReplica(env);
      running.push(r.child);
      return r;
    };
    before(() => {
      cluster = startCluster({ fsync: false });
      dir = mkdtempSync(join(tmpdir(), 'digitrec-replicas-'));
    });
    after(async () => {
      for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(running.map(killed));
      cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a sample written on one is read on the other; a promotion on one is served by the other', async () => {
      const url = cluster.createDatabase('shared');
      const a = await start({ DIGITREC_DATABASE_URL: url });
      const b = await start({ DIGITREC_DATABASE_URL: url });
      const res = await postSample(a.base, 7, 'writer-1');
      assert.equal(res.status, 201);
      const stored = (await res.json()) as { id: number };
      const read = await getJson(`${b.base}/api/samples/${stored.id}`);
      assert.equal(read.label, 7);
      assert.deepEqual(read.drawing, SEVEN);
      assert.equal((await getJson(`${b.base}/healthz`)).samples, 1);

      // Version 1 is the committed model, added once though both servers started on it.
      const versions = await getJson(`${b.base}/api/models`);
      assert.equal(versions.serving, 1);
      assert.equal((versions.versions as unknown[]).length, 1);
      const base = JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
      // A third server started on another model file adds it as version 2 and serves it; the
      // other two swap to it without a restart.
      const other = join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ ...base, id: 'replica-test-model' }));
      const c = await start({ DIGITREC_DATABASE_URL: url, DIGITREC_MODEL: other });
      for (const r of [a, b, c]) {
        await eventually('every server serves version 2', async () => {
          const h = await getJson(`${r.base}/healthz`);
          return h.servingVersion === 2 ? h : undefined;
        });
      }
      // Promoting version 1 again on A: B serves it, and its predictions say so.
      const promoted = await fetch(`${a.base}/api/admin/models/1/promote`, {
        method: 'POST',
        headers: AUTH,
      });
      assert.equal(promoted.status, 200);
      const health = await eventually('B serves version 1', async () => {
        const h = await getJson(`${b.base}/healthz`);
        return h.servingVersion === 1 ? h : undefined;
      });
      assert.equal(health.modelVersion, base.id);
      const predicted = await fetch(`${b.base}/api/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ drawing: SEVEN }),
      });
      const answer = (await predicted.json()) as { modelVersion: string; digit: number };
      assert.equal(answer.modelVersion, base.id);
      assert.equal(answer.digit, 7);
      // The model file itself came from the database: B's ETag is version 1's id.
      const file = await fetch(`${b.base}/api/model`);
      assert.equal(file.headers.get('etag'), `"${base.id}"`);
      const report = await fetch(`${c.base}/api/models/1/report`);
      assert.equal(report.status, 200, 'version 1 report, written by A, read by C');
      for (const r of [a, b, c]) r.child.kill('SIGTERM');
      await Promise.all([a, b, c].map((r) => killed(r.child)));
    });

    test('a server killed with SIGKILL during writes loses nothing it acknowledged', async () => {
      const url = cluster.createDatabase('killed');
      const a = await start({ DIGITREC_DATABASE_URL: url });
      const b = await start({ DIGITREC_DATABASE_URL: url });
      const acknowledged: { id: number; label: number }[] = [];
      let failures = 0;
      // Four writers on B, until it dies.
      const writer = async (w: number) => {
        for (let i = 0; ; i++) {
          const label = (w + i) % 10;
          try {
            const res = await postSample(b.base, label, `writer-${w}`);
            if (res.status === 201) {
              const s = (await res.json()) as { id: number };
              acknowledged.push({ id: s.id, label });
            } else failures++;
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      await eventually('B has acknowledged 40 writes', async () =>
        acknowledged.length >= 40 ? true : undefined,
      );
      b.child.kill('SIGKILL');
      await Promise.all(writers);
      await killed(b.child);
      assert.equal(failures, 0, b.stderr());
      // Every acknowledged sample is on A, with its label.
      const page = await getJson(`${a.base}/api/samples?limit=200`);
      const byId = new Map(
        (page.samples as { id: number; label: number }[]).map((s) => [s.id, s.label]),
      );
      assert.ok((page.total as number) >= acknowledged.length);
      for (const s of acknowledged) assert.equal(byId.get(s.id), s.label, `sample ${s.id}`);
      // A still writes.
      assert.equal((await postSample(a.base, 1, 'after')).status, 201);
      a.child.kill('SIGTERM');
      await killed(a.child);
    });

    test('a job run by one server streams its progress, log lines and end to a page connected to the other', async () => {
      const url = cluster.createDatabase('progress');
      const env = { DIGITREC_DATABASE_URL: url, DIGITREC_RETRAIN_CONFIG: tinyConfig(dir) };
      const a = await start(env);
      const b = await start(env);
      const started = await fetch(`${a.base}/api/admin/train`, { method: 'POST', headers: AUTH });
      assert.equal(started.status, 202, await started.clone().text());
      const job = (await started.json()) as Job;
      // B's stream ends with the job's end (the body is complete then).
      const res = await fetch(`${b.base}/api/admin/train/events`, {
        headers: AUTH,
        signal: AbortSignal.timeout(120_000),
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      // Only the server running a job can cancel it, and B says which one that is.
      const refused = await fetch(`${b.base}/api/admin/train`, { method: 'DELETE', headers: AUTH });
      assert.equal(refused.status, 409);
      assert.match(
        ((await refused.json()) as { message: string }).message,
        new RegExp(`^training job ${job.id} runs on another server \\(.+:${a.child.pid}\\)`),
      );
      const events = parseSse<{ job?: Job | null; line?: string }>(await res.text());
      const [first, ...rest] = events;
      assert.equal(first.event, 'state');
      const state = first.data.job as Job;
      assert.equal(state.id, job.id);
      assert.equal(state.status, 'running', 'B connected while A was training');
      assert.match(state.log[0], new RegExp(`^run by .+:${a.child.pid}$`));
      const done = events.at(-1);
      assert.equal(done?.event, 'done');
      const end = done.data.job as Job;
      assert.equal(end.id, job.id);
      assert.equal(end.status, 'succeeded', b.stderr());
      assert.equal(rest.filter((e) => e.event === 'done').length, 1, 'one done event, the last');

      // Progress, as A wrote it: within a phase it never goes back, and it moved while B watched.
      const progress = rest.filter((e) => e.event === 'progress').map((e) => e.data.job as Job);
      assert.ok(progress.length >= 3, `progress events on B: ${progress.length}`);
      let rose = 0;
      let before = state;
      for (const p of progress) {
        assert.equal(p.id, job.id);
        assert.equal(p.status, 'running');
        assert.ok(p.total > 0 && p.done <= p.total, `${p.label}: ${p.done}/${p.total}`);
        if (p.label === before.label) {
          assert.ok(p.done >= before.done, `${p.label} went back: ${before.done} → ${p.done}`);
          if (p.done > before.done) rose++;
        }
        before = p;
      }
      assert.ok(rose >= 1, 'progress rose within a phase while B watched');
      assert.ok(
        progress.some((p) => p.phase === 'cross-validation'),
        `phases seen: ${[...new Set(progress.map((p) => p.phase))]}`,
      );

      // A's own log, line for line: what B had at first, then each new line once, in order.
      const onA = (await getJson(`${a.base}/api/admin/train`, AUTH)).job as Job;
      assert.equal(onA.status, 'succeeded');
      const lines = rest.filter((e) => e.event === 'log').map((e) => e.data.line);
      assert.ok(lines.length >= 1, 'B streamed log lines');
      console.log(
        `# B heard ${progress.length} progress events (${rose} rises) and ${lines.length} log lines`,
      );
      assert.deepEqual([...state.log.slice(1), ...lines], onA.log);
      assert.deepEqual(end.log.slice(1), onA.log);
      assert.match(onA.log.at(-1) ?? '', /^version 2: /);

      // The end names the version the job stored, and B serves as the job left it: with no
      // held-out app drawings the candidate is kept, not promoted, and version 1 still serves.
      assert.deepEqual(end.result, onA.result);
      assert.equal(end.result?.version, 2);
      assert.equal(end.result?.status, 'candidate');
      assert.equal(end.result?.promoted, false);
      const models = await getJson(`${b.base}/api/models`);
      assert.equal(models.serving, 1);
      assert.deepEqual(
        (models.versions as { version: number; status: string }[]).map((v) => [
          v.version,
          v.status,
        ]),
        [
          [2, 'candidate'],
          [1, 'serving'],
        ],
      );
      // After the end, B's stream says so at once.
      const after = parseSse<{ job?: Job | null }>(
        await (await fetch(`${b.base}/api/admin/train/events`, { headers: AUTH })).text(),
      );
      assert.deepEqual(
        after.map((e) => [e.event, e.data.job?.status]),
        [
          ['state', 'succeeded'],
          ['done', 'succeeded'],
        ],
      );
      for (const r of [a, b]) r.child.kill('SIGTERM');
      await Promise.all([a, b].map((r) => killed(r.child)));
    });

    test("the Data page on one server follows the other's job in Chromium: the bar moves, the log and the end arrive", async () => {
      const url = cluster.createDatabase('page');
      const env = { DIGITREC_DATABASE_URL: url, DIGITREC_RETRAIN_CONFIG: tinyConfig(dir) };
      const a = await start(env);
      const b = await start(env);
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await (
          await browser.newContext({ viewport: { width: 1280, height: 800 } })
        ).newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${b.base}/data`);
        await page.waitForSelector('body[data-ready="true"]');
        // The page records its bar's value every 10 ms from the moment the token is set.
        await page.evaluate(`window.barValues = [];
          setInterval(() => window.barValues.push(document.getElementById('train-bar').value), 10);`);
        const started = await fetch(`${a.base}/api/admin/train`, { method: 'POST', headers: AUTH });
        assert.equal(started.status, 202);
        await page.locator('#token').fill(TOKEN);
        await page.getByRole('button', { name: 'Use', exact: true }).click();
        await page.waitForSelector('#train-phase:text-matches("done in")', { timeout: 120_000 });
        const phase = (await page.locator('#train-phase').textContent()) ?? '';
        assert.match(phase, /^Job 1 done in .*: version 2 was not promoted/);
        const values = (await page.evaluate('window.barValues')) as number[];
        assert.ok(
          values.some((v) => v > 0 && v < 1),
          `the bar showed progress between 0 and 1: ${[...new Set(values)].join(', ')}`,
        );
        assert.equal(values.at(-1), 1);
        const log = (await page.locator('#train-log').textContent()) ?? '';
        assert.match(log, new RegExp(`^run by .+:${a.child.pid}\n`));
        assert.match(log, /cross-validation: best C 1/);
        assert.match(log, /version 2: no held-out app drawings to compare on/);
        await page.waitForSelector('#versions tr[data-version="2"]');
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
      for (const r of [a, b]) r.child.kill('SIGTERM');
      await Promise.all([a, b].map((r) => killed(r.child)));
    });

    test('one training job across servers; a server killed mid-training leaves it failed and the serving model untouched', async () => {
      const url = cluster.createDatabase('training');
      const env = { DIGITREC_DATABASE_URL: url, DIGITREC_RETRAIN_CONFIG: tinyConfig(dir) };
      const a = await start(env);
      const b = await start(env);
      const started = await fetch(`${b.base}/api/admin/train`, { method: 'POST', headers: AUTH });
      assert.equal(started.status, 202);
      const job = (await started.json()) as { id: number };
      // A sees B's job running and cannot start another.
      const state = await getJson(`${a.base}/api/admin/train`, AUTH);
      assert.equal((state.job as { id: number; status: string }).status, 'running');
      const refused = await fetch(`${a.base}/api/admin/train`, { method: 'POST', headers: AUTH });
      assert.equal(refused.status, 409);
      assert.match(
        ((await refused.json()) as { message: string }).message,
        /running on another server/,
      );
      // A page on A follows B's job: when B dies, its stream ends with the job failed.
      const following = await fetch(`${a.base}/api/admin/train/events`, {
        headers: AUTH,
        signal: AbortSignal.timeout(60_000),
      });
      const stream = following.text();
      b.child.kill('SIGKILL');
      await killed(b.child);
      const heard = parseSse<{ job?: { id: number; status: string; error: string } }>(await stream);
      assert.deepEqual(
        [heard[0].event, heard[0].data.job?.status, heard.at(-1)?.event],
        ['state', 'running', 'done'],
      );
      assert.equal(heard.at(-1)?.data.job?.id, job.id);
      assert.equal(heard.at(-1)?.data.job?.status, 'failed');
      assert.equal(heard.at(-1)?.data.job?.error, ORPHANED_JOB_ERROR);
      const failed = await eventually('the job reads as failed on A', async () => {
        const s = await getJson(`${a.base}/api/admin/train`, AUTH);
        const j = s.job as { id: number; status: string; error: string };
        return j.status === 'failed' ? j : undefined;
      });
      assert.equal(failed.id, job.id);
      assert.equal(failed.error, ORPHANED_JOB_ERROR);
      const models = await getJson(`${a.base}/api/models`);
      assert.equal(models.serving, 1);
      assert.equal((models.versions as unknown[]).length, 1, 'no candidate was stored');
      // The lock went with B: A may train now (and is stopped before it ends).
      const next = await fetch(`${a.base}/api/admin/train`, { method: 'POST', headers: AUTH });
      assert.equal(next.status, 202);
      assert.equal(((await next.json()) as { id: number }).id, job.id + 1);
      const cancelled = await fetch(`${a.base}/api/admin/train`, {
        method: 'DELETE',
        headers: AUTH,
      });
      assert.equal(cancelled.status, 200);
      a.child.kill('SIGTERM');
      await killed(a.child);
    });
  });
}
