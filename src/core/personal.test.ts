import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibratedModelOf, linearLogits } from './calibrated-model.js';
import type { ModelFile } from './contracts.js';
import { fixtureModel } from './model-fixture.js';
import { drawingFeatures, type PersonalExample, Personaliser } from './personal.js';
import { createRng } from './random.js';
import { createRecognizer } from './recognizer.js';
import { TRAJECTORY_LENGTH } from './trajectory.js';
import type { Drawing, Rng } from './types.js';

/**
 * A two-reader model over pixels whose readers know nothing but their intercepts: every drawing
 * is read as 1 (image logit ln 6, online logit 1, fused with weight 0.5 at temperature 1.5).
 */
function servedModel(): ModelFile {
  const image = new Array(10).fill(0);
  image[1] = Math.log(6);
  const online = new Array(10).fill(0);
  online[1] = 1;
  return fixtureModel({
    version: 2,
    intercepts: image,
    online: {
      features: 'trajectory',
      nFeatures: TRAJECTORY_LENGTH,
      weights: online.map(() => new Array(TRAJECTORY_LENGTH).fill(0)),
      intercepts: online,
      C: 1,
      cv: fixtureModel().cv,
    },
    fusion: {
      onlineWeight: 0.5,
      weightFrom: 'config',
      temperature: 1.5,
      threshold: 0.4,
      calibration: { n: 1, kind: 'synthetic' },
    },
  });
}

/** A stroke from (x0, y0) to (x1, y1) in 12 points, each corner moved by up to ±8 px. */
function line(rng: Rng, x0: number, y0: number, x1: number, y1: number) {
  const j = () => (rng() - 0.5) * 16;
  const [a, b, c, d] = [x0 + j(), y0 + j(), x1 + j(), y1 + j()];
  return Array.from({ length: 12 }, (_, i) => ({
    x: a + ((c - a) * i) / 11,
    y: b + ((d - b) * i) / 11,
  }));
}

const SHAPES: Record<string, (rng: Rng) => Drawing['strokes']> = {
  bar: (rng) => [line(rng, 50, 140, 230, 140)],
  pole: (rng) => [line(rng, 140, 40, 140, 240)],
  corner: (rng) => [line(rng, 60, 60, 220, 60), line(rng, 220, 60, 220, 230)],
};

function drawing(shape: string, rng: Rng): Drawing {
  return { strokes: SHAPES[shape](rng), width: 280, height: 280, brushWidth: 18 };
}

function example(model: ModelFile, shape: string, label: number, rng: Rng): PersonalExample {
  const f = drawingFeatures(model, drawing(shape, rng));
  assert.ok(f, 'the drawing has ink');
  return { label, kind: 'corrected', ...f };
}

test('a few corrections teach it a style the served model reads wrong; clear forgets them', () => {
  const model = servedModel();
  const rng = createRng(1);
  const served = createRecognizer(model);
  assert.equal(served.recognizeDrawing(drawing('bar', rng)).digit, 1);
  const p = new Personaliser(model, { C: 1 });
  for (let i = 0; i < 3; i++) {
    p.add(example(model, 'bar', 7, rng));
    p.add(example(model, 'pole', 4, rng));
  }
  assert.equal(p.status.examples, 6);
  assert.equal(p.status.used, true);
  const personal = createRecognizer(model, p.model);
  const bar = personal.recognizeDrawing(drawing('bar', rng));
  const pole = personal.recognizeDrawing(drawing('pole', rng));
  assert.equal(bar.digit, 7);
  assert.equal(pole.digit, 4);
  // The not-a-digit reader and the threshold are the served ones (never looser).
  assert.ok(bar.threshold >= 0.4);
  p.clear();
  assert.equal(p.status.examples, 0);
  assert.equal(p.model, calibratedModelOf(model));
  assert.equal(createRecognizer(model, p.model).recognizeDrawing(drawing('bar', rng)).digit, 1);
});

test('the fit is the minimum of C·Σ loss + ½‖W − W₀‖² over both readers (its gradient vanishes)', () => {
  const model = servedModel();
  const base = calibratedModelOf(model);
  const rng = createRng(2);
  const C = 0.7;
  const p = new Personaliser(model, { C, maxIter: 500, guard: false });
  const examples = [
    ...[0, 1, 2].map(() => example(model, 'bar', 7, rng)),
    ...[0, 1].map(() => example(model, 'corner', 7, rng)),
    ...[0, 1, 2].map(() => example(model, 'corner', 2, rng)),
  ];
  for (const e of examples) p.add(e);
  const m = p.model;
  const online = m.online as NonNullable<typeof m.online>;
  const baseOnline = base.online as NonNullable<typeof base.online>;
  const k = 10;
  const w = 0.5;
  const T = 1.5;
  const dI = m.image.nFeatures;
  const dO = online.nFeatures;
  // Gradient of the unscaled objective at the personal weights, from the definition.
  const gI = new Float64Array(k * dI);
  const gO = new Float64Array(k * dO);
  const gB = new Float64Array(k);
  for (const e of examples) {
    const zi = new Float64Array(k);
    const zo = new Float64Array(k);
    linearLogits(m.image.weights, m.image.intercepts, k, dI, e.image, 0, zi, 0);
    linearLogits(online.weights, online.intercepts, k, dO, e.trajectory, 0, zo, 0);
    const z = zi.map((v, c) => (v + w * zo[c]) / T);
    const max = Math.max(...z);
    const sum = z.reduce((a, v) => a + Math.exp(v - max), 0);
    for (let c = 0; c < k; c++) {
      const r = (C * (Math.exp(z[c] - max) / sum - (c === e.label ? 1 : 0))) / T;
      gB[c] += r;
      for (let j = 0; j < dI; j++) gI[c * dI + j] += r * e.image[j];
      for (let j = 0; j < dO; j++) gO[c * dO + j] += r * w * e.trajectory[j];
    }
  }
  let worst = 0;
  let moved = 0;
  for (let i = 0; i < gI.length; i++) {
    const d = m.image.weights[i] - base.image.weights[i];
    moved = Math.max(moved, Math.abs(d));
    worst = Math.max(worst, Math.abs(gI[i] + d));
  }
  for (let i = 0; i < gO.length; i++)
    worst = Math.max(worst, Math.abs(gO[i] + online.weights[i] - baseOnline.weights[i]));
  for (let c = 0; c < k; c++)
    worst = Math.max(worst, Math.abs(gB[c] + m.image.intercepts[c] - base.image.intercepts[c]));
  // The online intercepts stay put: the adaptation's intercepts live in the image reader's.
  assert.deepEqual(Array.from(online.intercepts), Array.from(baseOnline.intercepts));
  assert.ok(moved > 0.01, `the weights moved (${moved})`);
  assert.ok(worst < 1e-4 * Math.max(1, moved), `largest gradient component ${worst}`);
});

test('the guard keeps the served model when the personal one reads the examples worse', () => {
  const model = servedModel();
  const rng = createRng(3);
  // One bar called 3, then bars called 1: the served model reads them all 1; the personal model,
  // taught the 3 hard (a large C), reads the next bars 3 and is wrong more often.
  const labels = [3, 1, 1, 1, 1];
  const p = new Personaliser(model, { C: 30 });
  for (const label of labels) p.add(example(model, 'bar', label, rng));
  const { check } = p.status;
  assert.equal(check.n, 5);
  assert.equal(check.servedRight, 4);
  assert.ok(check.personalRight < check.servedRight, JSON.stringify(check));
  assert.equal(p.status.used, false);
  assert.equal(p.model, calibratedModelOf(model));
  assert.equal(p.status.threshold, 0.4);
  // Without the guard the same examples give the personal model.
  const unguarded = new Personaliser(model, { C: 30, guard: false });
  const again = createRng(3);
  for (const label of labels) unguarded.add(example(model, 'bar', label, again));
  assert.equal(unguarded.status.used, true);
  assert.notEqual(unguarded.model, calibratedModelOf(model));
});

test('a threshold only ever tightens, and adding many at once scores each before its fit', () => {
  const model = servedModel();
  const rng = createRng(4);
  const rows = Array.from({ length: 21 }, (_, i) =>
    example(model, ['bar', 'pole', 'corner'][i % 3], [7, 4, 2][i % 3], rng),
  );
  const one = new Personaliser(model, { C: 3 });
  for (const r of rows) {
    one.add(r);
    assert.ok(one.status.threshold >= 0.4);
  }
  const all = new Personaliser(model, { C: 3 });
  all.addAll(rows);
  assert.equal(all.status.examples, 21);
  assert.equal(all.status.check.n, 21);
  // Blocks of 1, 1, 2, 4, 8, then the last 5: the first was read by the served model alone.
  assert.ok(all.status.check.personalRight > all.status.check.servedRight);
  assert.equal(all.status.used, true);
  const capped = new Personaliser(model, { maxExamples: 5 });
  capped.addAll(rows);
  assert.equal(capped.status.examples, 5);
});

test('bad examples and options are refused with what was expected', () => {
  const model = servedModel();
  const p = new Personaliser(model);
  const e = example(model, 'bar', 7, createRng(5));
  assert.throws(() => p.add({ ...e, label: 12 }), /label must be one of 0, 1, .*got 12/);
  assert.throws(
    () => p.add({ ...e, image: new Float32Array(3) }),
    /example has 3 image features, the model reads 784/,
  );
  assert.throws(() => new Personaliser(model, { C: 0 }), /C must be > 0, got 0/);
  assert.throws(() => new Personaliser(fixtureModel()), /needs a model with an online reader/);
  assert.equal(p.status.examples, 0);
  assert.equal(
    drawingFeatures(model, { strokes: [], width: 280, height: 280, brushWidth: 18 }),
    null,
  );
});
