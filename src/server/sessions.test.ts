import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { LIMITS } from '../contracts/limits.js';
import type { SessionExamplesJson } from '../contracts/schemas.js';
import type { ModelFile } from '../core/contracts.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { openStore } from '../data/store.js';
import { buildApp } from './app.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

let dir: string;
let model: ModelFile;
let app: FastifyInstance;
let dbPath: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-sessions-'));
  dbPath = join(dir, 's.db');
  model = loadModel(DEFAULT_MODEL_PATH);
  app = buildApp({ dbPath, model });
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function digit(name: keyof typeof DIGIT_STROKES) {
  return drawingOf(DIGIT_STROKES[name], model.canvas.brushWidth, model.canvas.size);
}

async function post(body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/samples', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: number };
}

async function examples(session: string, query = '') {
  const res = await app.inject({ url: `/api/sessions/${session}/examples${query}` });
  return { status: res.statusCode, body: res.json() as SessionExamplesJson & { message?: string } };
}

test("a session's examples are its feedback drawings, oldest first, after the forgotten id", async () => {
  const a = await post({ label: 7, drawing: digit('seven'), source: 'feedback', sessionId: 's-a' });
  await post({ label: 0, drawing: digit('zero'), source: 'collect', sessionId: 's-a' });
  await post({ label: 1, drawing: digit('one'), source: 'feedback', sessionId: 's-b' });
  const c = await post({ label: 2, drawing: digit('one'), source: 'feedback', sessionId: 's-a' });
  const got = await examples('s-a');
  assert.equal(got.status, 200);
  assert.equal(got.body.limit, LIMITS.personalExamples);
  assert.deepEqual(
    got.body.examples.map((e) => [e.id, e.label]),
    [
      [a.id, 7],
      [c.id, 2],
    ],
  );
  // The stored prediction comes along: the one labelled 2 was a correction.
  assert.equal(got.body.examples[1].predicted, 1);
  assert.equal(got.body.examples[0].drawing.strokes.length, DIGIT_STROKES.seven.length);
  const later = await examples('s-a', `?after=${a.id}`);
  assert.deepEqual(
    later.body.examples.map((e) => e.id),
    [c.id],
  );
  assert.deepEqual((await examples('s-nobody')).body.examples, []);
});

test('a drawing stored as "not a digit" is never an example', async () => {
  const store = openStore(dbPath);
  try {
    const s = store.insert({
      label: 4,
      drawing: digit('zero'),
      source: 'feedback',
      sessionId: 's-junk',
      pointerType: null,
      image: new Uint8Array(784),
      modelVersion: model.id,
      predicted: null,
      confidence: null,
      notDigit: true,
    });
    assert.ok(s.id > 0);
  } finally {
    store.close();
  }
  assert.deepEqual((await examples('s-junk')).body.examples, []);
});

test('a bad session id or after is a 400 naming it', async () => {
  const bad = await examples('no%20spaces');
  assert.equal(bad.status, 400);
  assert.match(bad.body.message ?? '', /sessionId/);
  const after = await examples('s-a', '?after=-1');
  assert.equal(after.status, 400);
  assert.match(after.body.message ?? '', /after/);
  const extra = await examples('s-a', '?limit=3');
  assert.equal(extra.status, 400);
});
