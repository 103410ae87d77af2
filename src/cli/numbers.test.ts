import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { generateTemplateDrawings } from '../core/synth/index.js';
import { parseNumbersJsonl } from '../data/numbers.js';
import { formatStrokesJsonl } from '../data/strokes-jsonl.js';
import { cliHarness } from './test-harness.js';

// End to end through the built command: synth --numbers from a strokes file with writers, then
// eval --numbers with the default model.
const { dir, run } = cliHarness('numbers');

before(() => {
  const drawings = generateTemplateDrawings({ count: 200, seed: 4 }).map((d, i) => ({
    ...d,
    group: `writer-${i % 5}`,
  }));
  writeFileSync(join(dir, 'digits.jsonl'), formatStrokesJsonl(drawings));
});

test('synth --numbers composes numbers by writer; eval --numbers scores them', () => {
  let r = run(
    'synth',
    '--numbers',
    '--from',
    'digits.jsonl',
    '--count',
    '20',
    '--seed',
    '2',
    '--digits',
    '3-4',
    '--out',
    'n.jsonl',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote 20 numbers \(\d+ digits, [1-5] writers\) to n\.jsonl/);
  const numbers = parseNumbersJsonl(readFileSync(join(dir, 'n.jsonl'), 'utf8'), 'n.jsonl');
  assert.equal(numbers.length, 20);
  for (const n of numbers) assert.ok(n.number.length === 3 || n.number.length === 4);
  r = run('eval', '--numbers', 'n.jsonl', '--json');
  assert.equal(r.code, 0, r.err);
  const figures = JSON.parse(r.out);
  assert.equal(figures.n, 20);
  assert.equal(
    figures.digits,
    numbers.reduce((s, n) => s + n.number.length, 0),
  );
  for (const key of ['digitSegmentation', 'accuracy', 'accepted', 'acceptedAccuracy', 'askedToFix'])
    assert.ok(figures[key] >= 0 && figures[key] <= 1, `${key} ${figures[key]}`);
  r = run('eval', '--numbers', 'n.jsonl', '--writers', 'dev');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /n\.jsonl \(development writers\): \d+ numbers/);
  assert.match(r.out, /accuracy on accepted numbers/);
});

test('synth --numbers and eval --numbers name what is wrong', () => {
  let r = run('synth', '--numbers', '--count', '5', '--out', 'x.jsonl');
  assert.notEqual(r.code, 0);
  assert.match(r.err, /--numbers needs --from FILE/);
  r = run(
    'synth',
    '--numbers',
    '--from',
    'digits.jsonl',
    '--digits',
    'six',
    '--count',
    '5',
    '--out',
    'x.jsonl',
  );
  assert.match(r.err, /--digits must be MIN-MAX, e\.g\. 2-6, got six/);
  r = run('eval', '--numbers', 'n.jsonl', '--data', 'digits.jsonl');
  assert.match(r.err, /--numbers goes alone, without --data or --junk/);
});
