import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { serialiseModelFile } from '../core/model-file.js';
import { generateJunkDrawings } from '../core/synth/junk.js';
import { tinyJunkModel } from '../data/junk-fixture.js';
import { formatStrokesJsonl, parseNonDigitJsonl } from '../data/strokes-jsonl.js';
import { syntheticDrawings } from '../data/synthetic.js';
import { cliHarness } from './test-harness.js';

// End to end through the built command: synth --junk, eval --junk with a model that has a
// not-a-digit reader, and predict on a tap.
const { dir, run } = cliHarness('junk');

before(() => {
  writeFileSync(join(dir, 'm.json'), serialiseModelFile(tinyJunkModel()));
  writeFileSync(
    join(dir, 'digits.jsonl'),
    formatStrokesJsonl(syntheticDrawings(100, 8, { mix: { templates: 1, restroked: 0 } })),
  );
});

test('synth --junk writes non-digits with their kind and no label; eval --junk scores them per kind', () => {
  let r = run(
    'synth',
    '--junk',
    '--count',
    '60',
    '--seed',
    '9',
    '--kinds',
    'tap,hash,letter',
    '--out',
    'j.jsonl',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote 60 non-digits to j\.jsonl .*\(kinds: tap, hash, letter\)/);
  const text = readFileSync(join(dir, 'j.jsonl'), 'utf8');
  assert.doesNotMatch(text, /"label"/);
  const read = parseNonDigitJsonl(text, 'j.jsonl');
  const made = generateJunkDrawings({ count: 60, seed: 9, kinds: ['tap', 'hash', 'letter'] });
  assert.deepEqual(
    read.map((d) => [d.id, d.kind, d.drawing]),
    made.map((d) => [d.id, d.kind, d.drawing]),
  );

  r = run('eval', '--model', 'm.json', '--junk', 'j.jsonl', '--json');
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out);
  assert.equal(result.nonDigits.overall.n, 60);
  const byKind = Object.fromEntries(
    result.nonDigits.kinds.map((k: { kind: string }) => [k.kind, k]),
  );
  assert.deepEqual(Object.keys(byKind).sort(), ['hash', 'letter', 'tap']);
  for (const k of result.nonDigits.kinds) {
    assert.equal(k.n, 20);
    assert.ok(Math.abs(k.acceptedAsDigit + k.notDigit + k.unsure - 1) < 1e-12);
  }
  assert.ok(result.nonDigits.overall.acceptedAsDigit < 0.2, r.out);

  // With digits too: the tables, and how many digits were called non-digits.
  r = run('eval', '--model', 'm.json', '--junk', 'j.jsonl', '--data', 'digits.jsonl');
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /j\.jsonl: 60 non-digits, [\d.]+% accepted as a digit, [\d.]+% answered "not a digit"/,
  );
  assert.match(r.out, /kind\s+n\s+accepted as digit\s+not a digit\s+unsure/);
  assert.match(r.out, /not a digit: [\d.]+% of these drawings \(counted as redraws above\)/);

  // Bad input is named.
  assert.match(
    run('synth', '--junk', '--count', '5', '--kinds', 'circle', '--out', 'x.jsonl').err,
    /--kinds: unknown kind "circle"/,
  );
  writeFileSync(join(dir, 'bad.jsonl'), '{"kind": 3, "stroke_width": 9, "strokes": [[[1, 2]]]}\n');
  r = run('eval', '--model', 'm.json', '--junk', 'bad.jsonl');
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.jsonl.*line 1.*expected "kind" to be a string, got 3/);
});
