import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelFile } from './contracts.js';
import { ModelFormatError, parseModelFile, serialiseModelFile } from './model-file.js';
import { fixtureModel } from './model-fixture.js';

/** A small but complete model file: 3 classes over 4 pixel features. */
function tinyModel(overrides: Partial<ModelFile> = {}): ModelFile {
  return fixtureModel({
    classes: [0, 1, 2],
    nFeatures: 4,
    weights: [
      [0.5, -1.25, 0, 3],
      [1e-9, 2, -0.1, 0],
      [0, 0, 0.333, -7],
    ],
    intercepts: [0.1, -0.2, 0.3],
    temperature: 1.5,
    threshold: 0.8,
    preprocessing: { deskew: true, downscaleTo: 28 },
    ...overrides,
  });
}

test('a model file survives serialise → JSON.parse → parseModelFile unchanged', () => {
  const model = tinyModel();
  const text = serialiseModelFile(model);
  assert.deepEqual(parseModelFile(JSON.parse(text)), model);
  assert.equal(serialiseModelFile(parseModelFile(JSON.parse(text))), text);
});

test('NaN metrics are written as null, so the file stays valid JSON', () => {
  const text = serialiseModelFile(
    tinyModel({ metrics: { x: { acceptedAccuracy: Number.NaN } as never } }),
  );
  assert.match(text, /"acceptedAccuracy": null/);
});

test('a wrong version is rejected saying what was got and what was expected', () => {
  assert.throws(
    () => parseModelFile({ ...tinyModel(), version: 2 }),
    (e: Error) =>
      e instanceof ModelFormatError && /got digitrec-model v2 when expected v1/.test(e.message),
  );
  assert.throws(
    () => parseModelFile({ ...tinyModel(), format: 'keras' }),
    /got format "keras" when expected "digitrec-model"/,
  );
  assert.throws(() => parseModelFile([1, 2]), /expected a JSON object/);
});

test('wrong shapes and values are rejected with the field named', () => {
  const m = tinyModel();
  assert.throws(() => parseModelFile({ ...m, features: 'cnn' }), /features "cnn" is not one of/);
  assert.throws(
    () =>
      parseModelFile({
        ...m,
        weights: [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
      }),
    /weights must be 3 rows/,
  );
  assert.throws(
    () => parseModelFile({ ...m, weights: [m.weights[0], [1, 2, 3], m.weights[2]] }),
    /weights\[1\] has 3 entries, expected 4/,
  );
  assert.throws(
    () => parseModelFile({ ...m, intercepts: [0, 'x', 0] }),
    /intercepts\[1\] must be a finite number/,
  );
  assert.throws(() => parseModelFile({ ...m, temperature: 0 }), /temperature must be positive/);
  assert.throws(() => parseModelFile({ ...m, threshold: 1.5 }), /threshold must be in \[0, 1\]/);
  const { canvas: _, ...noCanvas } = m;
  assert.throws(() => parseModelFile(noCanvas), /missing field canvas/);
  assert.throws(
    () => parseModelFile({ ...m, preprocessing: { deskew: 'yes', downscaleTo: 28 } }),
    /preprocessing.deskew must be true or false/,
  );
});
