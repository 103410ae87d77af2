import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateModel, modelProbabilities } from './batch.js';
import { featurizeImages } from './dataset.js';
import { BAR, FIXTURE_FEATURES, fixtureModel } from './model-fixture.js';
import { randomDrawings } from './preprocess-reference.js';
import { rasterise } from './rasterise.js';
import { createRecognizer } from './recognizer.js';
import { TRAJECTORY_LENGTH } from './trajectory.js';
import type { GrayImage } from './types.js';

const D = FIXTURE_FEATURES;
const pixelModel = fixtureModel;

const bar = BAR;

test('probabilities are the softmax of logits / temperature, reported per digit', () => {
  // Zero weights: the logits are the intercepts. With intercepts 0 except ln 3 for digit 1, the
  // softmax gives 3/12 to digit 1 and 1/12 to each other digit.
  const intercepts = new Array(10).fill(0);
  intercepts[1] = Math.log(3);
  const r = createRecognizer(pixelModel({ intercepts, threshold: 0.2 })).recognizeDrawing(bar);
  assert.equal(r.empty, false);
  assert.equal(r.digit, 1);
  assert.ok(Math.abs(r.confidence - 0.25) < 1e-12);
  assert.ok(Math.abs(r.probabilities[0] - 1 / 12) < 1e-12);
  assert.equal(r.accepted, true);
  assert.deepEqual(r.top2, [1, 0]);
  // Temperature 2 flattens: 3^(1/2) / (9 + 3^(1/2)).
  const t = createRecognizer(
    pixelModel({ intercepts, temperature: 2, threshold: 0.2 }),
  ).recognizeDrawing(bar);
  assert.ok(Math.abs(t.confidence - Math.sqrt(3) / (9 + Math.sqrt(3))) < 1e-12);
  assert.equal(t.accepted, false, 'below the threshold: ask for a redraw');
});

test('the weights see the canonical image: a weight on the centre pixel picks the digit', () => {
  const weights = Array.from({ length: 10 }, () => new Array(D).fill(0));
  weights[7][14 * 28 + 14] = 50; // a vertical bar's canonical image has ink at its centre of mass
  const r = createRecognizer(pixelModel({ weights })).recognizeDrawing(bar);
  assert.equal(r.digit, 7);
  assert.ok(r.canonical.data[14 * 28 + 14] > 0.5);
  assert.ok(r.confidence > 0.99);
});

test('a model over some classes reports zero for the others', () => {
  const r = createRecognizer(
    pixelModel({
      classes: [3, 8],
      intercepts: [1, 0],
      weights: [new Array(D).fill(0), new Array(D).fill(0)],
    }),
  ).recognizeDrawing(bar);
  assert.equal(r.digit, 3);
  assert.equal(r.probabilities.length, 10);
  assert.ok(Math.abs(r.probabilities[3] - Math.E / (Math.E + 1)) < 1e-12);
  assert.equal(r.probabilities[0], 0);
  assert.deepEqual(r.top2, [3, 8]);
});

test('an empty canvas is reported as empty, never classified', () => {
  const r = createRecognizer(pixelModel()).recognizeDrawing({ ...bar, strokes: [] });
  assert.equal(r.empty, true);
  assert.equal(r.digit, -1);
  assert.equal(r.accepted, false);
  assert.deepEqual(r.probabilities, new Array(10).fill(0));
});

test('recognizeDrawing equals recognizeImage of the rasterised drawing, and batch evaluation agrees', () => {
  const weights = Array.from({ length: 10 }, (_, c) =>
    Array.from({ length: D }, (_, j) => Math.sin(c * 31 + j) * 0.3),
  );
  const model = pixelModel({
    weights,
    intercepts: Array.from({ length: 10 }, (_, c) => c / 10),
    temperature: 1.3,
  });
  const rec = createRecognizer(model);
  const image: GrayImage = rasterise(bar);
  const a = rec.recognizeDrawing(bar);
  const b = rec.recognizeImage(image);
  assert.deepEqual(a.probabilities, b.probabilities);
  const fs = featurizeImages([image], Uint8Array.of(a.digit), {
    features: 'pixels',
    preprocessing: model.preprocessing,
  });
  const p = modelProbabilities(model, fs.X);
  for (let c = 0; c < 10; c++) assert.ok(Math.abs(p[c] - a.probabilities[c]) < 1e-12);
  const m = evaluateModel(model, fs.X, fs.y);
  assert.equal(m.accuracy, 1);
  assert.equal(m.n, 1);
});

test('recognizeDrawing answers exactly as recognizeImage of the whole canvas rasterised with its rasterSide', () => {
  const weights = Array.from({ length: 10 }, (_, c) =>
    Array.from({ length: D }, (_, j) => Math.cos(c * 17 + j) * 0.2),
  );
  for (const preprocessing of [
    { deskew: true, downscaleTo: 0, rasterSide: 0 },
    { deskew: false, downscaleTo: 0, rasterSide: 0 },
    { deskew: true, downscaleTo: 0, rasterSide: 64 },
  ]) {
    const rec = createRecognizer(pixelModel({ weights, preprocessing, temperature: 0.7 }));
    const maxSide = preprocessing.rasterSide;
    for (const [i, d] of randomDrawings(6, 300).entries()) {
      const image = rec.recognizeImage(rasterise(d, { maxSide }));
      assert.deepEqual(rec.recognizeDrawing(d), image, `drawing ${i} at ${maxSide}`);
    }
  }
});

test('a two-reader model fuses the online reader into drawings, and images use the image reader alone', () => {
  // Image reader: intercepts only, digit 1 at ln 3 (1/4 against 1/12 each). Online reader: digit
  // 7 at logit 4 from the intercepts. Fused with weight 0.5: digit 7 gets 2, digit 1 ln 3.
  const imageIntercepts = new Array(10).fill(0);
  imageIntercepts[1] = Math.log(3);
  const onlineIntercepts = new Array(10).fill(0);
  onlineIntercepts[7] = 4;
  const d = TRAJECTORY_LENGTH;
  const model = pixelModel({
    version: 2,
    intercepts: imageIntercepts,
    threshold: 0.2,
    online: {
      features: 'trajectory',
      nFeatures: d,
      weights: onlineIntercepts.map(() => new Array(d).fill(0)),
      intercepts: onlineIntercepts,
      C: 1,
      cv: pixelModel().cv,
    },
    fusion: {
      onlineWeight: 0.5,
      weightFrom: 'config',
      temperature: 1,
      threshold: 0.6,
      calibration: { n: 1, kind: 'synthetic' },
    },
  });
  const recognizer = createRecognizer(model);
  const r = recognizer.recognizeDrawing(bar);
  const e2 = Math.exp(2);
  assert.equal(r.digit, 7);
  assert.ok(Math.abs(r.confidence - e2 / (e2 + 3 + 8)) < 1e-12);
  assert.equal(r.threshold, 0.6);
  assert.equal(r.accepted, r.confidence >= 0.6);
  assert.equal(r.readers?.image.digit, 1);
  assert.equal(r.readers?.online?.digit, 7);
  assert.ok(
    Math.abs((r.readers?.online?.confidence ?? 0) - Math.exp(4) / (Math.exp(4) + 9)) < 1e-12,
  );
  assert.equal(r.agree, false);
  // The same picture as an image: no strokes, so the image reader alone at its own threshold.
  const image = recognizer.recognizeImage(rasterise(bar));
  assert.equal(image.digit, 1);
  assert.equal(image.threshold, 0.2);
  assert.equal(image.readers?.online, null);
  assert.equal(image.agree, true);
  // An empty drawing is empty, judged at the fused threshold.
  const empty = recognizer.recognizeDrawing({ ...bar, strokes: [] });
  assert.equal(empty.empty, true);
  assert.equal(empty.accepted, false);
});
