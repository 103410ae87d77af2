import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkBytes,
  checkSource,
  DataFormatError,
  describeLocation,
  PREVIEW_MAX_DEPTH,
  previewValue,
} from './errors.js';

test('DataFormatError carries file, line or offset and prefixes its message with them', () => {
  const cause = new Error('inner');
  const byLine = new DataFormatError({ file: 'a.csv', line: 17 }, 'expected 785 values, got 784', {
    cause,
  });
  assert.ok(byLine instanceof Error);
  assert.equal(byLine.name, 'DataFormatError');
  assert.equal(byLine.message, 'a.csv line 17: expected 785 values, got 784');
  assert.equal(byLine.file, 'a.csv');
  assert.equal(byLine.line, 17);
  assert.equal(byLine.offset, undefined);
  assert.equal(byLine.cause, cause);
  assert.equal(String(byLine), 'DataFormatError: a.csv line 17: expected 785 values, got 784');
  const byOffset = new DataFormatError({ file: 'x.idx3', offset: 0 }, 'bad magic');
  assert.equal(byOffset.message, 'x.idx3 byte 0: bad magic');
  assert.equal(byOffset.offset, 0);
  assert.equal(byOffset.line, undefined);
  assert.equal(describeLocation({ file: 'dir' }), 'dir');
});

test('boundary checks name the parameter and what it got', () => {
  assert.throws(() => checkSource(undefined), {
    name: 'TypeError',
    message: 'source: expected a file or source name (string), got undefined',
  });
  assert.throws(() => checkBytes('bytes', [1, 2]), {
    name: 'TypeError',
    message: 'bytes: expected a Uint8Array, got Array',
  });
  assert.doesNotThrow(() => checkBytes('bytes', Buffer.from([1])));
});

test('previewValue is compact JSON, cut in length and depth, whatever the nesting', () => {
  assert.equal(previewValue({ a: [1, 'x', null], b: true }), '{"a":[1,"x",null],"b":true}');
  assert.equal(previewValue(undefined), 'undefined');
  assert.equal(previewValue('y'.repeat(100), 10), `"${'y'.repeat(9)}…`);
  assert.equal(
    previewValue(
      Array.from({ length: 1e6 }, (_, i) => i),
      12,
    ),
    '[0,1,2,3,4,5…',
  );
  const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  assert.throws(() => JSON.stringify(deep), RangeError);
  const shown = previewValue(deep, 200);
  assert.equal(shown, `${'['.repeat(PREVIEW_MAX_DEPTH)}[…]${']'.repeat(PREVIEW_MAX_DEPTH)}`);
});
