import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodePng } from '../data/image-decode.js';
import { HttpError } from './http-error.js';
import {
  checkAdmin,
  checkImageBytes,
  LIMITS,
  parseDrawing,
  parseId,
  parseListQuery,
  rejectPrototypeKeys,
} from './validate.js';

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
  assert.equal(parseId('42'), 42);
  for (const bad of ['', '0', '-1', '01', '1e3', '99999999999999999', 'x']) {
    assert.equal(
      status(() => parseId(bad)),
      400,
      bad,
    );
  }
  assert.deepEqual(parseListQuery({}), { filter: {}, limit: 50, offset: 0 });
  assert.deepEqual(parseListQuery({ label: '3', mispredicted: 'false', limit: '10' }), {
    filter: { label: 3 },
    limit: 10,
    offset: 0,
  });
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

test('rejectPrototypeKeys refuses what a JSON.parse reviver refused, naming the same key', () => {
  // The reviver the server used before: every key, each after everything inside its value.
  const withReviver = (text: string): string => {
    try {
      JSON.parse(text, (key, value) => {
        if (key === '__proto__' || key === 'constructor') throw new Error(key);
        return value;
      });
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };
  const withCheck = (text: string): string => {
    try {
      rejectPrototypeKeys(text, JSON.parse(text));
      return 'ok';
    } catch (err) {
      assert.ok(err instanceof HttpError && err.statusCode === 400);
      const m = /the key "(.*)" is not allowed/.exec(err.message);
      return m ? m[1] : err.message;
    }
  };
  const bodies = [
    '{"label":1}',
    '{"label":1,"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"a":{"constructor":1},"__proto__":2}',
    '{"__proto__":{"constructor":1}}',
    '[{"x":[{"y":{"__proto__":null}}]}]',
    '{"\\u005f_proto__":1}',
    '{"constr\\u0075ctor":{"a":1}}',
    '{"drawing":{"strokes":[[{"x":1,"y":2}]]},"note":"constructor and __proto__ in a value"}',
    '{"text":"\\u0041"}',
    '{"1":{"constructor":0},"0":{"__proto__":0}}',
    '"constructor"',
    'null',
  ];
  for (const text of bodies) assert.equal(withCheck(text), withReviver(text), text);
  // Several of them are refused, and for the right key.
  assert.equal(withCheck('{"a":{"constructor":1},"__proto__":2}'), 'constructor');
  assert.equal(withCheck('{"1":{"constructor":0},"0":{"__proto__":0}}'), '__proto__');
  assert.equal(withCheck('{"\\u005f_proto__":1}'), '__proto__');
});

test('rejectPrototypeKeys: a body nested deeper than the stack is a 400 that says so, not a crash', () => {
  const text = `${'['.repeat(400000)}"\\u0041"${']'.repeat(400000)}`;
  const value = JSON.parse(text);
  assert.throws(
    () => rejectPrototypeKeys(text, value),
    (err: unknown) =>
      err instanceof HttpError && err.statusCode === 400 && /nested too deeply/.test(err.message),
  );
});
