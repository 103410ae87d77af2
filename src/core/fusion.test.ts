import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuseLogits } from './calibrated-model.js';
import type { ModelFile } from './contracts.js';
import {
  chooseFusionWeight,
  evaluateReaders,
  FUSION_WEIGHTS,
  onlineLogits,
  trajectoryMatrix,
} from './fusion.js';
import { fixtureModel } from './model-fixture.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';

test('fuseLogits adds the weighted online logits', () => {
  const z = fuseLogits(Float64Array.of(1, 2), Float64Array.of(10, -4), 0.5);
  assert.deepEqual(Array.from(z), [6, 0]);
  assert.throws(
    () => fuseLogits(new Float64Array(2), new Float64Array(3), 1),
    /image logits have 2/,
  );
});

test('chooseFusionWeight picks the weight that fixes the image reader where the online one is right', () => {
  // Two classes, four rows. The image reader is right on rows 0–1 with margin 1, wrong on rows
  // 2–3 by margin 1; the online reader is right everywhere with margin 1.5. Weight w is right on
  // rows 2–3 when 1.5·w > 1, so any w ≥ 0.75 gets all four; log loss then falls with w.
  const image = Float64Array.of(1, 0, 1, 0, 0, 1, 0, 1);
  const online = Float64Array.of(1.5, 0, 1.5, 0, 1.5, 0, 1.5, 0);
  const labels = Uint8Array.of(0, 0, 0, 0);
  const rows = Int32Array.of(0, 1, 2, 3);
  const { weight, scores } = chooseFusionWeight(image, online, labels, 2, rows, [0, 0.5, 1, 2]);
  assert.deepEqual(
    scores.map((s) => s.accuracy),
    [0.5, 0.5, 1, 1],
  );
  assert.equal(weight, 2);
  // Only rows 0–1: the online reader adds nothing to accuracy, log loss still prefers more.
  assert.equal(chooseFusionWeight(image, online, labels, 2, Int32Array.of(0, 1), [0, 1]).weight, 1);
  assert.throws(
    () => chooseFusionWeight(image, online, labels, 2, new Int32Array(0)),
    /at least one row/,
  );
  assert.equal(FUSION_WEIGHTS[0], 0);
});

test('onlineLogits and evaluateReaders score each reader, the fusion and their agreement', () => {
  const d = TRAJECTORY_LENGTH;
  // An online reader that reads the stroke-count block: class 1 for two strokes, else class 0.
  const weights = [new Array(d).fill(0), new Array(d).fill(0)];
  const count = trajectoryFeatures([
    [
      { x: 0, y: 0 },
      { x: 9, y: 9 },
    ],
    [
      { x: 0, y: 9 },
      { x: 9, y: 0 },
    ],
  ]);
  const i2 = count.findIndex((v, i) => i >= d - 9 && i < d - 5 && v > 0);
  weights[1][i2] = 20;
  const model: ModelFile = fixtureModel({
    version: 2,
    classes: [0, 1],
    nFeatures: 1,
    weights: [[0], [0]],
    intercepts: [0, 0],
    online: {
      features: 'trajectory',
      nFeatures: d,
      weights,
      intercepts: [5, 0],
      C: 1,
      cv: fixtureModel().cv,
    },
    fusion: {
      onlineWeight: 1,
      weightFrom: 'config',
      temperature: 1,
      threshold: 0.9,
      calibration: { n: 1, kind: 'synthetic' },
    },
  });
  const strokes = [
    [
      [
        { x: 0, y: 0 },
        { x: 9, y: 9 },
      ],
    ],
    [
      [
        { x: 0, y: 0 },
        { x: 9, y: 9 },
      ],
      [
        { x: 0, y: 9 },
        { x: 9, y: 0 },
      ],
    ],
  ];
  const X = trajectoryMatrix(strokes);
  const z = onlineLogits(model, X);
  assert.ok(z[0] > z[1] && z[3] > z[2]);
  // The image reader says class 1 for both with a small margin.
  const image = Float64Array.of(0, 1, 0, 1);
  const r = evaluateReaders(model, image, X, Uint8Array.of(0, 1));
  assert.equal(r.image.accuracy, 0.5);
  assert.equal(r.online.accuracy, 1);
  assert.equal(r.fused.accuracy, 1);
  assert.equal(r.agreement, 0.5);
  assert.equal(r.agreedAccuracy, 1);
  assert.deepEqual(Array.from(r.agreed), [0, 1]);
  assert.throws(() => onlineLogits(model, { n: 1, d: 3, data: new Float32Array(3) }), /expects/);
});
