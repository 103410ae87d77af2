import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseModelFile } from './model-file.js';
import { BAR, FIXTURE_FEATURES, fixtureModel } from './model-fixture.js';
import { createRng } from './random.js';
import { createRecognizer } from './recognizer.js';
import { drawTemplate, TEMPLATES } from './synth/index.js';
import type { Drawing } from './types.js';
import { explain } from './why.js';

const model = parseModelFile(
  JSON.parse(readFileSync(new URL('../../models/default.json', import.meta.url), 'utf8')),
);

test('pixel model: each pixel term is (w_a − w_r) · ink / T, the intercepts apart', () => {
  // Class 7 weighs every pixel +2, class 2 weighs pixel 0 by −1; intercepts 0.5 and 0.
  const d = FIXTURE_FEATURES;
  const weights = Array.from({ length: 10 }, () => new Array(d).fill(0));
  weights[7].fill(2);
  weights[2][0] = -1;
  const intercepts = new Array(10).fill(0);
  intercepts[7] = 0.5;
  const m = fixtureModel({ weights, intercepts, temperature: 2 });
  const e = explain(m, { image: createRecognizer(m).recognizeDrawing(BAR).canonical }, 7, 2);
  const ink = Array.from(e.canonical.data);
  for (let j = 0; j < d; j++) {
    const expected = ((2 - (j === 0 ? -1 : 0)) * ink[j]) / 2;
    assert.ok(Math.abs(e.pixels[j] - expected) < 1e-6, `pixel ${j}`);
  }
  assert.equal(e.intercept, 0.25);
  assert.equal(e.online, 0);
  const r = createRecognizer(m).recognizeImage(e.canonical);
  assert.ok(Math.abs(e.logOdds - Math.log(r.probabilities[7] / r.probabilities[2])) < 1e-9);
});

test('default model: the parts add up to the log-odds of answer over runner-up, for drawings and images', () => {
  const recognizer = createRecognizer(model);
  const rng = createRng(7);
  for (const digit of [2, 4, 7, 9]) {
    const template = TEMPLATES.find((t) => t.digit === digit);
    assert.ok(template);
    const drawing = drawTemplate(template, rng);
    const r = recognizer.recognizeDrawing(drawing);
    const [a, b] = r.top2;
    const e = explain(model, { drawing }, a, b);
    const logOdds = Math.log(r.probabilities[a] / r.probabilities[b]);
    assert.ok(Math.abs(e.logOdds - logOdds) < 1e-6, `${digit}: ${e.logOdds} vs ${logOdds}`);
    assert.ok(e.logOdds > 0, 'the answer is ahead of the runner-up');
    assert.ok(e.onlineTerms !== null && e.online !== 0, 'both readers took part');
    const pixelSum = e.pixels.reduce((s, v) => s + v, 0);
    assert.ok(
      Math.abs(pixelSum - e.image) < 1e-9,
      `the map sums to the image part (${pixelSum} vs ${e.image})`,
    );
    // Swapping the two digits negates every part.
    const back = explain(model, { drawing }, b, a);
    assert.ok(Math.abs(back.logOdds + e.logOdds) < 1e-9);
    // A plain image is the image reader alone.
    const img = recognizer.recognizeImage(r.canonical);
    const alone = explain(model, { image: r.canonical }, img.top2[0], img.top2[1]);
    assert.equal(alone.online, 0);
    assert.ok(
      Math.abs(
        alone.logOdds - Math.log(img.probabilities[img.top2[0]] / img.probabilities[img.top2[1]]),
      ) < 1e-6,
    );
  }
});

test('bad questions are refused by name', () => {
  const empty: Drawing = { width: 280, height: 280, brushWidth: 18, strokes: [] };
  assert.throws(() => explain(model, { drawing: empty }, 1, 7), /no ink/);
  assert.throws(
    () => explain(model, { drawing: empty }, 12, 7),
    /answer must be one of the model's classes 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, got 12/,
  );
});
