import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadModel } from '../data/model-io.js';
import { formatStrokesJsonl, parseStrokesJsonl } from '../data/strokes-jsonl.js';
import { syntheticDrawings } from '../data/synthetic.js';
import { cliHarness } from './test-harness.js';

// End to end through the built command (`npm test` builds first): synth, training on mixed
// weighted sources with writer groups, and the writer-disjoint evaluation, on small data.
const { dir, run } = cliHarness('synth');

before(() => {
  // Stand-ins for real drawings: 120 synthetic drawings by six "writers" of 20 each.
  const drawings = syntheticDrawings(120, 5).map((d, i) => ({ ...d, group: `w${i % 6}` }));
  writeFileSync(join(dir, 'writers.jsonl'), formatStrokesJsonl(drawings));
});

test('synth writes the drawings of the synthetic source, with a progress bar', () => {
  const r = run(
    'synth',
    '--count',
    '40',
    '--seed',
    '3',
    '--mix',
    'templates=1,restroked=1',
    '--out',
    's.jsonl',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote 40 drawings to s\.jsonl .*per digit: 4 4 4 4 4 4 4 4 4 4/);
  assert.match(r.err, /synth \[#+\]\s+100% 40\/40 took/);
  const text = readFileSync(join(dir, 's.jsonl'), 'utf8');
  assert.deepEqual(parseStrokesJsonl(text, 's.jsonl'), syntheticDrawings(40, 3));
  const bad = run('synth', '--count', '10', '--mix', 'pens=1', '--out', 'x.jsonl');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--mix: expected templates=W and\/or restroked=W, got "pens=1"/);
  assert.equal(run('synth', '--out', 'x.jsonl').code, 2);
});

test('train on weighted mixed sources: group folds, per-source scores, calibration on real rows pooled with synthetic ones while they are few', () => {
  const r = run(
    'train',
    '--data',
    'synthetic:200,writers.jsonl@2',
    '--Cs',
    '0.1,1',
    '--cv',
    '3',
    '--eval',
    'none',
    '--out',
    'm.json',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Cross-validation \(3 group folds\)/);
  assert.match(r.out, /synthetic:200\s+synthetic\s+200\s+1\s/);
  assert.match(r.out, /writers\.jsonl\s+real\s+120\s+2\s/);
  // 120 real drawings are under the 500 trusted alone: calibration pools them with the 200 synthetic.
  assert.match(r.out, /fitted on 320 out-of-fold real\+synthetic rows/);
  const model = loadModel(join(dir, 'm.json'));
  assert.deepEqual(
    model.training.sources.map((s) => [s.name, s.count, s.weight]),
    [
      ['synthetic:200', 200, 1],
      ['writers.jsonl', 120, 2],
    ],
  );
  assert.equal(model.cv.foldKind, 'group');
  assert.equal(model.metrics['cv-out-of-fold:writers.jsonl'].n, 120);
  assert.equal(model.metrics['cv-out-of-fold'].n, 320);
  const bad = run('train', '--data', 'mnist@x', '--out', 'x.json');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /expected NAME@WEIGHT/);
});

test('crossval: writer-disjoint folds with and without the real drawings', () => {
  const r = run(
    'crossval',
    '--real',
    'writers.jsonl',
    '--folds',
    '3',
    '--ladder',
    '--data',
    'synthetic:200',
    '--Cs',
    '1.0',
    '--cv',
    '2',
    '--eval',
    'none',
    '--json',
    'cv.json',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Writer-disjoint evaluation: 120 drawings of 6 writers in 3 folds/);
  // Pooled over folds there is no single threshold: the line says so rather than printing NaN.
  assert.match(
    r.out,
    /\(pooled; each fold at its threshold\): n=120 .*at each fold's threshold: redraw/,
  );
  assert.doesNotMatch(r.out, /NaN/);
  const json = JSON.parse(readFileSync(join(dir, 'cv.json'), 'utf8'));
  assert.deepEqual(
    json.steps.map((s: { name: string }) => s.name),
    ['synthetic:200', 'synthetic:200 + real'],
  );
  for (const step of json.steps) {
    assert.equal(step.result.pooled.n, 120);
    const writers = step.result.folds.flatMap((f: { writers: string[] }) => f.writers).sort();
    assert.deepEqual(writers, ['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
  }
  assert.equal(json.steps[1].result.folds[0].nTrain, 200 + 80);
  assert.equal(run('crossval', '--data', 'synthetic:10').code, 2);
});
