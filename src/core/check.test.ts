import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTypedArray } from './check.js';

test('checkTypedArray passes the right type and names parameter, type and what was got', () => {
  checkTypedArray('x', new Float64Array(2), Float64Array);
  assert.throws(
    () => checkTypedArray('labels', [1, 2], Uint8Array),
    (e: Error) =>
      e instanceof TypeError && e.message === 'labels must be a Uint8Array, got [object Array]',
  );
  assert.throws(
    () => checkTypedArray('folds', new Float32Array(1), Int32Array),
    /^TypeError: folds must be an Int32Array, got \[object Float32Array\]$/,
  );
});
