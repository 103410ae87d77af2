import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { LIMITS } from '../contracts/limits.js';
import { recognizeNumber } from '../core/number.js';
import { createRng } from '../core/random.js';
import { createRecognizer } from '../core/recognizer.js';
import { templateNumber } from '../core/synth/numbers.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { buildApp } from './app.js';

let dir: string;
let app: FastifyInstance;
const model = loadModel(DEFAULT_MODEL_PATH);
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-number-'));
  app = buildApp({ dbPath: join(dir, 'n.db'), model });
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/recognize-number', payload: payload as object });

test('POST /api/recognize-number reads 2026 as the core does', async () => {
  const c = templateNumber('2026', createRng(2026));
  const res = await post({ drawing: c.drawing });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.number, '2026');
  assert.equal(body.modelVersion, model.id);
  assert.deepEqual(
    body.digits.map((d: { strokes: number[] }) => d.strokes),
    c.groups,
  );
  const core = recognizeNumber(createRecognizer(model), c.drawing);
  assert.equal(body.confidence, core.confidence);
  assert.deepEqual(body.alternatives, core.alternatives);
  assert.equal(body.threshold, model.fusion?.threshold);
  // Hints reach the reader: two digits only, and nothing above 99.
  const hinted = (await post({ drawing: c.drawing, hints: { max: 99 } })).json();
  for (const a of hinted.alternatives) assert.ok(Number(a.number) <= 99);
  assert.equal(hinted.accepted, false);
});

test('POST /api/recognize-number: bad input names the field, what came and what was expected', async () => {
  const c = templateNumber('17', createRng(1));
  const line = (x: number) => [
    [x, 10],
    [x, 60],
  ];
  const cases: [unknown, RegExp][] = [
    [{}, /drawing is required/],
    [
      { drawing: c.drawing, hints: { length: 0 } },
      /hints.length must be an integer from 1 to 20, got 0/,
    ],
    [{ drawing: c.drawing, hints: { min: -1 } }, /hints.min must be an integer from 0 to/],
    [
      { drawing: c.drawing, hints: { min: 50, max: 10 } },
      /hints.min must be ≤ hints.max, got 50 > 10/,
    ],
    [
      { drawing: c.drawing, hints: { digitsOnly: 'yes' } },
      /hints.digitsOnly must be true or false, got "yes"/,
    ],
    [
      { drawing: c.drawing, hints: { base: 10 } },
      /hints: unknown field "base" \(expected length, min, max, digitsOnly\)/,
    ],
    [{ drawing: c.drawing, mode: 'number' }, /unknown field "mode" \(expected drawing, hints\)/],
    [
      {
        drawing: {
          width: 1024,
          height: 100,
          brushWidth: 4,
          strokes: Array.from({ length: LIMITS.numberStrokes + 1 }, (_, i) => line(5 + 16 * i)),
        },
      },
      /drawing.strokes has 61 strokes, a number may have at most 60/,
    ],
  ];
  for (const [payload, pattern] of cases) {
    const res = await post(payload);
    assert.equal(res.statusCode, 400, `${JSON.stringify(payload).slice(0, 80)}: ${res.body}`);
    assert.match(res.json().message, pattern);
  }
});

test('POST /api/recognize-number: an empty drawing is empty, not an error', async () => {
  const res = await post({ drawing: { width: 400, height: 200, brushWidth: 10, strokes: [] } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().empty, true);
  assert.equal(res.json().number, '');
});

test('the OpenAPI document has the route, its body and its answer', async () => {
  const doc = (await app.inject('/api/openapi.json')).json();
  const op = doc.paths['/api/recognize-number'].post;
  assert.ok(op.requestBody);
  assert.ok(op.responses[200] && op.responses[400] && op.responses[429]);
  assert.ok(doc.components.schemas.NumberReading);
});
