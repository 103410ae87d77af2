import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SAMPLE_SOURCES as CONTRACT_SOURCES,
  MODEL_STATUSES as CONTRACT_STATUSES,
} from '../contracts/limits.js';
import { IdParams, ListQuery, SampleBody } from '../contracts/schemas.js';
import { encodePng } from '../data/image-decode.js';
import {
  SAMPLE_SOURCES as STORE_SOURCES,
  MODEL_STATUSES as STORE_STATUSES,
} from '../data/store.js';
import { HttpError } from './http-error.js';
import {
  checkAdmin,
  checkImageBytes,
  LIMITS,
  parseDrawing,
  schemaErrorMessage,
  validatorCompiler,
} from './validate.js';

/** Validates `data` as Fastify would for `httpPart`: the value (coerced) or the 400 message. */
function check(schema: object, httpPart: string, data: unknown): unknown {
  const validate = validatorCompiler({ schema, httpPart, method: 'GET', url: '/' }) as ((
    d: unknown,
  ) => boolean) & { errors: Parameters<typeof schemaErrorMessage>[0] };
  const copy = structuredClone(data);
  if (validate(copy)) return copy;
  return schemaErrorMessage(validate.errors, httpPart === 'querystring' ? 'query' : httpPart);
}

function status(f: () => unknown): number {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return err.statusCode;
  }
  return 200;
}

test('checkImageBytes refuses empty and unknown images (the decoder checks their size)', () => {
  const png = encodePng({ width: 4, height: 4, data: new Float32Array(16) });
  assert.equal(checkImageBytes(png), png);
  assert.equal(
    status(() => checkImageBytes(new Uint8Array(0))),
    400,
  );
  assert.equal(
    status(() => checkImageBytes(new Uint8Array([0x47, 0x49, 0x46, 0x38]))),
    400,
  );
});

test('parseDrawing keeps only the known fields and enforces the limits at their edges', () => {
  const d = parseDrawing({
    strokes: [[{ x: -280, y: 560, t: 0 }]],
    width: 280,
    height: 280,
    brushWidth: 18,
  });
  assert.deepEqual(d, {
    strokes: [[{ x: -280, y: 560, t: 0 }]],
    width: 280,
    height: 280,
    brushWidth: 18,
  });
  const edge = Array.from({ length: LIMITS.strokes }, () => [{ x: 1, y: 1 }]);
  assert.equal(
    parseDrawing({ strokes: edge, width: 8, height: 1024, brushWidth: 64 }).strokes.length,
    100,
  );
  assert.throws(
    () =>
      parseDrawing({ strokes: [[{ x: -280.01, y: 0 }]], width: 280, height: 280, brushWidth: 1 }),
    /x must be in/,
  );
  assert.throws(
    () => parseDrawing({ strokes: [], width: 280, height: 280, brushWidth: 64.5 }),
    /brushWidth/,
  );
});

test('ids and list queries', () => {
  assert.deepEqual(check(IdParams, 'params', { id: '42' }), { id: '42' });
  for (const bad of ['', '0', '-1', '01', '1e3', '9999999999999999', 'x']) {
    assert.equal(
      check(IdParams, 'params', { id: bad }),
      `sample id must be a positive integer, got ${JSON.stringify(bad)}`,
    );
  }
  assert.deepEqual(check(ListQuery, 'querystring', {}), { limit: 50, offset: 0 });
  assert.deepEqual(
    check(ListQuery, 'querystring', { label: '3', mispredicted: 'false', limit: '10' }),
    { label: 3, mispredicted: false, limit: 10, offset: 0 },
  );
  assert.equal(
    check(ListQuery, 'querystring', { label: ['1', '2'] }),
    'query label given more than once',
  );
  assert.equal(
    check(ListQuery, 'querystring', { colour: 'red' }),
    'query: unknown field "colour" (expected label, source, session, mispredicted, limit, offset)',
  );
});

test('schema errors name the field, what was got and what was expected', () => {
  const d = { strokes: [[{ x: 1, y: 2 }]], width: 280, height: 280, brushWidth: 18 };
  const body = (extra: object) => ({ label: 1, drawing: d, source: 'collect', ...extra });
  const cases: [unknown, string][] = [
    [[1], 'body must be a JSON object, got an array of 1'],
    [body({ label: '7' }), 'label must be an integer from 0 to 9, got "7"'],
    [body({ label: undefined }), 'label is required: an integer from 0 to 9'],
    [body({ source: 'x' }), 'source must be one of collect, feedback, got "x"'],
    [
      body({ sessionId: 5 }),
      'sessionId must be 1–64 characters of A–Z, a–z, 0–9, _ or - or null, got 5',
    ],
    [body({ pointerType: 'finger' }), 'pointerType must be one of mouse, pen, touch, got "finger"'],
    [
      body({ extra: 1 }),
      'unknown field "extra" (expected label, drawing, source, sessionId, pointerType, confirmNotDigit)',
    ],
    [body({ drawing: { ...d, brushWidth: 0 } }), 'drawing.brushWidth must be > 0 and ≤ 64, got 0'],
    [
      body({ drawing: { ...d, width: 7 } }),
      'drawing.width must be an integer from 8 to 1024, got 7',
    ],
    // A union reports the branch of the value's JSON type: the array point's, the object point's.
    [
      body({ drawing: { ...d, strokes: [[[1, 'NaN']]] } }),
      'drawing.strokes[0][0].y must be a finite number, got "NaN"',
    ],
    [
      body({ drawing: { ...d, strokes: [[[1, 2, 3, 4]]] } }),
      'drawing.strokes[0][0] must be [x, y] or [x, y, t], got an array of 4',
    ],
    [
      body({ drawing: { ...d, strokes: [[{ x: 1, y: 2, t: -1 }]] } }),
      'drawing.strokes[0][0].t must be in [0, 3600000], got -1',
    ],
    [
      body({ drawing: { ...d, strokes: [[{ x: 1 }]] } }),
      'drawing.strokes[0][0].y is required: a finite number',
    ],
    [
      body({ drawing: { ...d, strokes: [['p']] } }),
      'drawing.strokes[0][0] must be a point {x, y, t?}, [x, y] or [x, y, t], got "p"',
    ],
  ];
  for (const [value, message] of cases) assert.equal(check(SampleBody, 'body', value), message);
});

test('checkAdmin: off without a token (403); missing or wrong bearer (401); right one passes', () => {
  assert.equal(
    status(() => checkAdmin('Bearer x', undefined)),
    403,
  );
  assert.equal(
    status(() => checkAdmin(undefined, 'secret')),
    401,
  );
  assert.equal(
    status(() => checkAdmin('Basic c2VjcmV0', 'secret')),
    401,
  );
  assert.equal(
    status(() => checkAdmin('Bearer secre', 'secret')),
    401,
  );
  assert.equal(
    status(() => checkAdmin('Bearer secret', 'secret')),
    200,
  );
  assert.equal(
    status(() => checkAdmin('bearer  secret', 'secret')),
    200,
  );
});

test('parseDrawing accepts points as [x, y] and [x, y, t] arrays, as in strokes JSONL', () => {
  const d = parseDrawing({
    strokes: [
      [
        [10, 20],
        [30, 40, 16],
      ],
    ],
    width: 280,
    height: 280,
    brushWidth: 18,
  });
  assert.deepEqual(d.strokes, [
    [
      { x: 10, y: 20 },
      { x: 30, y: 40, t: 16 },
    ],
  ]);
});

test("the API's sample sources and model statuses are the store's", () => {
  assert.deepEqual(CONTRACT_SOURCES, STORE_SOURCES);
  assert.deepEqual(CONTRACT_STATUSES, STORE_STATUSES);
});
