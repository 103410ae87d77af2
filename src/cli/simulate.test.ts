import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { createRng } from '../core/random.js';
import { generateTemplateDrawings } from '../core/synth/generate.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { cliHarness } from './test-harness.js';

// `digitrec simulate` end to end with the default model, on a strokes file of two made-up
// writers: "w-flag" draws every 7 as a short flag on a long upright (which the default model
// reads as a 1) among ordinary digits; "w-plain" draws ordinary digits only.
const { dir, run } = cliHarness('simulate');

function record(label: number, writer: string, strokes: number[][][]) {
  return JSON.stringify({ label, writer, stroke_width: 18, strokes });
}

before(() => {
  const rng = createRng(13);
  const j = () => (rng() - 0.5) * 24;
  const lines: string[] = [];
  const plain = generateTemplateDrawings({ count: 80, seed: 3, digits: [0, 2, 3, 4, 5, 6, 8, 9] });
  plain.forEach((d, i) => {
    const strokes = d.drawing.strokes.map((s) => s.map((p) => [p.x, p.y]));
    lines.push(record(d.label, i < 40 ? 'w-flag' : 'w-plain', strokes));
  });
  for (let i = 0; i < 60; i++) {
    const [dx, dy, fx] = [j(), j(), j()];
    lines.push(
      record(7, 'w-flag', [
        [
          [80 + fx + dx, 90 + dy],
          [115 + dx, 65 + dy],
          [150 + dx, 40 + dy],
          [150 + dx, 140 + dy],
          [150 + dx, 240 + dy],
        ],
      ]),
    );
  }
  writeFileSync(join(dir, 'writers.jsonl'), `${lines.join('\n')}\n`);
});

test("simulate: the personal model learns a writer's 7 that the served model reads as 1", () => {
  const r = run('simulate', '--data', 'writers.jsonl', '--json');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.deepEqual(out.stages, ['1-20', '21-50', '51+']);
  const flag = out.writers.find((w: { writer: string }) => w.writer === 'w-flag');
  const plain = out.writers.find((w: { writer: string }) => w.writer === 'w-plain');
  assert.equal(flag.adapted.all.n, 100);
  assert.deepEqual(
    flag.adapted.stages.map((s: { n: number }) => s.n),
    [20, 30, 50],
  );
  // The served model misses most of the 60 sevens; adapted, the late drawings are read right.
  assert.ok(flag.served.all.accuracy < 0.7, `served ${flag.served.all.accuracy}`);
  assert.ok(
    flag.adapted.stages[2].accuracy >= 0.95,
    `adapted 51+ ${flag.adapted.stages[2].accuracy}`,
  );
  assert.ok(flag.adapted.all.corrections < flag.served.all.corrections / 2);
  assert.equal(flag.used, true);
  // Pooled counts are the writers' sums; the served model's are the same drawings'.
  assert.equal(out.pooled.adapted.all.n, flag.adapted.all.n + plain.adapted.all.n);
  assert.equal(out.pooled.served.all.right, flag.served.all.right + plain.served.all.right);
  assert.equal(out.worstServed[0], 'w-flag');

  const text = run('simulate', '--data', 'writers.jsonl', '--seed', '2');
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /drawing order seed 2/);
  assert.match(text.out, /^w-flag\s+100\s+personal/m);
});

test("personalise writes a model file that reads the writer's 7 as 7 (through predict)", () => {
  writeFileSync(
    join(dir, 'flag7.json'),
    JSON.stringify({
      strokes: [
        [
          [84, 97],
          [152, 45],
          [152, 245],
        ],
      ],
      width: 280,
      height: 280,
      brushWidth: 18,
    }),
  );
  const before = JSON.parse(run('predict', 'flag7.json', '--json').out);
  assert.equal(before.digit, 1);
  const p = run(
    'personalise',
    '--data',
    'writers.jsonl',
    '--writer',
    'w-flag',
    '--out',
    'p.json',
    '--json',
  );
  assert.equal(p.code, 0, p.err);
  const result = JSON.parse(p.out);
  assert.equal(result.examples, 100);
  assert.equal(result.used, true);
  assert.ok(result.threshold >= loadModel(DEFAULT_MODEL_PATH).fusion!.threshold);
  const model = loadModel(join(dir, 'p.json'));
  assert.equal(model.id, result.model);
  assert.notEqual(model.id, result.served);
  const after = JSON.parse(run('predict', 'flag7.json', '--model', 'p.json', '--json').out);
  assert.equal(after.digit, 7);
  const none = run(
    'personalise',
    '--data',
    'writers.jsonl',
    '--writer',
    'nobody',
    '--out',
    'q.json',
  );
  assert.equal(none.code, 2);
  assert.match(none.err, /--writer nobody: no drawings of that writer/);
});

test('simulate names what is wrong with its options', () => {
  const none = run('simulate');
  assert.equal(none.code, 2);
  assert.match(none.err, /simulate needs --data FILE/);
  const bad = run('simulate', '--data', 'writers.jsonl', '--method', 'magic');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--method must be penalty or prototype, got magic/);
  const c = run('simulate', '--data', 'writers.jsonl', '--C', '-1');
  assert.equal(c.code, 2);
  assert.match(c.err, /--C must be a number/);
  const missing = run('simulate', '--data', 'nope.jsonl');
  assert.notEqual(missing.code, 0);
  assert.match(missing.err, /nope\.jsonl/);
});
