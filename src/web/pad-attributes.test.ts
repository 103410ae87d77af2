import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PAUSE_MS, readPadAttributes } from './pad-attributes.js';

const read = (attrs: Record<string, string>) => readPadAttributes((k) => attrs[k] ?? null);

test('no attributes: digit mode, the default pause, no hints, no problems', () => {
  assert.deepEqual(read({}), { mode: 'digit', pause: DEFAULT_PAUSE_MS, hints: {}, problems: [] });
});

test('number mode with every hint a form has', () => {
  const s = read({
    mode: 'Number',
    length: '4',
    min: '1900',
    max: '2100',
    'digits-only': 'false',
    pause: '250',
  });
  assert.equal(s.mode, 'number');
  assert.equal(s.pause, 250);
  assert.deepEqual(s.hints, { length: 4, min: 1900, max: 2100, digitsOnly: false });
  assert.deepEqual(s.problems, []);
  // An empty digits-only is true, like a boolean attribute; so is "true".
  assert.equal(read({ 'digits-only': '' }).hints.digitsOnly, true);
  assert.equal(read({ 'digits-only': 'true' }).hints.digitsOnly, true);
  assert.equal(read({ pause: '0' }).pause, 0);
});

test('a bad value is left out and named: the attribute, what it must be, what it was', () => {
  const s = read({ mode: 'numbers', length: 'four', min: '-3', 'digits-only': 'no', pause: '' });
  assert.equal(s.mode, 'digit');
  assert.equal(s.pause, DEFAULT_PAUSE_MS);
  assert.deepEqual(s.hints, {});
  assert.deepEqual(
    s.problems.map((p) => [p.attribute, p.message]),
    [
      ['mode', '<digit-pad>: the mode attribute must be "digit" or "number", got "numbers"'],
      [
        'pause',
        '<digit-pad>: the pause attribute must be a number of milliseconds, 0 or more, got ""',
      ],
      [
        'length',
        '<digit-pad>: the length attribute must be a whole number from 1 to 20, got "four"',
      ],
      [
        'min',
        '<digit-pad>: the min attribute must be a whole number from 0 to 9007199254740991, got "-3"',
      ],
      [
        'digits-only',
        '<digit-pad>: the digits-only attribute must be "true" (or empty) or "false", got "no"',
      ],
    ],
  );
  assert.deepEqual(read({ length: '21' }).problems[0].attribute, 'length');
  assert.deepEqual(read({ length: '2.5' }).hints, {});
});

test('min above max: both left out, and max named', () => {
  const s = read({ min: '500', max: '100', length: '3' });
  assert.deepEqual(s.hints, { length: 3 });
  assert.deepEqual(s.problems, [
    {
      attribute: 'max',
      message: '<digit-pad>: the max attribute must be at least min (500), got "100"',
    },
  ]);
});
