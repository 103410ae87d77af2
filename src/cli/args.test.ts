import assert from 'node:assert/strict';
import { test } from 'node:test';
import { integerOption, numberOption, parseArgs, UsageError } from './args.js';

const spec = { model: 'string', json: 'boolean', cv: 'string' } as const;

test('parseArgs reads values, flags, = forms and positionals', () => {
  const r = parseArgs(['a.png', '--model', 'm.json', '--json', '--cv=5', 'b.png'], spec);
  assert.deepEqual(r.options, { model: 'm.json', json: true, cv: '5' });
  assert.deepEqual(r.positionals, ['a.png', 'b.png']);
});

test('parseArgs names an unknown option and lists the known ones', () => {
  assert.throws(
    () => parseArgs(['--modle', 'x'], spec),
    (e: Error) => e instanceof UsageError && /--modle.*--model, --json, --cv/.test(e.message),
  );
});

test('parseArgs rejects a missing value and a value on a flag', () => {
  assert.throws(() => parseArgs(['--model'], spec), /--model needs a value/);
  assert.throws(() => parseArgs(['--model', '--json'], spec), /--model needs a value/);
  assert.throws(() => parseArgs(['--json=yes'], spec), /--json takes no value/);
});

test('numberOption and integerOption check kind and range', () => {
  assert.equal(numberOption('c', '0.5', 0), 0.5);
  assert.throws(() => numberOption('c', 'abc'), /--c must be a number.*"abc"/);
  assert.throws(() => numberOption('c', '-1', 0), /--c must be a number in 0…∞/);
  assert.equal(integerOption('cv', '5', 2), 5);
  assert.throws(() => integerOption('cv', '2.5', 2), /whole number/);
  assert.throws(() => integerOption('cv', '1', 2), /in 2…/);
});
