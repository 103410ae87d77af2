/**
 * A seeded generator of hostile requests against every route of the API, and a runner that sends
 * them to a real server and checks the answers: never a 5xx, API errors are JSON naming the
 * problem, and no request meant to be refused is accepted as a write. Used by `fuzz.test.ts`
 * (a bounded run) and `scripts/fuzz.mjs` (a long one). Test tooling only; the app does not use it.
 */
import http from 'node:http';
import { createRng } from '../core/random.js';
import type { Drawing, Rng } from '../core/types.js';
import { confusingJpeg, interlacedBombPng, secondHeaderPng } from '../data/test-images.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

/** One generated request. */
export interface FuzzRequest {
  method: string;
  /** Path and query, as sent (may be malformed on purpose). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The route family, for the figures. */
  route: string;
  /**
   * True when the request would write if it were accepted: a 2xx answer is then a failure (every
   * generated write is invalid, unauthorised or aimed at nothing).
   */
  write: boolean;
}

/** What a run found. */
export interface FuzzReport {
  requests: number;
  /** Answers by status code. */
  byStatus: Record<string, number>;
  /** Requests by route family. */
  byRoute: Record<string, number>;
  /** Requests that got no answer (connection reset, timeout). */
  noAnswer: number;
  /** Problems found: a 5xx, a non-JSON API error, an accepted bad write, no answer. */
  failures: string[];
  /** Wall time of the run, in ms. */
  ms: number;
}

/** Options of `fuzzRequests`. */
export interface FuzzOptions {
  /** The right admin token (some requests use it, with bad input). */
  adminToken: string;
  /** Ids of samples that exist (bad requests aim at them only with the wrong token). */
  existingIds: readonly number[];
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

function validDrawing(rng: Rng): Drawing {
  const names = Object.keys(DIGIT_STROKES) as (keyof typeof DIGIT_STROKES)[];
  return drawingOf(DIGIT_STROKES[pick(rng, names)], 18, 280);
}

/** Values that no field of the API accepts as they are (for the fields they are put in). */
const BAD_SCALARS: readonly unknown[] = [
  null,
  true,
  false,
  -1,
  1.5,
  1e308,
  -1e308,
  '',
  '1',
  'NaN',
  '<script>alert(1)</script>',
  'x'.repeat(5000),
  [],
  {},
  [[[[[[[[[[]]]]]]]]]],
  { __proto__: null, nested: { deeper: [1, 2, { x: 'y' }] } },
];

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** A body that is not a JSON object the API can use: malformed, hostile or the wrong shape. */
function badJsonText(rng: Rng): string {
  const depth = int(rng, 100, 20000);
  return pick(rng, [
    () => '',
    () => '   ',
    () => '{',
    () => '{"label": 1,}',
    () => '{"label": 1 "drawing": 2}',
    () => "{'label': 1}",
    () => 'nul',
    () => '[1, 2',
    () => '"\\ud800"',
    () => '1e99999',
    () => '\u0000\u0001\u0002',
    () => '{"__proto__": {"polluted": true}}',
    () => '{"constructor": {"prototype": {"polluted": true}}}',
    () => '{"\\u005f_proto__": {"polluted": true}}',
    () => nested(depth, '[', ']'),
    () => nested(depth, '{"a":', '}'),
    () => JSON.stringify(pick(rng, BAD_SCALARS)),
    () => JSON.stringify({ drawing: { strokes: nested(50, '[', ']') } }),
    () =>
      Buffer.from(Array.from({ length: int(rng, 1, 300) }, () => int(rng, 0, 255))).toString(
        'latin1',
      ),
  ])();
}

/** A drawing with exactly one thing wrong (a field, a stroke or a point). */
function badDrawing(rng: Rng): unknown {
  const d = validDrawing(rng) as unknown as Record<string, unknown>;
  const strokes = d.strokes as Record<string, unknown>[][];
  const kind = int(rng, 0, 13);
  switch (kind) {
    case 0:
      d.width = pick(rng, [0, 7, 1025, 280.5, '280', null, -280, 1e9]);
      break;
    case 1:
      d.height = pick(rng, [0, 7, 1025, 1.5, '280', null, -1, []]);
      break;
    case 2:
      d.brushWidth = pick(rng, [0, -1, 65, 'x', null, 1e308, []]);
      break;
    case 3:
      d.strokes = pick(rng, ['x', null, 1, {}, [[]], [{}]]);
      break;
    case 4:
      // Too many strokes.
      d.strokes = Array.from({ length: 101 }, () => [{ x: 10, y: 10 }]);
      break;
    case 5:
      // Too many points.
      d.strokes = [Array.from({ length: 10_001 }, (_, i) => ({ x: i % 280, y: 10 }))];
      break;
    case 6:
      strokes[0][0].x = pick(rng, [null, '1', 1e9, -1e9, [], {}, true]);
      break;
    case 7:
      strokes[0][0].t = pick(rng, [-1, 3_600_001, 'soon', null, 1e308]);
      break;
    case 8:
      strokes[0][0].z = 1;
      break;
    case 9:
      (strokes[0] as unknown[])[0] = pick(rng, [[1], [1, 2, 3, 4], 'p', null, 7]);
      break;
    case 10:
      d.colour = 'red';
      break;
    case 11:
      // Every point far outside the canvas (within the margin): no ink to store or read.
      d.strokes = [
        [
          { x: -250, y: -250 },
          { x: -200, y: -260 },
        ],
      ];
      break;
    case 12:
      strokes.push([]);
      break;
    default:
      return pick(
        rng,
        BAD_SCALARS.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      );
  }
  return d;
}

/** A `POST /api/recognize-number` body with one thing wrong: the drawing, a hint or a field. */
function badNumberBody(rng: Rng): unknown {
  const drawing = validDrawing(rng);
  switch (int(rng, 0, 5)) {
    case 0:
      return { drawing: badDrawing(rng) };
    case 1:
      return { drawing, hints: { length: pick(rng, [0, 21, 2.5, '4', null, -1]) } };
    case 2:
      return { drawing, hints: { min: 90, max: pick(rng, [10, -1, 1e300, 'big']) } };
    case 3:
      return { drawing, hints: pick(rng, ['4', [], null, { digitsOnly: 'no' }, { base: 16 }]) };
    case 4:
      // Over the number's stroke limit, within the drawing's.
      return {
        drawing: {
          ...drawing,
          strokes: Array.from({ length: 61 + int(rng, 0, 39) }, (_, i) => [
            { x: (i * 4) % 280, y: 10 },
            { x: (i * 4) % 280, y: 60 },
          ]),
        },
      };
    default:
      return { drawing, mode: 'number' };
  }
}

/** A sample body with one field wrong. */
function badSampleBody(rng: Rng): unknown {
  const body: Record<string, unknown> = {
    label: int(rng, 0, 9),
    drawing: validDrawing(rng),
    source: 'collect',
    sessionId: 'fuzz-session',
    pointerType: 'mouse',
  };
  switch (int(rng, 0, 8)) {
    case 0:
      body.label = pick(rng, [null, -1, 10, 1.5, '1', true, [], {}, 1e308]);
      break;
    case 1:
      delete body.label;
      break;
    case 2:
      body.source = pick(rng, ['import', 'COLLECT', '', null, 1, []]);
      break;
    case 3:
      body.sessionId = pick(rng, ['', 'x'.repeat(65), 'has space', '../etc', 1, {}, '<b>']);
      break;
    case 4:
      body.pointerType = pick(rng, ['stylus', '', 1, {}, 'MOUSE']);
      break;
    case 5:
      body.extra = pick(rng, BAD_SCALARS);
      break;
    case 6:
      delete body.drawing;
      break;
    default:
      body.drawing = badDrawing(rng);
  }
  return body;
}

let bombCache: { interlaced: Buffer; secondHeader: Buffer; jpeg: Buffer } | undefined;
/** The decompression bombs of issue 12, made once. */
function bombs() {
  bombCache ??= {
    interlaced: interlacedBombPng(256 * 2 ** 20),
    secondHeader: secondHeaderPng(6000, 6000),
    jpeg: confusingJpeg(10000, 10000),
  };
  return bombCache;
}

function badPredictBody(rng: Rng): { type: string; body: Buffer } {
  const json = (v: unknown) => ({ type: 'application/json', body: Buffer.from(JSON.stringify(v)) });
  switch (int(rng, 0, 9)) {
    case 0:
      return json({ drawing: badDrawing(rng) });
    case 1:
      return json({ pixels: pick(rng, [[], [1, 2, 3], 'x', null]), width: 2, height: 2 });
    case 2:
      return json({ pixels: [0, 0, 0, 300], width: 2, height: 2 });
    case 3:
      return json({
        image: pick(rng, ['', 'not base64!', 'AAAA', 'data:image/png;base64,iVBORw0KGgo=']),
      });
    case 4:
      return json({ drawing: validDrawing(rng), image: 'AAAA' });
    case 5:
      return { type: 'image/png', body: bombs().interlaced };
    case 6:
      return { type: 'image/png', body: bombs().secondHeader };
    case 7:
      return { type: 'image/jpeg', body: bombs().jpeg };
    case 8:
      return {
        type: pick(rng, ['image/png', 'image/jpeg']),
        body: Buffer.from(Array.from({ length: int(rng, 0, 2000) }, () => int(rng, 0, 255))),
      };
    default:
      return { type: 'application/json', body: Buffer.from(badJsonText(rng)) };
  }
}

/** A file no import format accepts as it is. */
function badImportFile(rng: Rng): string {
  const header = `label,${Array.from({ length: 784 }, (_, i) => `p${i}`).join(',')}`;
  const row = (label: string, value: string) => `${label},${Array(784).fill(value).join(',')}`;
  return pick(rng, [
    () => '',
    () => 'label,p0\n1,2\n',
    () => `${header}\n${row('11', '0')}\n`,
    () => `${header}\n${row('1', '256')}\n`,
    () => `${header}\n${row('1', '-1')}\n`,
    () => `${header}\n1,2,3\n`,
    () => `${header}\n${row('x', '0')}\n`,
    () => '{"label": 1, "strokes": "none"}\n',
    () => `{"label": 1, "strokes": ${nested(int(rng, 100, 8000), '[', ']')}}\n`,
    () => '{"label": 12, "strokes": [[[1,2],[3,4]]]}\n',
    () => 'not json at all\n',
    () => '.SEGMENT DIGIT ? OK "1"\n.PEN_DOWN\n1 x\n.PEN_UP\n',
    () =>
      Buffer.from(Array.from({ length: int(rng, 1, 500) }, () => int(rng, 0, 255))).toString(
        'latin1',
      ),
  ])();
}

const QUERY_JUNK: readonly string[] = [
  'label=11',
  'label=abc',
  'label=1&label=2',
  'label=-1',
  'limit=-1',
  'limit=1e9',
  'limit=201',
  'offset=x',
  'offset=-5',
  'source=import2',
  `session=${'s'.repeat(70)}`,
  'session=has%20space',
  'mispredicted=maybe',
  'format=xml',
  'format=',
  'format=csv&format=jsonl',
  '%zz=1',
  'a[b][c]=d',
  '__proto__[x]=1',
  'constructor[prototype][x]=1',
  `x=${'%'.repeat(30)}`,
];

const BAD_IDS = [
  '0',
  '-1',
  'abc',
  '1.5',
  '1e3',
  '%00',
  '..%2f..%2fetc',
  '9007199254740993',
  '%201',
  '01',
];
/** Ids that are well formed but name nothing (the store has far fewer rows). */
const MISSING_IDS = ['99999', '123456789', '4000000'];

function authHeader(rng: Rng, token: string, allowRight: boolean): Record<string, string> {
  const wrong = pick<Record<string, string>>(rng, [
    {},
    { authorization: 'Bearer wrong-token-123456' },
    { authorization: `Bearer ${token}x` },
    { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` },
    { authorization: 'Bearer' },
    { authorization: `bearer  ${token.slice(1)}` },
  ]);
  return allowRight && rng() < 0.5 ? { authorization: `Bearer ${token}` } : wrong;
}

/** The `i`-th request of a run seeded with `seed` (requests are independent of each other). */
export function fuzzRequest(seed: number, i: number, o: FuzzOptions): FuzzRequest {
  const rng = createRng(seed * 1_000_003 + i);
  const jsonHeaders = { 'content-type': 'application/json' };
  const existing = () => String(pick(rng, o.existingIds));
  const route = int(rng, 0, 15);
  switch (route) {
    case 0: {
      if (rng() < 0.3)
        return {
          method: 'POST',
          path: '/api/recognize-number',
          headers: jsonHeaders,
          body: Buffer.from(rng() < 0.8 ? JSON.stringify(badNumberBody(rng)) : badJsonText(rng)),
          route: 'POST /api/recognize-number',
          write: false,
        };
      const { type, body } = badPredictBody(rng);
      return {
        method: 'POST',
        path: '/api/predict',
        headers: { 'content-type': type },
        body,
        route: 'POST /api/predict',
        write: false,
      };
    }
    case 1:
    case 2:
      return {
        method: 'POST',
        path: '/api/samples',
        headers: jsonHeaders,
        body: Buffer.from(
          rng() < 0.03
            ? // Over the 1 MiB JSON limit.
              `{"label": 1, "pad": "${'x'.repeat(1024 * 1024)}"}`
            : rng() < 0.8
              ? JSON.stringify(badSampleBody(rng))
              : badJsonText(rng),
        ),
        route: 'POST /api/samples',
        write: true,
      };
    case 3:
      return {
        method: 'GET',
        path: `${pick(rng, ['/api/samples', '/api/samples/export', '/api/stats'])}?${pick(rng, QUERY_JUNK)}`,
        headers: {},
        route: 'GET queries',
        write: false,
      };
    case 4:
      return {
        method: 'GET',
        path: `/api/samples/${pick(rng, [...BAD_IDS, ...MISSING_IDS])}`,
        headers: {},
        route: 'GET /api/samples/:id',
        write: false,
      };
    case 5: {
      // The right token only with a bad id or label; a real id only without the right token.
      const right = rng() < 0.5;
      const id = right ? pick(rng, [...BAD_IDS, ...MISSING_IDS, existing()]) : existing();
      const label =
        right && !BAD_IDS.includes(id) && !MISSING_IDS.includes(id)
          ? pick(rng, [null, -1, 10, 1.5, '3', [], {}])
          : int(rng, 0, 9);
      return {
        method: 'PATCH',
        path: `/api/samples/${id}`,
        headers: {
          ...jsonHeaders,
          ...(right
            ? { authorization: `Bearer ${o.adminToken}` }
            : authHeader(rng, o.adminToken, false)),
        },
        body: Buffer.from(rng() < 0.8 ? JSON.stringify({ label }) : badJsonText(rng)),
        route: 'PATCH /api/samples/:id',
        write: true,
      };
    }
    case 6: {
      const right = rng() < 0.5;
      return {
        method: 'DELETE',
        path: `/api/samples/${right ? pick(rng, [...BAD_IDS, ...MISSING_IDS]) : existing()}`,
        headers: right
          ? { authorization: `Bearer ${o.adminToken}` }
          : authHeader(rng, o.adminToken, false),
        route: 'DELETE /api/samples/:id',
        write: true,
      };
    }
    case 7:
    case 8: {
      const format = pick(rng, ['csv', 'jsonl', 'unipen', 'xml', '', 'CSV']);
      return {
        method: 'POST',
        path: `/api/samples/import?format=${format}`,
        headers: {
          'content-type': pick(rng, [
            'text/csv',
            'application/x-ndjson',
            'text/plain',
            'application/octet-stream',
          ]),
          ...authHeader(rng, o.adminToken, true),
        },
        body: Buffer.from(badImportFile(rng), 'latin1'),
        route: 'POST /api/samples/import',
        write: true,
      };
    }
    case 9: {
      const right = rng() < 0.5;
      // Version 1 serves: the right token goes only with versions that are malformed or absent.
      const version = right
        ? pick(rng, ['0', '-1', 'x', '1.5', '999999', '%2e%2e', '2'])
        : pick(rng, ['1', '2', 'x']);
      return {
        method: 'POST',
        path: `/api/admin/models/${version}/promote`,
        headers: right
          ? { authorization: `Bearer ${o.adminToken}` }
          : authHeader(rng, o.adminToken, false),
        route: 'POST /api/admin/models/:version/promote',
        write: true,
      };
    }
    case 10: {
      // Starting a job is a write: only without the right token. Reading and cancelling with it.
      const method = pick(rng, ['POST', 'GET', 'DELETE']);
      const path = pick(rng, ['/api/admin/train', '/api/admin/train/events']);
      const allowRight = !(method === 'POST' && path === '/api/admin/train');
      return {
        method,
        path,
        headers: authHeader(rng, o.adminToken, allowRight),
        route: 'admin train',
        write: method !== 'GET',
      };
    }
    case 11:
      return {
        method: 'GET',
        path: `/api/models/${pick(rng, ['0', 'x', '999', '1', '-1'])}/report`,
        headers: {},
        route: 'GET /api/models/:version/report',
        write: false,
      };
    case 12:
      return {
        method: pick(rng, ['PUT', 'OPTIONS', 'TRACE', 'PATCH', 'POST', 'DELETE']),
        path: pick(rng, [
          '/healthz',
          '/api/model',
          '/api/models',
          '/api/openapi.json',
          '/api/stats',
          '/',
          '/data',
        ]),
        headers: jsonHeaders,
        body: Buffer.from('{}'),
        route: 'wrong method',
        write: true,
      };
    case 13:
      return {
        method: 'GET',
        path: pick(rng, [
          '/api/',
          '/api/nothing',
          '/%',
          '/..%2f..%2fetc%2fpasswd',
          '/api/samples/%E0%A4%A',
          '/draw.page.js.map',
          '/.env',
          '/node_modules/fastify/package.json',
          `/${'a'.repeat(2000)}`,
          '/index.html?x=%00',
        ]),
        headers: {},
        route: 'odd paths',
        write: false,
      };
    case 14:
      // Another host (DNS rebinding) on a write.
      return {
        method: 'POST',
        path: '/api/samples',
        headers: {
          ...jsonHeaders,
          host: pick(rng, ['evil.example', 'rebind.attacker.test:3000', 'localhost.evil.example']),
        },
        body: Buffer.from(
          JSON.stringify({ label: 1, drawing: validDrawing(rng), source: 'collect' }),
        ),
        route: 'foreign Host',
        write: true,
      };
    default:
      // A body of the wrong type or length for a JSON route.
      return {
        method: 'POST',
        path: pick(rng, ['/api/samples', '/api/predict', '/api/recognize-number']),
        headers: {
          'content-type': pick(rng, [
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-16',
            '',
          ]),
        },
        body: Buffer.from(badJsonText(rng)),
        route: 'wrong content type',
        write: true,
      };
  }
}

function send(
  agent: http.Agent,
  port: number,
  r: FuzzRequest,
): Promise<{ status: number; type: string; body: string } | null> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: r.method,
        path: r.path,
        agent,
        headers: { ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', () => resolve(null));
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve(null));
    req.end(r.body);
  });
}

/** Checks one answer; returns the problem, or undefined when it is fine. */
function problem(
  r: FuzzRequest,
  a: { status: number; type: string; body: string },
): string | undefined {
  if (a.status >= 500) return `${a.status}: ${a.body.slice(0, 200)}`;
  if (r.write && a.status >= 200 && a.status < 300)
    return `a bad write was accepted (${a.status}): ${a.body.slice(0, 200)}`;
  const api = r.path.startsWith('/api/') || r.path.startsWith('/healthz');
  if (api && a.status >= 400 && a.status !== 404) {
    if (!a.type.startsWith('application/json')) return `${a.status} is not JSON (${a.type})`;
    try {
      const e = JSON.parse(a.body) as { statusCode?: unknown; message?: unknown };
      if (e.statusCode !== a.status || typeof e.message !== 'string' || e.message === '')
        return `${a.status} without {statusCode, message}: ${a.body.slice(0, 200)}`;
    } catch {
      return `${a.status} body is not JSON: ${a.body.slice(0, 200)}`;
    }
  }
  return undefined;
}

/**
 * Sends requests `0 … n−1` of `seed` to the server on 127.0.0.1:`port`, `concurrency` at a time,
 * checking `/healthz` every `healthEvery` requests.
 */
export async function runFuzz(
  port: number,
  seed: number,
  n: number,
  o: FuzzOptions & { concurrency?: number; healthEvery?: number },
): Promise<FuzzReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency ?? 4 });
  const report: FuzzReport = {
    requests: 0,
    byStatus: {},
    byRoute: {},
    noAnswer: 0,
    failures: [],
    ms: 0,
  };
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = fuzzRequest(seed, i, o);
      const a = await send(agent, port, r);
      report.requests++;
      report.byRoute[r.route] = (report.byRoute[r.route] ?? 0) + 1;
      if (a === null) {
        report.noAnswer++;
        report.failures.push(`#${i} ${r.method} ${r.path.slice(0, 80)}: no answer`);
      } else {
        report.byStatus[a.status] = (report.byStatus[a.status] ?? 0) + 1;
        const p = problem(r, a);
        if (p) report.failures.push(`#${i} ${r.method} ${r.path.slice(0, 80)}: ${p}`);
      }
      if ((i + 1) % (o.healthEvery ?? 200) === 0) {
        const h = await send(agent, port, {
          method: 'GET',
          path: '/healthz',
          headers: {},
          route: 'health',
          write: false,
        });
        if (h?.status !== 200)
          report.failures.push(`after #${i}: /healthz answered ${h?.status ?? 'nothing'}`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
  agent.destroy();
  report.ms = Math.round(performance.now() - t0);
  return report;
}
