import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { formatDigitCsv } from '../data/csv.js';
import { loadMnist } from '../data/mnist.js';
import { cliHarness, sliceImageSet } from './test-harness.js';

// `digitrec report` end to end through the built command (`npm test` builds first): two tiny
// models trained on 300 MNIST digits, reported on 120 others from a CSV.
const { dir, run } = cliHarness('report');

before(() => {
  writeFileSync(join(dir, 'train.csv'), formatDigitCsv(sliceImageSet(loadMnist('train'), 0, 300)));
  writeFileSync(join(dir, 'test.csv'), formatDigitCsv(sliceImageSet(loadMnist('test'), 0, 120)));
  for (const [features, out] of [
    ['pixels', 'px.json'],
    ['hog', 'hog.json'],
  ]) {
    const t = run(
      'train',
      '--data',
      'train.csv',
      '--features',
      features,
      '--Cs',
      '0.1,1',
      '--cv',
      '2',
      '--eval',
      'none',
      '--out',
      out,
    );
    assert.equal(t.code, 0, t.err);
  }
});

test('report: the HTML holds the confusion matrix eval computes, and every section', () => {
  const r = run('report', '--model', 'px.json', '--data', 'test.csv', '--out', 'r.html');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /features test\.csv \(pixels\) \[#+\]\s+100% 120\/120/);
  assert.match(r.err, /evaluate test\.csv with \w+ \[#+\]\s+100% 120\/120/);
  assert.match(r.out, /wrote r\.html/);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  const e = JSON.parse(run('eval', '--model', 'px.json', '--data', 'test.csv', '--json').out);
  // The first confusion table is test.csv's: the same counts as `eval --json`, row by row.
  const table = html.slice(html.indexOf('<table class="confusion">'));
  const rows = table
    .slice(0, table.indexOf('</tbody>'))
    .split('</tr>')
    .filter((row) => row.includes('<td'))
    .map((row) =>
      [...row.matchAll(/<td class="(?:diag|off)[^"]*"[^>]*>(\d+)</g)].map((m) => Number(m[1])),
    );
  assert.deepEqual(rows, e.confusion);
  assert.ok(html.includes(`${(100 * e.accuracy).toFixed(2)}%`));
  for (const id of ['accuracy', 'cv', 'set-0', 'stored', 'weights', 'provenance']) {
    assert.ok(html.includes(`<section id="${id}"`), `section ${id}`);
  }
  // 15-bin reliability bars add up to the 120 digits.
  const counts = [...html.matchAll(/<rect class="bin(?: few)?"[^>]*data-count="(\d+)"/g)].map((m) =>
    Number(m[1]),
  );
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    120,
  );
  assert.doesNotMatch(html, /<script|src="http/);
});

test('report --compare: two models side by side on the same data', () => {
  const r = run(
    'report',
    '--model',
    'px.json',
    '--compare',
    'hog.json',
    '--data',
    'test.csv',
    '--out',
    'c.html',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /features test\.csv \(hog\)/);
  const html = readFileSync(join(dir, 'c.html'), 'utf8');
  assert.match(html, /A against B, evaluated now/);
  assert.equal(html.match(/<svg class="chart reliability-chart"/g)?.length, 2);
  assert.equal(html.match(/<svg class="chart cv-chart"/g)?.length, 2);
  assert.equal(html.match(/<svg class="glyphs"/g)?.length, 10);
});

test('report: a bad option or data set exits non-zero naming the problem', () => {
  const u = run('report', '--modle', 'px.json');
  assert.equal(u.code, 2);
  assert.match(u.err, /unknown option --modle/);
  const m = run('report', '--model', 'px.json', '--data', 'nope.csv', '--out', 'x.html');
  assert.equal(m.code, 1);
  assert.match(m.err, /nope\.csv/);
});
