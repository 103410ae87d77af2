import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelFile, serialiseModelFile } from '../core/model-file.js';
import { createRecognizer } from '../core/recognizer.js';
import { generateJunkDrawings } from '../core/synth/junk.js';
import { tinyJunkModel } from './junk-fixture.js';
import { rejectThreshold } from './junk-training.js';
import { syntheticDrawings } from './synthetic.js';

test('rejectThreshold rejects at most the target share of digits', () => {
  const p = Float64Array.of(0.9, 0.1, 0.2, 0.05, 0.5, 0.01, 0.3, 0.02, 0.04, 0.03);
  // 10% of 10: one digit (the 0.9) may be rejected; the next highest (0.5) must pass.
  const t = rejectThreshold(p, 0.1);
  assert.ok(t > 0.5 && t <= 0.9, `threshold ${t}`);
  assert.equal(p.filter((v) => v >= t).length, 1);
  // A target of 0 passes every digit.
  const strict = rejectThreshold(p, 0);
  assert.equal(p.filter((v) => v >= strict).length, 0);
});

test('a model trained with non-digits calls held-in kinds "not a digit" and keeps reading digits', () => {
  const model = tinyJunkModel();
  const junk = model.junk;
  assert.ok(junk, 'the model has a not-a-digit reader');
  assert.equal(junk.weights.length, 2);
  assert.equal(junk.outOfFold.n.digits, 1200);
  assert.ok(junk.outOfFold.digitsRejected <= 0.01, `${junk.outOfFold.digitsRejected}`);
  // The file round-trips through the loader.
  const back = parseModelFile(JSON.parse(serialiseModelFile(model)));
  assert.deepEqual(back.junk, junk);

  const r = createRecognizer(back);
  // Non-digits of another seed: most are called non-digits, few accepted as digits.
  const others = generateJunkDrawings({ count: 300, seed: 99 });
  const verdicts = others.map((j) => r.recognizeDrawing(j.drawing).verdict);
  const notDigit = verdicts.filter((v) => v === 'not-a-digit').length / verdicts.length;
  const accepted = verdicts.filter((v) => v === 'digit').length / verdicts.length;
  assert.ok(notDigit > 0.7, `not a digit: ${notDigit}`);
  assert.ok(accepted < 0.15, `accepted as digits: ${accepted}`);
  // A tap is never a confident 0.
  const tap = others.find((j) => j.kind === 'tap');
  assert.ok(tap);
  const t = r.recognizeDrawing(tap.drawing);
  assert.equal(t.accepted, false);
  assert.equal(t.verdict, 'not-a-digit');
  assert.ok(t.notDigit !== null && t.notDigit >= junk.threshold);
  // Digits of another seed are still read and accepted as digits.
  const digits = syntheticDrawings(200, 5, { mix: { templates: 1, restroked: 0 } });
  const read = digits.map((d) => r.recognizeDrawing(d.drawing));
  const rejected = read.filter((x) => x.verdict === 'not-a-digit').length / read.length;
  assert.ok(rejected < 0.05, `digits called non-digits: ${rejected}`);
  const right = read.filter((x, i) => x.digit === digits[i].label).length / read.length;
  assert.ok(right > 0.9, `digits read right: ${right}`);
  // Plain images have no not-a-digit check.
  const image = r.recognizeImage(t.canonical);
  assert.equal(image.notDigit, null);
  assert.notEqual(image.verdict, 'not-a-digit');
});
