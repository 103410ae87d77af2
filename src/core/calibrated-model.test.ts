import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibratedModel, calibratedModelOf, calibratedRead } from './calibrated-model.js';
import type { ModelFile } from './contracts.js';
import { modelFileOf } from './model-file.js';
import { fixtureModel } from './model-fixture.js';
import { TRAJECTORY_LENGTH } from './trajectory.js';

const d = TRAJECTORY_LENGTH;

/** A two-class, one-feature image reader with an online reader and a fusion of weight 0.5. */
function twoReaderFile(): ModelFile {
  const online = [new Array(d).fill(0), new Array(d).fill(0)];
  online[1][0] = 2;
  return fixtureModel({
    version: 2,
    classes: [3, 8],
    nFeatures: 1,
    weights: [[1], [-1]],
    intercepts: [0, 0.5],
    temperature: 2,
    threshold: 0.6,
    online: {
      features: 'trajectory',
      nFeatures: d,
      weights: online,
      intercepts: [0, 0],
      C: 1,
      cv: fixtureModel().cv,
    },
    fusion: {
      onlineWeight: 0.5,
      weightFrom: 'cv',
      temperature: 0.5,
      threshold: 0.9,
      calibration: { n: 10, kind: 'synthetic' },
    },
  });
}

test('calibratedRead: images by the image reader at its temperature, drawings fused at theirs', () => {
  const model = calibratedModelOf(twoReaderFile());
  const image = Float64Array.of(0, Math.log(3) * 2); // softmax at T = 2: [1/4, 3/4]
  const alone = calibratedRead(model, image);
  assert.equal(alone.fused, false);
  assert.equal(alone.threshold, 0.6);
  assert.ok(Math.abs(alone.probabilities[1] - 0.75) < 1e-12);
  // fused = image + 0.5 × online = [0, 2 ln 3 − ln 3] = [0, ln 3]; at T = 0.5: [1/10, 9/10].
  const fused = calibratedRead(model, image, Float64Array.of(0, -2 * Math.log(3)));
  assert.equal(fused.fused, true);
  assert.equal(fused.threshold, 0.9);
  assert.ok(Math.abs(fused.probabilities[1] - 0.9) < 1e-12);
  // A model without an online reader reads a drawing's logits as an image.
  const plain = calibratedModelOf(
    fixtureModel({ classes: [3, 8], nFeatures: 1, weights: [[1], [-1]], intercepts: [0, 0] }),
  );
  assert.equal(calibratedRead(plain, image, Float64Array.of(0, 0)).fused, false);
});

test('modelFileOf(calibratedModelOf(file)) gives the file back', () => {
  const file = twoReaderFile();
  const { id, ...rest } = file;
  assert.deepEqual({ ...modelFileOf(calibratedModelOf(file), rest), id }, file);
  assert.equal(calibratedModelOf(file), calibratedModelOf(file), 'built once per file');
});

test('calibratedModel refuses parts that do not fit together', () => {
  const good = calibratedModelOf(twoReaderFile());
  assert.throws(
    () => calibratedModel({ ...good, fusion: undefined }),
    /an online reader and its fusion go together/,
  );
  assert.throws(
    () => calibratedModel({ ...good, classes: [1, 2, 3] }),
    /image reader: expected 3 intercepts/,
  );
  assert.throws(
    () => calibratedModel({ ...good, imagePath: { temperature: 0, threshold: 0.5 } }),
    /temperature must be > 0, got 0/,
  );
});
