import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberDigit, NumberReading } from '../core/number.js';
import { digitName, numberWords } from './number-words.js';

function digit(d: number, confidence: number, unsure: boolean, second: number): NumberDigit {
  const probabilities = new Array(10).fill(0);
  probabilities[d] = confidence;
  probabilities[second] = 1 - confidence;
  return {
    digit: d,
    confidence,
    groupProbability: 1,
    unsure,
    strokes: [],
    box: { minX: 0, maxX: 1, minY: 0, maxY: 1 },
    recognition: {
      empty: false,
      digit: d,
      confidence,
      probabilities,
      accepted: !unsure,
      verdict: unsure ? 'unsure' : 'digit',
      notDigit: 0,
      threshold: 0.77,
      top2: [d, second],
    },
  };
}

const reading = (digits: NumberDigit[], confidence: number): NumberReading => ({
  empty: false,
  number: digits.map((d) => d.digit).join(''),
  confidence,
  digits,
  accepted: digits.every((d) => !d.unsure),
  alternatives: [
    { number: digits.map((d) => d.digit).join(''), probability: confidence },
    { number: '2086', probability: 0.02 },
  ],
  segmentationProbability: 1,
  skipped: [],
  candidates: 10,
});

test('a sure number: the number first, then how sure, and the runner-up', () => {
  const w = numberWords(reading([digit(2, 0.99, false, 7), digit(0, 0.99, false, 6)], 0.97));
  assert.equal(w.state, 'sure');
  assert.equal(w.text, '20 — 97% sure');
  assert.match(w.detail, /Or perhaps 2086 \(2%\)/);
});

test('an unsure digit is named with its two likeliest digits; a pick makes it sure', () => {
  const r = reading(
    [
      digit(2, 0.99, false, 7),
      digit(0, 0.99, false, 6),
      digit(2, 0.99, false, 1),
      digit(6, 0.6, true, 5),
    ],
    0.55,
  );
  const w = numberWords(r);
  assert.equal(w.state, 'unsure');
  assert.match(w.text, /^Not sure of the fourth digit \(6 or 5\?\)/);
  assert.deepEqual(
    w.digits.map((d) => d.unsure),
    [false, false, false, true],
  );
  assert.deepEqual(w.digits[3].choices.slice(0, 2), [6, 5]);
  const fixed = numberWords(r, new Map([[3, 5]]));
  assert.equal(fixed.state, 'sure');
  assert.equal(fixed.number, '2025');
  assert.equal(fixed.text, '2025 — fixed by you');
  assert.equal(digitName(8), 'digit 9');
});

test('empty and in progress', () => {
  const empty = numberWords({ ...reading([], 0), empty: true, number: '' });
  assert.equal(empty.state, 'empty');
  const live = numberWords(reading([digit(4, 0.9, false, 9)], 0.9), new Map(), false);
  assert.equal(live.state, 'live');
  assert.equal(live.text, '4');
});
