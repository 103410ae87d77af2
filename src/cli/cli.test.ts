import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { imageFromBytes } from '../core/preprocess.js';
import type { ImageSet } from '../core/types.js';
import { formatDigitCsv } from '../data/csv.js';
import { encodePng } from '../data/image-decode.js';
import { loadMnist } from '../data/mnist.js';
import { loadModel } from '../data/model-io.js';
import { cliHarness, sliceImageSet } from './test-harness.js';

// End to end through the built command (`npm test` builds first), on small MNIST slices written
// in the formats people have: train on a CSV, evaluate on another, predict PNGs.
const { dir, run } = cliHarness('cli');

let test10: ImageSet;
before(() => {
  const train = loadMnist('train');
  test10 = sliceImageSet(loadMnist('test'), 0, 10);
  writeFileSync(join(dir, 'train.csv'), formatDigitCsv(sliceImageSet(train, 0, 1500)));
  writeFileSync(join(dir, 'test.csv'), formatDigitCsv(sliceImageSet(loadMnist('test'), 0, 500)));
  for (let i = 0; i < 10; i++) {
    writeFileSync(
      join(dir, `digit${i}.png`),
      encodePng(imageFromBytes(test10.pixels, 28, 28, i * 784)),
    );
  }
});

test('train → eval --json → predict, on CSV and PNG files', () => {
  const t = run(
    'train',
    '--data',
    'train.csv',
    '--features',
    'hog',
    '--Cs',
    '0.1,1',
    '--cv',
    '3',
    '--eval',
    'test.csv',
    '--out',
    'm.json',
  );
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /Cross-validation \(3 stratified folds\)/);
  assert.match(t.out, /test\.csv: n=500 accuracy/);
  assert.match(t.err, /cross-validation \[#+\]\s+100% 7\/7 took/);
  const model = loadModel(join(dir, 'm.json'));
  assert.deepEqual(model.cv.Cs, [0.1, 1]);
  assert.equal(model.cv.scores.length, 3);

  const e = run('eval', '--model', 'm.json', '--data', 'test.csv', '--json');
  assert.equal(e.code, 0, e.err);
  const metrics = JSON.parse(e.out);
  for (const key of [
    'n',
    'accuracy',
    'macroF1',
    'ece',
    'redrawRate',
    'acceptedAccuracy',
    'confusion',
  ]) {
    assert.ok(key in metrics, `eval --json has ${key}`);
  }
  assert.equal(metrics.n, 500);
  assert.ok(metrics.accuracy > 0.85, `accuracy ${metrics.accuracy} on 500 MNIST test digits`);
  assert.equal(
    metrics.confusion.flat().reduce((a: number, b: number) => a + b, 0),
    500,
  );

  const p = run(
    'predict',
    '--model',
    'm.json',
    '--json',
    ...Array.from({ length: 10 }, (_, i) => `digit${i}.png`),
  );
  assert.equal(p.code, 0, p.err);
  const rows = p.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, 10);
  const right = rows.filter((r, i) => r.digit === test10.labels[i]).length;
  assert.ok(right >= 8, `${right}/10 PNGs recognised`);
  for (const r of rows) {
    assert.equal(r.probabilities.length, 10);
    assert.ok(Math.abs(r.probabilities.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-9);
  }
});

/** A small, quick training command (pixels, one C, 2 folds, no held-out set). */
const SMALL_TRAIN = [
  'train',
  '--data',
  'train.csv',
  '--features',
  'pixels',
  '--Cs',
  '0.05',
  '--cv',
  '2',
  '--eval',
  'none',
];

test('the same training command writes the same model, byte for byte', () => {
  for (const out of ['a.json', 'b.json']) {
    const r = run(...SMALL_TRAIN, '--out', out);
    assert.equal(r.code, 0, r.err);
  }
  const a = loadModel(join(dir, 'a.json'));
  assert.deepEqual(loadModel(join(dir, 'b.json')), a);
});

test('--parallel folds: a fold per thread, the same model every run, within float error of rows', () => {
  for (const [mode, out] of [
    ['rows', 'rows.json'],
    ['folds', 'folds1.json'],
    ['folds', 'folds2.json'],
  ]) {
    const r = run(...SMALL_TRAIN, '--parallel', mode, '--out', out);
    assert.equal(r.code, 0, r.err);
  }
  const rows = loadModel(join(dir, 'rows.json'));
  const folds = loadModel(join(dir, 'folds1.json'));
  assert.deepEqual(loadModel(join(dir, 'folds2.json')), folds);
  let largest = 0;
  rows.weights.forEach((w, i) => {
    largest = Math.max(largest, Math.max(...w.map((v, j) => Math.abs(v - folds.weights[i][j]))));
  });
  // Different sums reach the fits (so the mode took effect), and only float error separates them.
  assert.ok(largest > 0 && largest < 1e-3, `largest weight difference ${largest}`);
  const bad = run(...SMALL_TRAIN, '--parallel', 'columns', '--out', 'x.json');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--parallel must be rows or folds, got columns/);
});

test('--memory and --warm-start reach the fits; bad values are refused, naming the flag', () => {
  const r = run(...SMALL_TRAIN, '--memory', '3', '--warm-start', 'folds', '--out', 'm3.json');
  assert.equal(r.code, 0, r.err);
  const plain = run(...SMALL_TRAIN, '--out', 'plain.json');
  assert.equal(plain.code, 0, plain.err);
  assert.notDeepEqual(
    loadModel(join(dir, 'm3.json')).weights,
    loadModel(join(dir, 'plain.json')).weights,
  );
  for (const [args, message] of [
    [['--memory', '0'], /--memory must be a number in 1…1000, got "0"/],
    [['--warm-start', 'sideways'], /--warm-start must be path or folds, got sideways/],
    [
      ['--warm-start', 'folds', '--parallel', 'folds'],
      /--warm-start folds .* needs --parallel rows/,
    ],
  ] as const) {
    const bad = run(...SMALL_TRAIN, ...args, '--out', 'x.json');
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, message);
  }
});

test('--raster-side is recorded in the model file; a value outside 0 … 4096 is refused', () => {
  const r = run(...SMALL_TRAIN, '--raster-side', '40', '--out', 'r.json');
  assert.equal(r.code, 0, r.err);
  assert.equal(loadModel(join(dir, 'r.json')).preprocessing.rasterSide, 40);
  const plain = loadModel(join(dir, 'plain.json'));
  assert.equal(plain.preprocessing.rasterSide, 64);
  for (const [value, message] of [
    ['-1', /--raster-side must be an integer from 0 to 4096, got -1/],
    ['2.5', /--raster-side must be an integer from 0 to 4096, got 2.5/],
    ['half', /--raster-side must be a number/],
  ] as const) {
    const bad = run(...SMALL_TRAIN, '--raster-side', value, '--out', 'x.json');
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, message);
  }
});

test('bad input: unknown option, missing file, malformed CSV — non-zero exit, the problem named', () => {
  const u = run('eval', '--modle', 'x');
  assert.equal(u.code, 2);
  assert.match(u.err, /unknown option --modle/);
  const m = run('eval', '--model', 'm.json', '--data', 'nope.csv');
  assert.equal(m.code, 1);
  assert.match(m.err, /nope\.csv/);
  writeFileSync(join(dir, 'bad.csv'), 'label,p0\n3,0\n');
  const b = run('train', '--data', 'bad.csv', '--out', 'x.json');
  assert.equal(b.code, 1);
  assert.match(b.err, /bad\.csv line 1/);
  writeFileSync(
    join(dir, 'empty.png'),
    encodePng({ width: 28, height: 28, data: new Float32Array(784) }),
  );
  const e = run('predict', '--model', 'm.json', 'empty.png');
  assert.equal(e.code, 0);
  assert.match(e.out, /empty\.png: empty/);
  const c = run('frobnicate');
  assert.equal(c.code, 2);
  assert.match(c.err, /unknown command "frobnicate"/);
});

test('a strokes JSONL line nested 5,000 deep: exit 1, the file and line named', () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  writeFileSync(
    join(dir, 'deep.strokes.jsonl'),
    `{"label":1,"stroke_width":2,"strokes":[[[1,2]]]}\n{"label":1,"stroke_width":2,"strokes":${deep}}\n`,
  );
  const r = run('eval', '--data', 'deep.strokes.jsonl');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /deep\.strokes\.jsonl line 2: strokes\[0\]\[0\]: expected \[x, y\]/);
  assert.doesNotMatch(r.err, /call stack/);
});
