import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateTemplateDrawings } from '../core/synth/index.js';
import type { LabelledDrawing } from '../core/types.js';
import { DEFAULT_MODEL_PATH, loadModel } from './model-io.js';
import {
  composeNumbers,
  evaluateNumbers,
  formatNumbersJsonl,
  parseNumbersJsonl,
} from './numbers.js';
import { confirmationWriters } from './writers.js';

/** Template drawings dealt to six made-up writers, each with every digit. */
function writers(): LabelledDrawing[] {
  return generateTemplateDrawings({ count: 240, seed: 11 }).map((d, i) => ({
    ...d,
    group: `w${i % 6}`,
  }));
}

test('composeNumbers: every digit of a number by one writer, 2–6 digits, reproducible', () => {
  const drawings = writers();
  const numbers = composeNumbers(drawings, { count: 50, seed: 3 });
  assert.deepEqual(composeNumbers(drawings, { count: 50, seed: 3 }), numbers);
  assert.notDeepEqual(composeNumbers(drawings, { count: 50, seed: 4 }), numbers);
  const byId = new Map(drawings.map((d) => [d.group, d]));
  for (const n of numbers) {
    assert.ok(n.number.length >= 2 && n.number.length <= 6, n.number);
    assert.ok(byId.has(n.writer), n.writer);
    assert.equal(n.groups.length, n.number.length);
    assert.deepEqual(
      n.groups.flat(),
      n.drawing.strokes.map((_, i) => i),
    );
  }
  assert.throws(
    () =>
      composeNumbers(
        drawings.filter((d) => d.label !== 3),
        { count: 1, seed: 0 },
      ),
    /no writer has a drawing of every digit/,
  );
});

test('numbers JSON Lines: written and read back equal; bad lines are named', () => {
  const numbers = composeNumbers(writers(), { count: 5, seed: 1 });
  const text = formatNumbersJsonl(numbers);
  assert.deepEqual(parseNumbersJsonl(text, 'n.jsonl'), numbers);
  const first = JSON.parse(text.split('\n')[0]);
  const bad = (o: object) => `${JSON.stringify({ ...first, ...o })}\n`;
  assert.throws(
    () => parseNumbersJsonl(bad({ number: 12 }), 'n.jsonl'),
    /n\.jsonl line 1: expected "number" to be a string of digits, got 12/,
  );
  assert.throws(
    () => parseNumbersJsonl(`${text.split('\n')[0]}\n${bad({ groups: [[0]] })}`, 'n.jsonl'),
    /n\.jsonl line 2: expected "groups" to be \d non-empty lists of stroke indices/,
  );
  const twice = first.groups.map((g: number[]) => g.map(() => 0));
  assert.throws(
    () => parseNumbersJsonl(bad({ groups: twice }), 'n.jsonl'),
    /each of the \d+ strokes exactly once/,
  );
});

test('evaluateNumbers: figures consistent with each other, by writer group', () => {
  const model = loadModel(DEFAULT_MODEL_PATH);
  const numbers = composeNumbers(writers(), { count: 30, seed: 5 });
  const all = evaluateNumbers(model, numbers);
  assert.equal(all.n, 30);
  assert.equal(
    all.digits,
    numbers.reduce((s, n) => s + n.number.length, 0),
  );
  assert.ok(all.accuracy >= 0.8, `accuracy ${all.accuracy}`);
  assert.ok(all.accuracy <= all.numberSegmentation + 1e-12 || all.numberSegmentation === 1);
  assert.ok(Math.abs(all.accepted + all.askedToFix - 1) < 1e-12);
  assert.ok(all.askedToFixOne <= all.askedToFix);
  assert.ok(all.inAlternatives >= all.accuracy);
  const confirm = confirmationWriters(numbers.map((n) => n.writer as string));
  const dev = evaluateNumbers(model, numbers, { writers: 'development' });
  const conf = evaluateNumbers(model, numbers, { writers: 'confirmation' });
  assert.equal(conf.n, numbers.filter((n) => confirm.has(n.writer as string)).length);
  assert.equal(dev.n + conf.n, 30);
  const hinted = evaluateNumbers(model, numbers, { lengthHint: true });
  assert.equal(hinted.n, 30);
  assert.ok(hinted.accuracy >= 0.8, `with the length: ${hinted.accuracy}`);
});
