/**
 * Retraining from the app, end to end: a real SQLite file and models directory in a temp folder,
 * the app through `inject`, and real worker threads training a tiny configuration on drawings
 * posted through the API. Each case is built so its answer is known: a serving model that always
 * says 1 is beaten; a candidate regularised to nothing is rejected.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ModelFile } from '../core/contracts.js';
import { createRecognizer } from '../core/recognizer.js';
import type { LabelledDrawing } from '../core/types.js';
import { isHeldOutGroup } from '../data/holdout.js';
import { DEFAULT_MODEL_PATH, loadModel, modelId } from '../data/model-io.js';
import { openStoreReadOnly, STORED_JOB_LOG_LINES } from '../data/store.js';
import { syntheticDrawings } from '../data/synthetic.js';
import { type AppOptions, buildApp } from './app.js';
import { type JobState, PROMOTION_RULE, promotionDecision } from './retrain.js';
import { parseSse } from './test-sse.js';

const TOKEN = 'retrain-admin-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** Trains in a second or two: 300 template drawings (no MNIST), HOG, one C, two folds. */
const TINY = {
  data: ['synthetic:300'],
  synthetic: { mix: { templates: 1, restroked: 0 } },
  features: 'hog' as const,
  Cs: [1],
  cv: 2,
  eval: [],
  createdAt: '2026-01-01',
};

let dir: string;
let good: ModelFile;
/** The default model pushed to answer 1 for everything: any sensible candidate beats it. */
let ones: ModelFile;
/** Writers whose drawings are held out / trained on (by the hash rule). */
let heldOutWriters: string[];
let trainWriters: string[];
let drawings: LabelledDrawing[];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-retrain-'));
  good = loadModel(DEFAULT_MODEL_PATH);
  const draft = { ...good, intercepts: good.intercepts.map((b, c) => (c === 1 ? b + 100 : b)) };
  ones = { ...draft, id: modelId(draft) };
  const writers = Array.from({ length: 12 }, (_, i) => `writer-${i}`);
  heldOutWriters = writers.filter(isHeldOutGroup).slice(0, 2);
  trainWriters = writers.filter((w) => !isHeldOutGroup(w)).slice(0, 4);
  drawings = syntheticDrawings(60, 11, { mix: { templates: 1, restroked: 0 } });
});
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function paths() {
  counter++;
  return { dbPath: join(dir, `r${counter}.db`), modelsDir: join(dir, `models-${counter}`) };
}

function json(res: LightMyRequestResponse) {
  return JSON.parse(res.body);
}

/** The writer of drawing i: every third drawing is held out. */
function writerOf(i: number): string {
  return i % 3 === 2 ? heldOutWriters[i % 2] : trainWriters[i % 4];
}

async function postSamples(app: FastifyInstance): Promise<LabelledDrawing[]> {
  const heldOut: LabelledDrawing[] = [];
  for (const [i, d] of drawings.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/samples',
      payload: { label: d.label, drawing: d.drawing, source: 'collect', sessionId: writerOf(i) },
    });
    assert.equal(res.statusCode, 201, res.body);
    if (isHeldOutGroup(writerOf(i))) heldOut.push(d);
  }
  return heldOut;
}

/** Follows the event stream to the job's end; returns its events and the final state. */
async function waitForJob(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/api/admin/train/events', headers: AUTH });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/event-stream/);
  const events = parseSse(res.body);
  const done = events.at(-1);
  assert.equal(done?.event, 'done');
  return { events, job: done.data.job as JobState };
}

function accuracy(model: ModelFile, set: LabelledDrawing[]): number {
  const r = createRecognizer(model);
  return set.filter((d) => r.recognizeDrawing(d.drawing).digit === d.label).length / set.length;
}

/** Version 1 (the model `id`) is the only version, serving, and the only model file. */
async function assertOnlyFirstVersion(app: FastifyInstance, modelsDir: string, id: string) {
  const res = await app.inject({ method: 'GET', url: '/api/models' });
  assert.deepEqual([json(res).serving, json(res).versions.length], [1, 1]);
  assert.deepEqual(
    readdirSync(modelsDir).filter((f) => f.endsWith('.json')),
    [`v1-${id}.json`],
  );
}

function build(o: Partial<AppOptions> & { dbPath: string }): FastifyInstance {
  // The tests' apps hold 20 held-out drawings; the default rule's minimum is checked below.
  return buildApp({ adminToken: TOKEN, retrainConfig: TINY, promotion: { minHeldOut: 10 }, ...o });
}

describe('retraining', () => {
  test('a better candidate is promoted; predictions continue during training; restore and restart keep the choice', async () => {
    const p = paths();
    let app = build({ ...p, model: ones });
    // Before any drawing, a job would hold none out (so could not promote its model).
    let res = await app.inject({ method: 'GET', url: '/api/admin/train', headers: AUTH });
    assert.deepEqual(json(res), { job: null, heldOutDrawings: 0 });
    const heldOut = await postSamples(app);
    assert.ok(heldOut.length >= 10, `held-out drawings: ${heldOut.length}`);
    res = await app.inject({ method: 'GET', url: '/api/admin/train', headers: AUTH });
    assert.deepEqual(json(res), { job: null, heldOutDrawings: heldOut.length });

    res = await app.inject({ method: 'GET', url: '/api/models' });
    assert.equal(json(res).serving, 1);
    assert.deepEqual(
      json(res).versions.map((v: { version: number; status: string }) => [v.version, v.status]),
      [[1, 'serving']],
    );

    res = await app.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(json(res).status, 'running');
    // One job at a time.
    res = await app.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 409);
    assert.match(json(res).message, /training job 1 is still running/);
    // The server keeps answering while the worker trains.
    res = await app.inject({
      method: 'POST',
      url: '/api/predict',
      payload: { drawing: drawings[0].drawing },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).modelVersion, ones.id);
    res = await app.inject({ method: 'GET', url: '/api/admin/train', headers: AUTH });
    assert.equal(json(res).job.status, 'running', 'the predict above was answered mid-training');

    const { events, job } = await waitForJob(app);
    assert.equal(job.status, 'succeeded', job.error ?? '');
    // Its row keeps the end as the stream told it, for the other servers of a shared store.
    const file = openStoreReadOnly(p.dbPath);
    try {
      const row = file.lastJob();
      assert.equal(row?.status, 'succeeded');
      assert.deepEqual(row?.progress?.log, job.log.slice(-STORED_JOB_LOG_LINES));
      assert.equal(row?.progress?.logCount, job.log.length);
      assert.deepEqual(
        [row?.progress?.phase, row?.progress?.done, row?.progress?.total],
        [job.phase, job.done, job.total],
      );
    } finally {
      file.close();
    }
    const progress = events
      .filter((e) => e.event === 'progress')
      .map((e) => e.data.job as JobState);
    assert.ok(
      progress.some((j) => j.phase === 'cross-validation' && j.done === j.total),
      'progress reached the end of the cross-validation',
    );
    assert.ok(events.some((e) => e.event === 'log'));
    const result = job.result;
    assert.ok(result);
    assert.equal(result.version, 2);
    assert.equal(result.promoted, true);
    assert.equal(result.status, 'serving');
    assert.equal(result.comparedWith, 1);
    // The held-out set is exactly the held-out writers' drawings, scored as the test scores them.
    assert.equal(result.heldOut?.n, heldOut.length);
    assert.equal(result.heldOut?.servingAccuracy, accuracy(ones, heldOut));
    assert.ok((result.heldOut?.candidateAccuracy ?? 0) >= (result.heldOut?.servingAccuracy ?? 1));
    assert.match(result.reason, /17 more read right, at least the 1% margin, promoted/);

    // The candidate serves now, everywhere.
    const candidate = loadModel(join(p.modelsDir, `v2-${result.modelId}.json`));
    assert.equal(candidate.id, result.modelId);
    assert.equal(accuracy(candidate, heldOut), result.heldOut?.candidateAccuracy);
    assert.equal(candidate.training.sources.find((s) => s.name === 'samples')?.count, 40);
    // Both readers were retrained, and the collected drawings fed the online reader too: its
    // out-of-fold rows are the 300 template drawings and the 40 app drawings.
    assert.ok(candidate.online && candidate.fusion, 'the candidate has an online reader');
    assert.equal(candidate.metrics['cv-out-of-fold:online-reader'].n, 340);
    res = await app.inject({
      method: 'POST',
      url: '/api/predict',
      payload: { drawing: drawings[0].drawing },
    });
    assert.equal(json(res).modelVersion, result.modelId);
    res = await app.inject({ method: 'GET', url: '/api/model' });
    assert.equal(res.headers.etag, `"${result.modelId}"`);
    res = await app.inject({ method: 'GET', url: '/api/models' });
    const list = json(res);
    assert.equal(list.serving, 2);
    assert.deepEqual(
      list.versions.map((v: { version: number; status: string }) => [v.version, v.status]),
      [
        [2, 'serving'],
        [1, 'retired'],
      ],
    );
    assert.equal(list.versions[0].metrics.heldOut.accuracy, result.heldOut?.candidateAccuracy);
    assert.equal(list.versions[0].metrics.heldOut.servingAccuracy, accuracy(ones, heldOut));
    assert.equal(list.versions[0].metrics.cv.n, 340);

    // The report compares the two models side by side on the held-out drawings.
    res = await app.inject({ method: 'GET', url: list.versions[0].report });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, new RegExp(`A · ${result.modelId}`));
    assert.match(res.body, new RegExp(`B · ${ones.id}`));
    assert.match(res.body, /held-out app drawings/);

    // Restore version 1.
    res = await app.inject({ method: 'POST', url: '/api/admin/models/1/promote', headers: AUTH });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json(res).status, 'serving');
    res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(json(res).modelVersion, ones.id);
    assert.equal(json(res).servingVersion, 1);

    // A restart on the same files serves the same version; then version 2 after promoting it.
    await app.close();
    app = build({ ...p, model: ones });
    res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual([json(res).servingVersion, json(res).modelVersion], [1, ones.id]);
    res = await app.inject({ method: 'POST', url: '/api/admin/models/2/promote', headers: AUTH });
    assert.equal(res.statusCode, 200);
    await app.close();
    app = build({ ...p, model: ones });
    res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual([json(res).servingVersion, json(res).modelVersion], [2, result.modelId]);
    await app.close();

    // A serving file gone missing: the base model serves, and the broken version is refused.
    unlinkSync(join(p.modelsDir, `v2-${result.modelId}.json`));
    app = build({ ...p, model: ones });
    res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual([json(res).servingVersion, json(res).modelVersion], [1, ones.id]);
    // … and the versions list says so: one serving row, version 1's.
    res = await app.inject({ method: 'GET', url: '/api/models' });
    assert.equal(json(res).serving, 1);
    assert.deepEqual(
      json(res)
        .versions.filter((v: { status: string }) => v.status === 'serving')
        .map((v: { version: number }) => v.version),
      [1],
    );
    res = await app.inject({ method: 'POST', url: '/api/admin/models/2/promote', headers: AUTH });
    assert.equal(res.statusCode, 409);
    assert.match(json(res).message, /version 2 cannot be served: cannot read model file/);
    await app.close();
  });

  test('a worse candidate is kept as a rejected version and the serving model stays', async () => {
    const p = paths();
    // Regularised to nothing: the candidate predicts the commonest class for every drawing.
    const app = build({
      ...p,
      model: good,
      // The app's drawings weighted in the config's data list: the weight reaches the training.
      retrainConfig: {
        ...TINY,
        data: ['synthetic:300', 'samples@3'],
        features: 'pixels',
        Cs: [1e-4],
        onlineCs: [1e-4],
        maxIter: 2,
      },
    });
    const heldOut = await postSamples(app);
    await app.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    const { job } = await waitForJob(app);
    assert.equal(job.status, 'succeeded', job.error ?? '');
    const r = job.result;
    assert.ok(r?.heldOut);
    assert.equal(r.heldOut.servingAccuracy, accuracy(good, heldOut));
    assert.ok(r.heldOut.candidateAccuracy < r.heldOut.servingAccuracy);
    assert.equal(r.status, 'candidate-rejected');
    assert.equal(r.promoted, false);
    assert.match(r.reason, /worse, not promoted/);
    const stored = loadModel(join(p.modelsDir, `v2-${r.modelId}.json`));
    assert.deepEqual(
      stored.training.sources.map((s) => [s.name, s.weight]),
      [
        ['synthetic:300', 1],
        ['samples', 3],
      ],
    );
    const res = await app.inject({ method: 'GET', url: '/api/models' });
    assert.equal(json(res).serving, 1);
    assert.deepEqual(
      json(res).versions.map((v: { status: string }) => v.status),
      ['candidate-rejected', 'serving'],
    );
    const health = json(await app.inject({ method: 'GET', url: '/healthz' }));
    assert.equal(health.modelVersion, good.id);
    await app.close();
  });

  test('without held-out drawings the candidate is kept but not promoted', async () => {
    const p = paths();
    const app = build({ ...p, model: ones });
    await app.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    const { job } = await waitForJob(app);
    assert.equal(job.status, 'succeeded', job.error ?? '');
    assert.equal(job.result?.status, 'candidate');
    assert.equal(job.result?.heldOut, null);
    assert.match(job.result?.reason ?? '', /no held-out app drawings/);
    assert.equal(json(await app.inject({ method: 'GET', url: '/healthz' })).servingVersion, 1);
    await app.close();
  });

  test('a failing or cancelled job leaves the serving model and the server answering', async () => {
    const p = paths();
    // A file that exists (so the app starts) but is not a digit CSV: the job finds out.
    const broken = join(dir, 'broken-file.csv');
    writeFileSync(broken, 'not,a,digit,csv\n1,2\n');
    const app = build({ ...p, model: good, retrainConfig: { ...TINY, data: [broken] } });
    let res = await app.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 202);
    const { job } = await waitForJob(app);
    assert.equal(job.status, 'failed');
    assert.match(job.error ?? '', /broken-file\.csv/);
    assert.equal(job.result, null);
    res = await app.inject({ method: 'GET', url: '/api/models' });
    assert.equal(json(res).versions.length, 1);
    res = await app.inject({
      method: 'POST',
      url: '/api/predict',
      payload: { drawing: drawings[1].drawing },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).modelVersion, good.id);
    await app.close();

    // A job whose worker is terminated mid-way is cancelled: nothing stored; the next may start.
    const q = paths();
    const slow = build({
      ...q,
      model: good,
      retrainConfig: { ...TINY, data: ['synthetic:20000'] },
    });
    res = await slow.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 202);
    res = await slow.inject({ method: 'DELETE', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).status, 'cancelled');
    assert.match(json(res).error, /cancelled by an admin/);
    res = await slow.inject({ method: 'DELETE', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 409);
    await assertOnlyFirstVersion(slow, q.modelsDir, good.id);
    await slow.close();
  });

  test('a cancel that comes after the worker sent its result stores nothing and promotes nothing', async () => {
    const p = paths();
    const app = build({ ...p, model: ones });
    await postSamples(app);
    let res = await app.inject({ method: 'POST', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 202);
    // Wait for the cross-validation to end, then keep this thread busy while the worker
    // calibrates, scores and posts its result: the result is queued, not yet handled.
    for (;;) {
      const { job } = json(
        await app.inject({ method: 'GET', url: '/api/admin/train', headers: AUTH }),
      );
      assert.equal(job.status, 'running', job.error);
      if (job.phase === 'cross-validation' && job.done === job.total && job.total > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 8000);
    res = await app.inject({ method: 'DELETE', url: '/api/admin/train', headers: AUTH });
    assert.equal(res.statusCode, 200);
    await new Promise((r) => setTimeout(r, 300));
    res = await app.inject({ method: 'GET', url: '/api/admin/train', headers: AUTH });
    assert.equal(json(res).job.status, 'cancelled');
    assert.match(json(res).job.error, /cancelled by an admin/);
    assert.equal(json(res).job.result, null);
    await assertOnlyFirstVersion(app, p.modelsDir, ones.id);
    await app.close();
  });

  test('over real HTTP, the event stream follows a job; closing the server ends both', async () => {
    const p = paths();
    const app = build({ ...p, model: good, retrainConfig: { ...TINY, data: ['synthetic:20000'] } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    assert.ok(address && typeof address === 'object');
    const base = `http://127.0.0.1:${address.port}`;
    let res = await fetch(`${base}/api/admin/train`, { method: 'POST', headers: AUTH });
    assert.equal(res.status, 202);
    res = await fetch(`${base}/api/admin/train/events`, { headers: AUTH });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const body = res.text();
    // Closing the app stops the worker; the stream gets the job's end and closes.
    await app.close();
    const events = parseSse(await body);
    assert.equal(events[0].event, 'state');
    const done = events.at(-1);
    assert.equal(done?.event, 'done');
    const job = done.data.job as JobState;
    assert.equal(job.status, 'failed');
    assert.match(job.error ?? '', /the server stopped during training/);
  });

  test('a dozen event-stream clients of one job raise no listener-leak warning', async () => {
    const p = paths();
    const app = build({ ...p, model: good, retrainConfig: { ...TINY, data: ['synthetic:20000'] } });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      assert.ok(address && typeof address === 'object');
      const base = `http://127.0.0.1:${address.port}`;
      assert.equal(
        (await fetch(`${base}/api/admin/train`, { method: 'POST', headers: AUTH })).status,
        202,
      );
      const streams = await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(`${base}/api/admin/train/events`, { headers: AUTH }),
        ),
      );
      const bodies = streams.map((r) => r.text());
      // Warnings are emitted on the next tick after the listener that crosses the limit.
      await new Promise((r) => setImmediate(r));
      await app.close();
      for (const body of await Promise.all(bodies))
        assert.equal(parseSse(body).at(-1)?.event, 'done');
      assert.deepEqual(
        warnings.filter((w) => /MaxListeners/.test(w)),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('admin routes need the token; bad versions are 400 and unknown ones 404', async () => {
    const p = paths();
    const app = build({ ...p, model: good });
    const routes = [
      { method: 'POST', url: '/api/admin/train' },
      { method: 'GET', url: '/api/admin/train' },
      { method: 'DELETE', url: '/api/admin/train' },
      { method: 'GET', url: '/api/admin/train/events' },
      { method: 'POST', url: '/api/admin/models/1/promote' },
    ] as const;
    for (const r of routes) {
      let res = await app.inject(r);
      assert.equal(res.statusCode, 401, `${r.method} ${r.url}`);
      res = await app.inject({ ...r, headers: { authorization: 'Bearer wrong' } });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url}`);
      assert.match(json(res).message, /wrong admin token/);
    }
    const off = buildApp({ ...paths(), model: good });
    const res = await off.inject({ method: 'POST', url: '/api/admin/train' });
    assert.equal(res.statusCode, 403);
    assert.match(json(res).message, /DIGITREC_ADMIN_TOKEN/);
    await off.close();

    let r = await app.inject({ method: 'POST', url: '/api/admin/models/x/promote', headers: AUTH });
    assert.equal(r.statusCode, 400);
    assert.match(json(r).message, /model version must be a positive integer, got "x"/);
    r = await app.inject({ method: 'POST', url: '/api/admin/models/9/promote', headers: AUTH });
    assert.equal(r.statusCode, 404);
    r = await app.inject({ method: 'GET', url: '/api/models/9/report' });
    assert.equal(r.statusCode, 404);
    // No job yet: the state is null and the stream ends at once.
    r = await app.inject({ method: 'GET', url: '/api/admin/train', headers: AUTH });
    assert.deepEqual(json(r), { job: null, heldOutDrawings: 0 });
    const { events } = await waitForJob(app);
    assert.deepEqual(
      events.map((e) => e.event),
      ['state', 'done'],
    );
    // The committed default's report is version 1's.
    r = await app.inject({ method: 'GET', url: '/api/models/1/report' });
    assert.equal(r.statusCode, 404, 'a model given in memory has no report');
    await app.close();
    const byPath = buildApp({ ...paths(), modelPath: DEFAULT_MODEL_PATH });
    r = await byPath.inject({ method: 'GET', url: '/api/models/1/report' });
    assert.equal(r.statusCode, 200);
    assert.equal(
      r.body,
      readFileSync(DEFAULT_MODEL_PATH.replace(/\.json$/, '.report.html'), 'utf8'),
    );
    await byPath.close();
  });

  test('a bad retraining config or an in-memory database stops the app at start, saying why', async () => {
    assert.throws(
      () => build({ ...paths(), model: good, retrainConfig: { Cs: [1], colour: 'red' } as never }),
      /retrainConfig: unknown setting colour/,
    );
    // Sources are checked at start when retraining is on (an admin token), not by the job.
    const missing = join(dir, 'no-such-file.csv');
    assert.throws(
      () => build({ ...paths(), model: good, retrainConfig: { ...TINY, data: [missing] } }),
      /retrainConfig: data source ".*no-such-file\.csv": no such file or folder \(expected mnist, mnist-test, synthetic\[:N\], samples\[:PATH\] or an existing path\)/,
    );
    assert.throws(
      () =>
        build({ ...paths(), model: good, retrainConfig: { ...TINY, eval: ['synthetic:lots'] } }),
      /retrainConfig: eval source "synthetic:lots": source synthetic:lots: expected synthetic:N/,
    );
    // Without a token retraining is off and the sources are not looked at.
    const off = buildApp({ ...paths(), model: good, retrainConfig: { ...TINY, data: [missing] } });
    await off.close();
    // The worker reads the database file, and the versions live beside it: no in-memory store.
    assert.throws(
      () => build({ dbPath: ':memory:', model: good }),
      /dbPath must be a file .* got ":memory:"/,
    );
    // A model's id names its version file: one that is a path is refused, nothing written.
    const p = paths();
    assert.throws(
      () => build({ ...p, model: { ...good, id: '../../escaped' } }),
      /model id "\.\.\/\.\.\/escaped" cannot name a file/,
    );
    assert.deepEqual(existsSync(p.modelsDir) ? readdirSync(p.modelsDir) : [], []);
  });
});

describe('the promotion rule', () => {
  const held = (n: number, candidate: number, serving: number) => ({
    heldOut: {
      n,
      candidate: { accuracy: candidate / n },
      serving: { accuracy: serving / n },
    },
  });
  const decide = (n: number, candidate: number, serving: number) =>
    promotionDecision(held(n, candidate, serving) as never, 1, 1).status;

  test('needs 50 held-out drawings and 1 point more accuracy (at least one drawing); a tie is not better', () => {
    assert.deepEqual(PROMOTION_RULE, { minHeldOut: 50, margin: 0.01 });
    // Three drawings tell nothing, whatever the scores.
    assert.equal(decide(3, 3, 2), 'candidate');
    assert.match(
      promotionDecision(held(3, 3, 3) as never, 1, 1).reason,
      /fewer than 50 held-out drawings cannot tell them apart/,
    );
    assert.equal(decide(49, 49, 10), 'candidate');
    // 50 drawings: one more right is 2 points, enough; a tie is kept; fewer right is rejected.
    assert.equal(decide(50, 41, 40), 'serving');
    assert.equal(decide(50, 40, 40), 'candidate');
    assert.equal(decide(50, 39, 40), 'candidate-rejected');
    // 400 drawings: the margin is 4 drawings.
    assert.equal(decide(400, 363, 360), 'candidate');
    assert.equal(decide(400, 364, 360), 'serving');
    assert.match(
      promotionDecision(held(400, 363, 360) as never, 1, 1).reason,
      /not better by the 1% margin, kept as a candidate/,
    );
    // A rule given to the app is checked at start.
    assert.throws(
      () => build({ ...paths(), model: good, promotion: { margin: 2 } }),
      /promotion\.margin: expected a number in \[0, 1\), got 2/,
    );
  });
});
