/**
 * Safe defaults: security headers (helmet), compression, the Host allow-list, rate limits (on
 * predict, public writes and failed admin tokens), the admin-token minimum, no source maps and no
 * absolute paths in answers.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ModelFile } from '../core/contracts.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { type AppOptions, buildApp, hostAllowed, withoutPaths } from './app.js';
import { SharedWindowStore } from './rate-limit-store.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

const TOKEN = 'safety-test-admin-token';
let dir: string;
let webRoot: string;
let model: ModelFile;
let counter = 0;
/** A page script long enough to be compressed. */
const SCRIPT = `export const digits = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => i))};\n`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-safety-'));
  model = loadModel(DEFAULT_MODEL_PATH);
  webRoot = join(dir, 'web');
  mkdirSync(webRoot);
  for (const f of ['index.html', 'collect.html', 'data.html'])
    writeFileSync(
      join(webRoot, f),
      `<!doctype html><title>${f}</title>${'<p>digits</p>'.repeat(200)}`,
    );
  writeFileSync(join(webRoot, 'draw.page.js'), SCRIPT);
  writeFileSync(
    join(webRoot, 'draw.page.js.map'),
    '{"version":3,"sources":["../src/web/draw.page.ts"]}',
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

function build(o: Partial<AppOptions> = {}): FastifyInstance {
  counter++;
  return buildApp({ dbPath: join(dir, `s${counter}.db`), model, webRoot, adminToken: TOKEN, ...o });
}

function message(res: LightMyRequestResponse): string {
  return String((JSON.parse(res.body) as { message: string }).message);
}

const drawingBody = () => ({
  drawing: drawingOf(DIGIT_STROKES.one, model.canvas.brushWidth, model.canvas.size),
});

describe('security headers', () => {
  let app: FastifyInstance;
  before(() => {
    app = build();
  });
  after(() => app.close());

  test('every page, script and API answer has a CSP without unsafe-inline, nosniff, frame-ancestors and Referrer-Policy', async () => {
    for (const url of [
      '/',
      '/collect',
      '/data',
      '/embed',
      '/draw.page.js',
      '/digit-pad.js',
      '/healthz',
      '/api/samples',
      '/nowhere',
    ]) {
      const res = await app.inject(url);
      const csp = String(res.headers['content-security-policy']);
      assert.equal(
        csp,
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data: blob:;connect-src 'self';frame-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'self'",
        url,
      );
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url);
      assert.equal(res.headers['x-powered-by'], undefined, url);
    }
    // A refused request's answer carries them too.
    const bad = await app.inject({ method: 'POST', url: '/api/predict', payload: { drawing: 7 } });
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.headers['content-security-policy']), /^default-src 'self';/);
    assert.equal(bad.headers['x-content-type-options'], 'nosniff');
  });
});

describe('compression', () => {
  let app: FastifyInstance;
  before(() => {
    app = build();
  });
  after(() => app.close());

  test('pages, scripts and the model file are compressed for clients that accept it', async () => {
    const page = await app.inject({ url: '/', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(page.headers['content-encoding'], 'br');
    assert.equal(
      brotliDecompressSync(page.rawPayload).toString(),
      readFileSync(join(webRoot, 'index.html'), 'utf8'),
    );
    const script = await app.inject({
      url: '/draw.page.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(script.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(script.rawPayload).toString(), SCRIPT);
    const file = await app.inject({ url: '/api/model', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(file.headers['content-encoding'], 'gzip');
    assert.ok(file.rawPayload.length < JSON.stringify(model).length / 2);
    assert.equal((JSON.parse(gunzipSync(file.rawPayload).toString()) as ModelFile).id, model.id);
    // Without Accept-Encoding, and for small answers, bytes go as they are.
    const plain = await app.inject('/api/model');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal((JSON.parse(plain.body) as ModelFile).id, model.id);
    const small = await app.inject({ url: '/healthz', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(small.headers['content-encoding'], undefined);
  });

  test('a compressed request body is not inflated: it is malformed JSON, nothing stored', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/predict',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(drawingBody())),
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(message(res), /malformed JSON body/);
  });
});

describe('the Host allow-list', () => {
  test('localhost, its subdomains, IP addresses and configured names; others are refused', () => {
    for (const host of [
      'localhost',
      'localhost:3000',
      'app.localhost',
      '127.0.0.1:80',
      '192.168.1.7:3000',
      '[::1]:3000',
      'LOCALHOST.',
    ])
      assert.ok(hostAllowed(host, []), host);
    for (const host of [
      'evil.example',
      'evil.example:3000',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      '',
      undefined,
      'a b',
    ])
      assert.ok(!hostAllowed(host, []), String(host));
    assert.ok(hostAllowed('Digits.Example.org:443', ['digits.example.org']));
    assert.ok(!hostAllowed('other.example.org', ['digits.example.org']));
  });

  test('a request for another host (DNS rebinding) is 421 and stores nothing', async () => {
    const app = build({ allowedHosts: ['digits.example.org'] });
    try {
      const evil = { host: 'rebind.evil.example:3000' };
      let res = await app.inject({ url: '/healthz', headers: evil });
      assert.equal(res.statusCode, 421);
      assert.match(
        message(res),
        /does not answer to host "rebind\.evil\.example:3000": expected localhost, an IP address or digits\.example\.org/,
      );
      res = await app.inject({
        method: 'POST',
        url: '/api/samples',
        headers: evil,
        payload: { label: 1, source: 'collect', ...drawingBody() },
      });
      assert.equal(res.statusCode, 421);
      assert.equal((await app.inject({ url: '/', headers: evil })).statusCode, 421);
      res = await app.inject({ url: '/healthz', headers: { host: 'digits.example.org' } });
      assert.equal(res.statusCode, 200);
      assert.equal((JSON.parse(res.body) as { samples: number }).samples, 0);
    } finally {
      await app.close();
    }
  });
});

describe('rate limits', () => {
  test('predict, public writes and failed admin tokens each have a budget a minute; 429 with Retry-After', async () => {
    const app = build({
      rateLimits: { predictPerMinute: 3, writesPerMinute: 2, failedAdminPerMinute: 2 },
    });
    try {
      const predict = () =>
        app.inject({ method: 'POST', url: '/api/predict', payload: drawingBody() });
      for (let i = 0; i < 3; i++) assert.equal((await predict()).statusCode, 200);
      let res = await predict();
      assert.equal(res.statusCode, 429);
      assert.match(
        message(res),
        /too many requests: at most 3 a minute from one address to this route; retry in \d+ s/,
      );
      assert.match(String(res.headers['retry-after']), /^\d+$/);
      // Budgets are separate: the writes budget is untouched by predictions.
      const write = () =>
        app.inject({
          method: 'POST',
          url: '/api/samples',
          payload: { label: 1, source: 'collect', ...drawingBody() },
        });
      for (let i = 0; i < 2; i++) assert.equal((await write()).statusCode, 201);
      assert.equal((await write()).statusCode, 429);
      assert.equal(
        (JSON.parse((await app.inject('/healthz')).body) as { samples: number }).samples,
        2,
      );

      // The right token is never counted; wrong or missing ones are, across admin routes.
      const good = { authorization: `Bearer ${TOKEN}` };
      for (let i = 0; i < 4; i++)
        assert.equal(
          (await app.inject({ url: '/api/admin/train', headers: good })).statusCode,
          200,
        );
      assert.equal(
        (
          await app.inject({
            url: '/api/admin/train',
            headers: { authorization: 'Bearer guess-1' },
          })
        ).statusCode,
        401,
      );
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/samples/1' })).statusCode, 401);
      res = await app.inject({
        url: '/api/admin/train',
        headers: { authorization: 'Bearer guess-3' },
      });
      assert.equal(res.statusCode, 429);
      assert.equal((await app.inject({ url: '/api/admin/train', headers: good })).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});

describe('SharedWindowStore', () => {
  test('counts per key in fixed windows, shares one store across routes, forgets the oldest key', () => {
    let now = 1000;
    const store = new SharedWindowStore(undefined, () => now, 2);
    const counts: [number, number][] = [];
    const note = (_e: Error | null, r: { current: number; ttl: number }) =>
      counts.push([r.current, r.ttl]);
    assert.equal(store.child(), store);
    store.incr('a', note, 60_000);
    now += 10_000;
    store.incr('a', note, 60_000);
    store.read('a', note, 60_000);
    now += 50_000;
    store.incr('a', note, 60_000);
    assert.deepEqual(counts, [
      [1, 60_000],
      [2, 50_000],
      [2, 50_000],
      [1, 60_000],
    ]);
    store.incr('b', note, 60_000);
    store.incr('c', note, 60_000);
    assert.equal(store.size, 2);
    counts.length = 0;
    store.read('a', note, 60_000);
    assert.deepEqual(counts, [[0, 60_000]]);
  });
});

describe('configuration and disclosure', () => {
  test('source maps are not served unless asked for', async () => {
    let app = build();
    assert.equal((await app.inject('/draw.page.js.map')).statusCode, 404);
    assert.equal((await app.inject('/draw.page.js')).statusCode, 200);
    await app.close();
    app = build({ sourceMaps: true });
    assert.equal((await app.inject('/draw.page.js.map')).statusCode, 200);
    await app.close();
  });

  test('/api/models names the base model file without its absolute path', async () => {
    const app = build({ model: undefined, modelPath: DEFAULT_MODEL_PATH });
    try {
      const body = (await app.inject('/api/models')).body;
      assert.match(body, /"origin":"model file default\.json"/);
      assert.ok(!body.includes(dir) && !body.includes(process.cwd()), body.slice(0, 300));
    } finally {
      await app.close();
    }
    assert.equal(
      withoutPaths(
        'model file /home/me/digitrec/models/default.json, csv:/srv/data/x.csv; see /api/models/2/report',
      ),
      'model file default.json, csv:x.csv; see /api/models/2/report',
    );
    assert.equal(withoutPaths('3/4 of synthetic:20000 and a/b'), '3/4 of synthetic:20000 and a/b');
  });
});
