import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ModelFile } from '../core/contracts.js';
import { parseModelFile } from '../core/model-file.js';
import { rasterise } from '../core/rasterise.js';
import { createRecognizer } from '../core/recognizer.js';
import { parseDigitCsv } from '../data/csv.js';
import { encodePng } from '../data/image-decode.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { IMAGE_BYTES } from '../data/store.js';
import { parseStrokesJsonl } from '../data/strokes-jsonl.js';
import { confusingJpeg, interlacedBombPng, secondHeaderPng } from '../data/test-images.js';
import { buildApp } from './app.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';
import { LIMITS } from './validate.js';

const TOKEN = 'test-admin-token';
let dir: string;
let model: ModelFile;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-app-'));
  model = loadModel(DEFAULT_MODEL_PATH);
});
after(() => rmSync(dir, { recursive: true, force: true }));

let dbCounter = 0;
function freshDb(): string {
  dbCounter++;
  return join(dir, `app-${dbCounter}.db`);
}

/** Rows in the samples table, read through a separate connection to the file. */
function rowCount(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function rows(dbPath: string): Record<string, unknown>[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM samples ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

function drawing(name: keyof typeof DIGIT_STROKES) {
  return drawingOf(DIGIT_STROKES[name], model.canvas.brushWidth, model.canvas.size);
}

function sampleBody(extra: Record<string, unknown> = {}) {
  return {
    label: 1,
    drawing: drawing('one'),
    source: 'collect',
    sessionId: 'session-1',
    pointerType: 'mouse',
    ...extra,
  };
}

function json(res: LightMyRequestResponse): Record<string, unknown> {
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** Asserts a JSON error with the status and a message matching `pattern`. */
function assertError(res: LightMyRequestResponse, status: number, pattern: RegExp): void {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /application\/json/);
  const body = json(res);
  assert.equal(body.statusCode, status);
  assert.match(String(body.message), pattern);
}

function post(app: FastifyInstance, url: string, payload: unknown, headers = {}) {
  return app.inject({ method: 'POST', url, payload: payload as object, headers });
}

function postRaw(app: FastifyInstance, url: string, body: string | Buffer, type: string) {
  return app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': type } });
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('health, model and docs', () => {
  let app: FastifyInstance;
  before(() => {
    app = buildApp({ dbPath: freshDb(), model });
  });
  after(() => app.close());

  test('GET /healthz reports ok, the model version and the sample count', async () => {
    const res = await app.inject('/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), {
      status: 'ok',
      modelVersion: model.id,
      servingVersion: 1,
      samples: 0,
    });
  });

  test('GET /api/model serves a valid model file with an ETag; If-None-Match gives 304', async () => {
    const res = await app.inject('/api/model');
    assert.equal(res.statusCode, 200);
    const parsed = parseModelFile(JSON.parse(res.body));
    assert.equal(parsed.id, model.id);
    assert.deepEqual(parsed.canvas, model.canvas);
    assert.equal(res.headers.etag, `"${model.id}"`);
    const again = await app.inject({
      url: '/api/model',
      headers: { 'if-none-match': `"${model.id}"` },
    });
    assert.equal(again.statusCode, 304);
  });

  test('GET /api/openapi.json documents every route, and every documented route exists', async () => {
    const res = await app.inject('/api/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = json(res) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const expected = [
      'GET /healthz',
      'GET /api/model',
      'GET /api/model/canvas',
      'GET /api/openapi.json',
      'POST /api/predict',
      'POST /api/recognize-number',
      'GET /api/samples',
      'POST /api/samples',
      'GET /api/samples/export',
      'POST /api/samples/import',
      'GET /api/samples/{id}',
      'PATCH /api/samples/{id}',
      'DELETE /api/samples/{id}',
      'GET /api/stats',
      'GET /api/sessions/{sessionId}/examples',
      'GET /api/models',
      'GET /api/models/{version}/report',
      'POST /api/admin/models/{version}/promote',
      'POST /api/admin/train',
      'GET /api/admin/train',
      'DELETE /api/admin/train',
      'GET /api/admin/train/events',
    ];
    assert.deepEqual(documented.sort(), expected.sort());
    for (const route of documented) {
      const [method, path] = route.split(' ');
      const url = path
        .replace('{id}', ':id')
        .replace('{version}', ':version')
        .replace('{sessionId}', ':sessionId');
      assert.ok(app.hasRoute({ method: method as 'GET', url }), `${route} is not a route`);
    }
  });

  test('unknown API routes are JSON 404s', async () => {
    assertError(await app.inject('/api/nothing'), 404, /no route GET \/api\/nothing/);
    assertError(await app.inject({ method: 'PUT', url: '/api/samples' }), 404, /no route/);
  });
});

describe('POST /api/predict', () => {
  let app: FastifyInstance;
  let dbPath: string;
  before(() => {
    dbPath = freshDb();
    app = buildApp({ dbPath, model });
  });
  after(() => app.close());

  test('decompression bombs are 400s, refused quickly, and the server keeps answering', async () => {
    const bombs: [string, Buffer, string, RegExp][] = [
      [
        'interlaced PNG inflating to 256 MiB',
        interlacedBombPng(256 * 2 ** 20),
        'image/png',
        /pixels inflate to more than the \d+ bytes its 16×16 header implies/,
      ],
      ['PNG with a second 6000×6000 IHDR', secondHeaderPng(6000, 6000), 'image/png', /second IHDR/],
      [
        'JPEG starting FF D8 FF 00 with a 10000×10000 frame',
        confusingJpeg(10000, 10000),
        'image/jpeg',
        /maxResolutionInMP limit exceeded/,
      ],
    ];
    for (const [name, bytes, type, pattern] of bombs) {
      assert.ok(bytes.length < LIMITS.predictBodyBytes, `${name}: ${bytes.length} bytes`);
      const start = performance.now();
      assertError(await postRaw(app, '/api/predict', bytes, type), 400, pattern);
      const base64 = await post(app, '/api/predict', { image: bytes.toString('base64') });
      assertError(base64, 400, pattern);
      const ms = performance.now() - start;
      assert.ok(ms < 2000, `${name}: refused in ${ms.toFixed(0)} ms`);
    }
    assert.equal((await app.inject('/healthz')).statusCode, 200);
  });

  test('recognises a drawing: digit, confidence, ten probabilities, accepted, model version', async () => {
    const res = await post(app, '/api/predict', { drawing: drawing('one') });
    assert.equal(res.statusCode, 200);
    const body = json(res) as {
      digit: number;
      confidence: number;
      probabilities: number[];
      accepted: boolean;
      empty: boolean;
      modelVersion: string;
      top2: number[];
    };
    assert.equal(body.empty, false);
    assert.equal(body.digit, 1);
    assert.equal(body.probabilities.length, 10);
    assert.ok(Math.abs(body.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.equal(body.confidence, Math.max(...body.probabilities));
    assert.equal(body.accepted, body.confidence >= model.threshold);
    assert.equal(body.modelVersion, model.id);
    assert.equal(body.top2[0], 1);
  });

  test('agrees with the core recognizer on every way of sending the same digit', async () => {
    const seven = drawing('seven');
    const expected = createRecognizer(model).recognizeDrawing(seven);
    const fromDrawing = json(await post(app, '/api/predict', { drawing: seven }));
    assert.equal(fromDrawing.digit, expected.digit);
    assert.equal(fromDrawing.confidence, expected.confidence);

    const img = rasterise(seven);
    const png = Buffer.from(encodePng(img));
    const fromPng = json(await postRaw(app, '/api/predict', png, 'image/png'));
    const fromBase64 = json(await post(app, '/api/predict', { image: png.toString('base64') }));
    const fromDataUrl = json(
      await post(app, '/api/predict', { image: `data:image/png;base64,${png.toString('base64')}` }),
    );
    const small = rasterise(seven, { scale: 0.1 });
    const fromPixels = json(
      await post(app, '/api/predict', {
        pixels: Array.from(small.data, (v) => Math.round(v * 255)),
        width: small.width,
        height: small.height,
      }),
    );
    for (const r of [fromPng, fromBase64, fromDataUrl, fromPixels]) assert.equal(r.digit, 7);
  });

  test('an empty drawing is a defined result, not an error', async () => {
    const res = await post(app, '/api/predict', {
      drawing: { strokes: [], width: 280, height: 280, brushWidth: 18 },
    });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.equal(body.empty, true);
    assert.equal(body.accepted, false);
  });

  test('bad inputs are 4xx naming the problem; nothing is stored', async () => {
    const bigPng = Buffer.from(encodePng({ width: 8, height: 8, data: new Float32Array(64) }));
    bigPng.writeUInt32BE(100_000, 16); // IHDR width: a decompression bomb's header
    const cases: [string, () => Promise<LightMyRequestResponse>, number, RegExp][] = [
      [
        'malformed JSON',
        () => postRaw(app, '/api/predict', '{"drawing":', 'application/json'),
        400,
        /malformed JSON/,
      ],
      [
        'empty JSON body',
        () => postRaw(app, '/api/predict', '', 'application/json'),
        400,
        /empty body/,
      ],
      [
        'text/plain',
        () => postRaw(app, '/api/predict', 'hello', 'text/plain'),
        415,
        /content type/,
      ],
      [
        'nothing to recognise',
        () => post(app, '/api/predict', {}),
        400,
        /exactly one of drawing, pixels or image/,
      ],
      [
        'two inputs',
        () => post(app, '/api/predict', { drawing: drawing('one'), image: 'AAAA' }),
        400,
        /drawing and image/,
      ],
      ['array body', () => post(app, '/api/predict', [1, 2]), 400, /body must be a JSON object/],
      [
        'unknown field',
        () => post(app, '/api/predict', { drawing: drawing('one'), foo: 1 }),
        400,
        /unknown field "foo"/,
      ],
      [
        'pixels wrong count',
        () => post(app, '/api/predict', { pixels: [1, 2, 3], width: 28, height: 28 }),
        400,
        /pixels has 3 values, expected .* 784/,
      ],
      [
        'pixel out of range',
        () => post(app, '/api/predict', { pixels: [0, 300, 0, 0], width: 2, height: 2 }),
        400,
        /pixels\[1\] must be in \[0, 255\], got 300/,
      ],
      [
        'pixel not a number',
        () => post(app, '/api/predict', { pixels: [0, 'NaN', 0, 0], width: 2, height: 2 }),
        400,
        /pixels\[1\] must be a finite number, got "NaN"/,
      ],
      [
        'pixels too wide',
        () => post(app, '/api/predict', { pixels: [], width: 1000, height: 1 }),
        400,
        /width must be an integer from 1 to 256/,
      ],
      [
        'image not base64',
        () => post(app, '/api/predict', { image: '%%%' }),
        400,
        /not valid base64/,
      ],
      [
        'image not an image',
        () => post(app, '/api/predict', { image: Buffer.from('GIF89a....').toString('base64') }),
        400,
        /neither a PNG nor a JPEG/,
      ],
      [
        'broken PNG',
        () =>
          postRaw(
            app,
            '/api/predict',
            Buffer.concat([bigPng.subarray(0, 8), Buffer.from('garbage garbage garbage')]),
            'image/png',
          ),
        400,
        /broken PNG|could not decode PNG/,
      ],
      [
        'truncated PNG',
        () =>
          postRaw(
            app,
            '/api/predict',
            Buffer.from(encodePng({ width: 8, height: 8, data: new Float32Array(64) })).subarray(
              0,
              40,
            ),
            'image/png',
          ),
        400,
        /PNG/,
      ],
      [
        'PNG bomb header',
        () => postRaw(app, '/api/predict', bigPng, 'image/png'),
        400,
        /100000×8 pixels; each side must be 1–2048/,
      ],
      [
        'broken JPEG',
        () =>
          postRaw(
            app,
            '/api/predict',
            Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            'image/jpeg',
          ),
        400,
        /JPEG/,
      ],
      [
        'empty image body',
        () => postRaw(app, '/api/predict', Buffer.alloc(0), 'image/png'),
        400,
        /image is empty/,
      ],
      [
        'oversized body',
        () => postRaw(app, '/api/predict', Buffer.alloc(LIMITS.predictBodyBytes + 1), 'image/png'),
        413,
        /at most 4194304 bytes/,
      ],
      [
        'NaN coordinate',
        () =>
          post(app, '/api/predict', {
            drawing: { ...drawing('one'), strokes: [[{ x: 'NaN', y: 3 }]] },
          }),
        400,
        /drawing\.strokes\[0\]\[0\]\.x must be a finite number, got "NaN"/,
      ],
    ];
    for (const [name, send, status, pattern] of cases) {
      const res = await send();
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assertError(res, status, pattern);
    }
    assert.equal(rowCount(dbPath), 0);
    assert.equal((await app.inject('/healthz')).statusCode, 200);
  });
});

describe('another process holding the database lock', () => {
  let app: FastifyInstance;
  let dbPath: string;
  before(() => {
    dbPath = freshDb();
    app = buildApp({ dbPath, model, adminToken: TOKEN });
  });
  after(() => app.close());

  test('writes answer 503 with Retry-After quickly; reads and /healthz keep answering', async () => {
    const stored = await post(app, '/api/samples', sampleBody());
    assert.equal(stored.statusCode, 201, stored.body);
    const id = json(stored).id;
    // A separate process takes SQLite's write lock and holds it until its stdin closes.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(dbPath)});
         db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n');
         process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); }); process.stdin.resume();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
      });
      const writes = [
        () => post(app, '/api/samples', sampleBody()),
        () =>
          app.inject({
            method: 'PATCH',
            url: `/api/samples/${id}`,
            payload: { label: 2 },
            headers: auth,
          }),
        () => app.inject({ method: 'DELETE', url: `/api/samples/${id}`, headers: auth }),
      ];
      for (const write of writes) {
        const start = performance.now();
        const res = await write();
        const ms = performance.now() - start;
        assertError(res, 503, /the database is busy \(locked by another connection\): retry/);
        assert.equal(res.headers['retry-after'], '1');
        assert.ok(ms < 1000, `a refused write took ${ms.toFixed(0)} ms`);
      }
      for (const url of ['/healthz', '/api/samples', `/api/samples/${id}`, '/api/stats']) {
        const start = performance.now();
        const res = await app.inject(url);
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
        assert.ok(performance.now() - start < 500, `${url} while locked`);
      }
      assert.equal(json(await app.inject('/healthz')).samples, 1);
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    assert.equal((await post(app, '/api/samples', sampleBody())).statusCode, 201);
  });
});

describe('a database at its size limit', () => {
  test('writes answer 507 saying nothing was stored; reads and /healthz keep answering', async () => {
    const dbPath = freshDb();
    const app = buildApp({
      dbPath,
      model,
      adminToken: TOKEN,
      store: { maxBytes: 40 * 4096 },
      rateLimits: false,
    });
    try {
      let stored = 0;
      let res = await post(app, '/api/samples', sampleBody());
      while (res.statusCode === 201 && stored < 1000) {
        stored++;
        res = await post(app, '/api/samples', sampleBody());
      }
      assertError(res, 507, /the database is full \(no space left\): nothing was stored/);
      assert.ok(stored > 0);
      assert.equal(rowCount(dbPath), stored);
      assert.equal(json(await app.inject('/healthz')).samples, stored);
      assert.equal((await app.inject('/api/samples')).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});

describe('POST /api/samples', () => {
  let app: FastifyInstance;
  let dbPath: string;
  before(() => {
    dbPath = freshDb();
    app = buildApp({ dbPath, model, now: () => new Date('2024-05-06T07:08:09.000Z') });
  });
  after(() => app.close());

  test('stores the drawing, the canonical image and the server model’s prediction', async () => {
    const body = sampleBody({ label: 7, drawing: drawing('seven'), source: 'feedback' });
    const res = await post(app, '/api/samples', body);
    assert.equal(res.statusCode, 201, res.body);
    const s = json(res);
    assert.equal(res.headers.location, `/api/samples/${s.id}`);
    const r = createRecognizer(model).recognizeDrawing(body.drawing);
    assert.equal(s.label, 7);
    assert.equal(s.source, 'feedback');
    assert.equal(s.predicted, r.digit);
    assert.equal(s.confidence, r.confidence);
    assert.equal(s.modelVersion, model.id);
    assert.equal(s.createdAt, '2024-05-06T07:08:09.000Z');
    assert.equal(Buffer.from(String(s.image), 'base64').length, IMAGE_BYTES);

    const [row] = rows(dbPath);
    assert.equal(row.label, 7);
    assert.equal(row.source, 'feedback');
    assert.equal(row.session_id, 'session-1');
    assert.equal(row.pointer_type, 'mouse');
    assert.equal(row.model_version, model.id);
    assert.equal(row.predicted, r.digit);
    assert.equal(row.canvas_width, model.canvas.size);
    assert.equal(row.brush_width, model.canvas.brushWidth);
    assert.equal((row.image as Buffer).length, IMAGE_BYTES);
    const strokes = JSON.parse(String(row.strokes)) as number[][][];
    assert.deepEqual(
      strokes,
      body.drawing.strokes.map((st) => st.map((p) => [p.x, p.y, p.t])),
    );
  });

  test('every bad body is a 4xx naming the problem, and no row is added', async () => {
    const before = rowCount(dbPath);
    const d = drawing('one');
    const withPoint = (p: unknown) => sampleBody({ drawing: { ...d, strokes: [[p]] } });
    const manyStrokes = Array.from({ length: LIMITS.strokes + 1 }, () => [{ x: 10, y: 10 }]);
    const manyPoints = [
      Array.from({ length: LIMITS.points + 1 }, (_, i) => ({ x: i % 280, y: 10 })),
    ];
    const cases: [string, unknown, RegExp][] = [
      ['label 10', sampleBody({ label: 10 }), /label must be an integer from 0 to 9, got 10/],
      ['label -1', sampleBody({ label: -1 }), /label must be an integer from 0 to 9, got -1/],
      ['label 3.5', sampleBody({ label: 3.5 }), /label must be an integer from 0 to 9, got 3.5/],
      [
        'label as string',
        sampleBody({ label: '7' }),
        /label must be an integer from 0 to 9, got "7"/,
      ],
      ['label null', sampleBody({ label: null }), /label must be an integer from 0 to 9, got null/],
      ['label missing', sampleBody({ label: undefined }), /label is required/],
      ['drawing missing', sampleBody({ drawing: undefined }), /drawing is required/],
      [
        'drawing a string',
        sampleBody({ drawing: 'one' }),
        /drawing must be a JSON object, got "one"/,
      ],
      [
        'strokes not an array',
        sampleBody({ drawing: { ...d, strokes: {} } }),
        /drawing\.strokes must be an array/,
      ],
      ['no strokes', sampleBody({ drawing: { ...d, strokes: [] } }), /drawing\.strokes is empty/],
      [
        'empty stroke',
        sampleBody({ drawing: { ...d, strokes: [[]] } }),
        /drawing\.strokes\[0\] must be an array of 1 to 10000 points, got an array of 0/,
      ],
      [
        'point a number',
        withPoint(7),
        /drawing\.strokes\[0\]\[0\] must be a point \{x, y, t\?\}, \[x, y\] or \[x, y, t\], got 7/,
      ],
      [
        'point array of 4',
        withPoint([1, 2, 3, 4]),
        /drawing\.strokes\[0\]\[0\] must be \[x, y\] or \[x, y, t\], got an array of 4/,
      ],
      [
        'array point with "NaN"',
        withPoint([1, 'NaN']),
        /strokes\[0\]\[0\]\.y must be a finite number, got "NaN"/,
      ],
      [
        'x "NaN"',
        withPoint({ x: 'NaN', y: 5 }),
        /strokes\[0\]\[0\]\.x must be a finite number, got "NaN"/,
      ],
      [
        'x "Infinity"',
        withPoint({ x: 'Infinity', y: 5 }),
        /\.x must be a finite number, got "Infinity"/,
      ],
      ['y null', withPoint({ x: 5, y: null }), /\.y must be a finite number, got null/],
      ['x huge', withPoint({ x: 1e308, y: 5 }), /\.x must be in \[-280, 560\], got 1e\+308/],
      ['y far outside', withPoint({ x: 5, y: -1000 }), /\.y must be in \[-280, 560\], got -1000/],
      ['t negative', withPoint({ x: 5, y: 5, t: -1 }), /\.t must be in \[0, 3600000\], got -1/],
      ['t a string', withPoint({ x: 5, y: 5, t: 'now' }), /\.t must be a finite number, got "now"/],
      ['extra point field', withPoint({ x: 5, y: 5, pressure: 1 }), /unknown field "pressure"/],
      [
        'too many strokes',
        sampleBody({ drawing: { ...d, strokes: manyStrokes } }),
        /drawing\.strokes must be an array of at most 100 strokes, got an array of 101/,
      ],
      [
        'too many points in a stroke',
        sampleBody({ drawing: { ...d, strokes: manyPoints } }),
        /drawing\.strokes\[0\] must be an array of 1 to 10000 points, got an array of 10001/,
      ],
      [
        'too many points in all',
        sampleBody({
          drawing: { ...d, strokes: [manyPoints[0].slice(0, 5000), manyPoints[0].slice(0, 5001)] },
        }),
        /drawing: too many points \(more than 10000\)/,
      ],
      [
        'width 0',
        sampleBody({ drawing: { ...d, width: 0 } }),
        /drawing\.width must be an integer from 8 to 1024, got 0/,
      ],
      [
        'width huge',
        sampleBody({ drawing: { ...d, width: 1e9 } }),
        /drawing\.width must be an integer from 8 to 1024/,
      ],
      ['brush 0', sampleBody({ drawing: { ...d, brushWidth: 0 } }), /brushWidth must be > 0/],
      [
        'brush string',
        sampleBody({ drawing: { ...d, brushWidth: '18' } }),
        /brushWidth must be a finite number, got "18"/,
      ],
      [
        'source import',
        sampleBody({ source: 'import' }),
        /source must be one of collect, feedback, got "import"/,
      ],
      [
        'source missing',
        sampleBody({ source: undefined }),
        /source is required: one of collect, feedback/,
      ],
      [
        'session id with spaces',
        sampleBody({ sessionId: 'a b' }),
        /sessionId must be 1–64 characters/,
      ],
      [
        'session id too long',
        sampleBody({ sessionId: 'x'.repeat(65) }),
        /sessionId must be 1–64 characters/,
      ],
      [
        'pointer type',
        sampleBody({ pointerType: 'finger' }),
        /pointerType must be one of mouse, pen, touch, got "finger"/,
      ],
      ['unknown field', sampleBody({ predicted: 3 }), /unknown field "predicted"/],
      ['body an array', [1], /body must be a JSON object, got an array of 1/],
      ['body a number', 42, /body must be a JSON object, got 42/],
      ['no ink on the canvas', withPoint({ x: -200, y: -200 }), /no ink inside the canvas/],
    ];
    for (const [name, body, pattern] of cases) {
      const res = await post(app, '/api/samples', body);
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assertError(res, 400, pattern);
      assert.equal(rowCount(dbPath), before, `${name} added a row`);
    }
  });

  test('malformed, non-JSON, prototype-polluting and oversized bodies are refused', async () => {
    const before = rowCount(dbPath);
    const infinity = JSON.stringify(sampleBody()).replace('"x":146', '"x":1e400');
    assert.ok(infinity.includes('1e400'));
    const cases: [string, () => Promise<LightMyRequestResponse>, number, RegExp][] = [
      [
        'malformed JSON',
        () => postRaw(app, '/api/samples', '{"label": 1,', 'application/json'),
        400,
        /malformed JSON/,
      ],
      [
        'JSON number overflowing to Infinity',
        () => postRaw(app, '/api/samples', infinity, 'application/json'),
        400,
        /\.x must be a finite number, got Infinity/,
      ],
      [
        'text/plain',
        () => postRaw(app, '/api/samples', 'label=1', 'text/plain'),
        415,
        /unsupported content type "text\/plain"/,
      ],
      [
        'form body',
        () => postRaw(app, '/api/samples', 'label=1', 'application/x-www-form-urlencoded'),
        415,
        /unsupported content type/,
      ],
      [
        'PNG body',
        () => postRaw(app, '/api/samples', Buffer.from([0x89, 0x50]), 'image/png'),
        415,
        /unsupported content type/,
      ],
      [
        '__proto__',
        () => postRaw(app, '/api/samples', '{"label":1,"__proto__":{"x":1}}', 'application/json'),
        400,
        /the key "__proto__" is not allowed/,
      ],
      [
        'constructor.prototype',
        () =>
          postRaw(
            app,
            '/api/samples',
            '{"label":1,"constructor":{"prototype":{"x":1}}}',
            'application/json',
          ),
        400,
        /the key "constructor" is not allowed/,
      ],
      [
        'no content type',
        () =>
          app.inject({ method: 'POST', url: '/api/samples', payload: Buffer.from('{"label":1}') }),
        415,
        /missing Content-Type header/,
      ],
      [
        'oversized',
        () =>
          postRaw(
            app,
            '/api/samples',
            `{"label":1,"pad":"${'x'.repeat(LIMITS.jsonBodyBytes)}"}`,
            'application/json',
          ),
        413,
        /at most 1048576 bytes/,
      ],
      [
        'no body',
        () => app.inject({ method: 'POST', url: '/api/samples' }),
        400,
        /body must be a JSON object, got nothing/,
      ],
    ];
    for (const [name, send, status, pattern] of cases) {
      const res = await send();
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assertError(res, status, pattern);
    }
    assert.equal(rowCount(dbPath), before);
  });

  test("Fastify's JSON parser refuses prototype-poisoning keys (also \\u-escaped) and names them", async () => {
    const before = rowCount(dbPath);
    const cases: [string, RegExp][] = [
      ['{"label":1,"__proto__":{"x":1}}', /the key "__proto__" is not allowed/],
      ['{"a":{"constructor":{"prototype":{"x":1}}}}', /the key "constructor" is not allowed/],
      ['[{"x":[{"y":{"__proto__":null}}]}]', /the key "__proto__" is not allowed/],
      ['{"\\u005f_proto__":1}', /the key "__proto__" is not allowed/],
      ['{"constr\\u0075ctor":{"prototype":1}}', /the key "constructor" is not allowed/],
      // Nested deeper than any recursion's stack: parsed, then refused for its shape.
      [
        `${'['.repeat(400000)}"\\u0041"${']'.repeat(400000)}`,
        /body must be a JSON object, got an array of 1/,
      ],
    ];
    for (const [text, pattern] of cases)
      assertError(await postRaw(app, '/api/samples', text, 'application/json'), 400, pattern);
    // A constructor key that holds no prototype poisons nothing: the schema refuses it.
    assertError(
      await postRaw(app, '/api/predict', '{"constructor":1}', 'application/json'),
      400,
      /unknown field "constructor"/,
    );
    assert.equal(rowCount(dbPath), before);
  });
});

describe('browsing, stats, export, relabel and delete', () => {
  let app: FastifyInstance;
  let dbPath: string;
  const ids: number[] = [];
  before(async () => {
    dbPath = freshDb();
    let t = Date.UTC(2024, 0, 1, 20);
    app = buildApp({
      dbPath,
      model,
      adminToken: TOKEN,
      now: () => {
        t += 3 * 3600_000; // 3 h a sample, so they span days
        return new Date(t);
      },
    });
    // 6 samples: the "one" labelled 1, 1, 4 (mispredicted), the "seven" labelled 7, 7, 0.
    const plan: [keyof typeof DIGIT_STROKES, number, string, string][] = [
      ['one', 1, 'collect', 'w1'],
      ['one', 1, 'feedback', 'w1'],
      ['one', 4, 'collect', 'w2'],
      ['seven', 7, 'collect', 'w2'],
      ['seven', 7, 'feedback', 'w3'],
      ['seven', 0, 'collect', 'w3'],
    ];
    for (const [name, label, source, sessionId] of plan) {
      const res = await post(
        app,
        '/api/samples',
        sampleBody({ drawing: drawing(name), label, source, sessionId }),
      );
      assert.equal(res.statusCode, 201, res.body);
      ids.push(json(res).id as number);
    }
  });
  after(() => app.close());

  test('GET /api/samples pages newest first and filters', async () => {
    const all = json(await app.inject('/api/samples?limit=4')) as {
      total: number;
      samples: { id: number }[];
      limit: number;
      offset: number;
    };
    assert.equal(all.total, 6);
    assert.equal(all.limit, 4);
    assert.deepEqual(
      all.samples.map((s) => s.id),
      [6, 5, 4, 3],
    );
    const page2 = json(await app.inject('/api/samples?limit=4&offset=4')) as {
      samples: { id: number }[];
    };
    assert.deepEqual(
      page2.samples.map((s) => s.id),
      [2, 1],
    );
    const sevens = json(await app.inject('/api/samples?label=7')) as { total: number };
    assert.equal(sevens.total, 2);
    const feedback = json(await app.inject('/api/samples?source=feedback')) as { total: number };
    assert.equal(feedback.total, 2);
    const wrong = json(await app.inject('/api/samples?mispredicted=true')) as {
      samples: { id: number; label: number; predicted: number }[];
    };
    assert.deepEqual(
      wrong.samples.map((s) => s.id),
      [6, 3],
    );
    for (const s of wrong.samples) assert.notEqual(s.label, s.predicted);
    const session = json(await app.inject('/api/samples?session=w2&label=4')) as { total: number };
    assert.equal(session.total, 1);
  });

  test('bad queries are 400s naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['/api/samples?label=x', /label must be an integer from 0 to 9, got "x"/],
      ['/api/samples?label=10', /label must be an integer from 0 to 9, got 10/],
      ['/api/samples?limit=0', /limit must be an integer from 1 to 200, got 0/],
      ['/api/samples?limit=1000', /limit must be an integer from 1 to 200, got 1000/],
      ['/api/samples?offset=-1', /offset must be an integer from 0/],
      ['/api/samples?source=web', /source must be one of collect, feedback, import, got "web"/],
      ['/api/samples?mispredicted=maybe', /mispredicted must be true or false/],
      ['/api/samples?session=a%20b', /session must be 1–64 characters/],
      ['/api/samples?label=1&label=2', /query label given more than once/],
      ['/api/samples?colour=red', /unknown field "colour"/],
      ['/api/stats?label=11', /label must be an integer from 0 to 9/],
      ['/api/samples/export', /format is required: one of csv, jsonl/],
      ['/api/samples/export?format=xml', /format must be one of csv, jsonl, got "xml"/],
      ['/api/samples/abc', /sample id must be a positive integer, got "abc"/],
      ['/api/samples/0', /sample id must be a positive integer, got "0"/],
      ['/api/samples/1.5', /sample id must be a positive integer/],
    ];
    for (const [url, pattern] of cases) assertError(await app.inject(url), 400, pattern);
  });

  test('GET /api/samples/:id returns the strokes; a missing id is a 404', async () => {
    const s = json(await app.inject(`/api/samples/${ids[3]}`)) as {
      drawing: { strokes: unknown[] };
    };
    assert.deepEqual(s.drawing.strokes, drawing('seven').strokes);
    assertError(await app.inject('/api/samples/999'), 404, /no sample 999/);
  });

  test('GET /api/stats counts by digit, source and day and names the digit to collect next', async () => {
    const s = json(await app.inject('/api/stats')) as Record<string, unknown>;
    assert.equal(s.total, 6);
    assert.deepEqual(s.byLabel, [1, 2, 0, 0, 1, 0, 0, 2, 0, 0]);
    assert.deepEqual(s.bySource, { collect: 4, feedback: 2, import: 0 });
    // 23:00 on 1 Jan, then 02:00 … 14:00 on 2 Jan.
    assert.deepEqual(s.byDay, [
      { day: '2024-01-01', count: 1 },
      { day: '2024-01-02', count: 5 },
    ]);
    assert.equal(s.next, 2);
    const mine = json(await app.inject('/api/stats?session=w3')) as Record<string, unknown>;
    assert.deepEqual(mine.byLabel, [1, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert.equal(mine.next, 2, 'next is over all samples, not the session');
  });

  test('export as CSV holds every stored image and label; as JSONL every drawing', async () => {
    const csv = await app.inject('/api/samples/export?format=csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(
      String(csv.headers['content-disposition']),
      /attachment; filename="digitrec-samples\.csv"/,
    );
    const set = parseDigitCsv(csv.body, 'export.csv');
    assert.equal(set.n, 6);
    assert.deepEqual([...set.labels], [1, 1, 4, 7, 7, 0]);
    const stored = rows(dbPath);
    for (let i = 0; i < set.n; i++) {
      assert.deepEqual(
        [...set.pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES)],
        [...(stored[i].image as Buffer)],
      );
    }
    const jsonl = await app.inject('/api/samples/export?format=jsonl&source=collect');
    assert.equal(jsonl.statusCode, 200);
    const drawings = parseStrokesJsonl(jsonl.body, 'export.jsonl');
    assert.deepEqual(
      drawings.map((d) => d.label),
      [1, 4, 7, 0],
    );
    assert.deepEqual(
      drawings[2].drawing.strokes.map((s) => s.map((p) => [p.x, p.y])),
      drawing('seven').strokes.map((s) => s.map((p) => [p.x, p.y])),
    );
    assert.equal(drawings[1].group, 'w2');
  });

  test('relabel and delete need the admin token and change exactly one row', async () => {
    const url = `/api/samples/${ids[2]}`;
    const patch = (headers: Record<string, string>, payload: unknown) =>
      app.inject({ method: 'PATCH', url, payload: payload as object, headers });
    const noToken = await patch({}, { label: 1 });
    assertError(noToken, 401, /admin token required/);
    assert.match(String(noToken.headers['www-authenticate']), /^Bearer/);
    assertError(
      await patch({ authorization: 'Bearer nope' }, { label: 1 }),
      401,
      /wrong admin token/,
    );
    assertError(await patch({ authorization: TOKEN }, { label: 1 }), 401, /wrong admin token/);
    assertError(await patch(auth, { label: 12 }), 400, /label must be an integer from 0 to 9/);
    assertError(await patch(auth, { label: 1, extra: true }), 400, /unknown field "extra"/);
    assertError(await patch(auth, {}), 400, /label is required/);
    assertError(
      await app.inject({
        method: 'PATCH',
        url: '/api/samples/999',
        payload: { label: 1 },
        headers: auth,
      }),
      404,
      /no sample 999/,
    );
    assert.equal(rows(dbPath)[2].label, 4);
    const ok = await patch(auth, { label: 1 });
    assert.equal(ok.statusCode, 200);
    assert.equal(json(ok).label, 1);
    assert.deepEqual(
      rows(dbPath).map((r) => r.label),
      [1, 1, 1, 7, 7, 0],
    );

    const del = (headers: Record<string, string>, target = url) =>
      app.inject({ method: 'DELETE', url: target, headers });
    assertError(await del({}), 401, /admin token required/);
    assertError(await del({ authorization: 'Bearer nope' }), 401, /wrong admin token/);
    assertError(await del(auth, '/api/samples/x'), 400, /sample id/);
    assertError(await del(auth, '/api/samples/999'), 404, /no sample 999/);
    assert.equal(rowCount(dbPath), 6);
    const gone = await del(auth);
    assert.equal(gone.statusCode, 204);
    assert.equal(gone.body, '');
    assert.equal(rowCount(dbPath), 5);
    assert.ok(!rows(dbPath).some((r) => r.id === ids[2]));
    assertError(await del(auth), 404, /no sample/);
  });
});

describe('admin actions without a configured token are off', () => {
  let app: FastifyInstance;
  let dbPath: string;
  before(async () => {
    dbPath = freshDb();
    app = buildApp({ dbPath, model });
    await post(app, '/api/samples', sampleBody());
  });
  after(() => app.close());

  test('PATCH, DELETE and import are 403 even with a token', async () => {
    const headers = { authorization: 'Bearer anything' };
    assertError(
      await app.inject({ method: 'PATCH', url: '/api/samples/1', payload: { label: 2 }, headers }),
      403,
      /admin actions are off/,
    );
    assertError(
      await app.inject({ method: 'DELETE', url: '/api/samples/1', headers }),
      403,
      /DIGITREC_ADMIN_TOKEN/,
    );
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/samples/import?format=csv',
        payload: 'label',
        headers: { ...headers, 'content-type': 'text/csv' },
      }),
      403,
      /admin actions are off/,
    );
    assert.equal(rows(dbPath)[0].label, 1);
    assert.equal(rowCount(dbPath), 1);
  });
});

describe('POST /api/samples/import', () => {
  let app: FastifyInstance;
  let dbPath: string;
  before(() => {
    dbPath = freshDb();
    app = buildApp({ dbPath, model, adminToken: TOKEN });
  });
  after(() => app.close());

  const importFile = (
    format: string,
    body: string | Buffer,
    headers: Record<string, string> = auth,
  ) =>
    app.inject({
      method: 'POST',
      url: `/api/samples/import?format=${format}`,
      payload: body,
      headers: { 'content-type': 'application/octet-stream', ...headers },
    });

  test('a JSONL line with a field nested 5,000 deep is a 400 naming the line; nothing stored', async () => {
    const before = rowCount(dbPath);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await importFile(
      'jsonl',
      `{"label":${deep},"stroke_width":2,"strokes":[[[1,2]]]}\n`,
    );
    assertError(res, 400, /upload\.jsonl line 1: expected "label" to be an integer 0–9, got \[+…/);
    assert.equal(rowCount(dbPath), before);
  });

  test('imports strokes JSONL, then the exported CSV, then UNIPEN; each adds its rows', async () => {
    const lines = [
      JSON.stringify({
        id: 'a',
        label: 1,
        writer: 'w-a',
        stroke_width: 18,
        strokes: drawing('one').strokes.map((s) => s.map((p) => [p.x, p.y])),
      }),
      JSON.stringify({
        id: 'b',
        label: 7,
        writer: 'w-b',
        stroke_width: 18,
        strokes: drawing('seven').strokes.map((s) => s.map((p) => [p.x, p.y])),
      }),
    ];
    const jsonl = await importFile('jsonl', `${lines.join('\n')}\n`);
    assert.equal(jsonl.statusCode, 201, jsonl.body);
    assert.deepEqual(json(jsonl), { imported: 2, total: 2 });
    const stored = rows(dbPath);
    assert.deepEqual(
      stored.map((r) => [r.label, r.source, r.session_id, r.predicted]),
      [
        [1, 'import', 'w-a', 1],
        [7, 'import', 'w-b', 7],
      ],
    );

    const csv = (await app.inject('/api/samples/export?format=csv')).body;
    const again = await importFile('csv', csv, { ...auth, 'content-type': 'text/csv' });
    assert.equal(again.statusCode, 201, again.body);
    assert.deepEqual(json(again), { imported: 2, total: 4 });
    const afterCsv = rows(dbPath);
    assert.equal(afterCsv[2].strokes, null);
    assert.equal(afterCsv[2].label, 1);
    assert.equal(afterCsv[2].predicted, 1);

    const unipen = [
      '.SEGMENT DIGIT 0 ? "1"',
      '.COMMENT 1 5 1',
      '.PEN_DOWN',
      ...Array.from({ length: 20 }, (_, i) => ` 100 ${400 - i * 15}`),
      '.PEN_UP',
      '',
    ].join('\n');
    const u = await importFile('unipen', unipen, { ...auth, 'content-type': 'text/plain' });
    assert.equal(u.statusCode, 201, u.body);
    assert.equal(json(u).imported, 1);
    assert.equal(rowCount(dbPath), 5);
  });

  test('a malformed file adds nothing and the message names the line', async () => {
    const before = rowCount(dbPath);
    const header = `label,${Array.from({ length: 784 }, (_, i) => `p${i}`).join(',')}`;
    const good = `3,${new Array(784).fill(0).join(',')}`;
    const bad = `12,${new Array(784).fill(0).join(',')}`;
    assertError(await importFile('csv', `${header}\n${good}\n${bad}\n`), 400, /line 3/);
    assertError(
      await importFile(
        'jsonl',
        '{"id":"a","label":1,"stroke_width":18,"strokes":[[[1,2]]]}\n{not json}\n',
      ),
      400,
      /line 2/,
    );
    assertError(
      await importFile('unipen', '.SEGMENT DIGIT 0 ? "x"\n.PEN_DOWN\n 1 2\n.PEN_UP\n'),
      400,
      /./,
    );
    assertError(
      await importFile(
        'jsonl',
        `${JSON.stringify({ id: 'far', label: 1, stroke_width: 18, strokes: [[[1e6, 2]]] })}\n`,
      ),
      400,
      /./,
    );
    assertError(await importFile('csv', ''), 400, /empty body/);
    assertError(await importFile('csv', `${header}\n`), 400, /holds no samples/);
    assertError(
      await importFile('csv', Buffer.from([0xff, 0xfe, 0x00, 0x41])),
      400,
      /not UTF-8 text/,
    );
    assertError(await importFile('xml', good), 400, /format must be one of csv, jsonl, unipen/);
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/samples/import',
        payload: good,
        headers: { ...auth, 'content-type': 'text/csv' },
      }),
      400,
      /format is required/,
    );
    assertError(await importFile('csv', good, {}), 401, /admin token required/);
    assertError(
      await importFile('csv', Buffer.alloc(LIMITS.importBodyBytes + 1, 0x30)),
      413,
      /at most 33554432 bytes/,
    );
    assert.equal(rowCount(dbPath), before);
  });
});

describe('pages', () => {
  let app: FastifyInstance;
  let webRoot: string;
  before(() => {
    webRoot = join(dir, 'web');
    mkdirSync(webRoot, { recursive: true });
    for (const f of ['index.html', 'collect.html', 'data.html', 'embed.html']) {
      writeFileSync(join(webRoot, f), `<!doctype html><title>${f}</title>`);
    }
    writeFileSync(join(webRoot, 'style.css'), 'body{}');
    app = buildApp({ dbPath: freshDb(), model, webRoot });
  });
  after(() => app.close());

  test('/, /collect, /data and /embed serve their pages; static files are served; others 404', async () => {
    for (const [url, file] of [
      ['/', 'index.html'],
      ['/collect', 'collect.html'],
      ['/data', 'data.html'],
      ['/embed', 'embed.html'],
    ]) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.body, new RegExp(file));
    }
    const css = await app.inject('/style.css');
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /text\/css/);
    const missing = await app.inject('/nope');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /Not found/);
    assert.equal((await app.inject('/../../etc/passwd')).statusCode, 404);
  });

  test('without a built web app the pages say how to build it', async () => {
    const bare = buildApp({ dbPath: freshDb(), model, webRoot: join(dir, 'no-such-dir') });
    assertError(await bare.inject('/'), 503, /npm run build/);
    await bare.close();
  });
});

describe('a real server on 127.0.0.1', () => {
  test('serves predictions and samples over HTTP, survives bad input, and the rows are in the file', async () => {
    const dbPath = freshDb();
    const app = buildApp({ dbPath, model });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    assert.ok(address && typeof address === 'object');
    const base = `http://127.0.0.1:${address.port}`;
    try {
      const predict = await fetch(`${base}/api/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ drawing: drawing('one') }),
      });
      assert.equal(predict.status, 200);
      assert.equal(((await predict.json()) as { digit: number }).digit, 1);

      const bad = await fetch(`${base}/api/samples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"label": 1, "drawing": ',
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { message: string }).message, /malformed JSON/);

      const huge = await fetch(`${base}/api/samples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(LIMITS.jsonBodyBytes + 10),
      });
      assert.equal(huge.status, 413);

      const saved = await fetch(`${base}/api/samples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleBody({ label: 0, drawing: drawing('zero'), sessionId: 'real' })),
      });
      assert.equal(saved.status, 201);
      const health = await fetch(`${base}/healthz`);
      assert.equal(((await health.json()) as { samples: number }).samples, 1);
    } finally {
      await app.close();
    }
    const [row] = rows(dbPath);
    assert.equal(rowCount(dbPath), 1);
    assert.equal(row.label, 0);
    assert.equal(row.session_id, 'real');
    assert.equal(row.source, 'collect');
  });
});
