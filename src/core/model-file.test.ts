import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelFile } from './contracts.js';
import { ModelFormatError, parseModelFile, serialiseModelFile } from './model-file.js';
import { fixtureModel } from './model-fixture.js';
import { TRAJECTORY_LENGTH } from './trajectory.js';

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
    preprocessing: { deskew: true, downscaleTo: 28, rasterSide: 64 },
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
    () => parseModelFile({ ...tinyModel(), version: 3 }),
    (e: Error) =>
      e instanceof ModelFormatError &&
      /got digitrec-model v3 when expected v1 or v2/.test(e.message),
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
  for (const rasterSide of [-1, 2.5, 5000, 'half', null]) {
    assert.throws(
      () => parseModelFile({ ...m, preprocessing: { ...m.preprocessing, rasterSide } }),
      /preprocessing.rasterSide must be an integer from 0 to 4096, got /,
    );
  }
});

test('a model file written before rasterSide existed was trained at full resolution, and reads so', () => {
  const m = tinyModel();
  assert.equal(parseModelFile(m).preprocessing.rasterSide, 64);
  const { rasterSide: _, ...older } = m.preprocessing;
  assert.deepEqual(parseModelFile({ ...m, preprocessing: older }).preprocessing, {
    deskew: true,
    downscaleTo: 28,
    rasterSide: 0,
  });
});

/** A v2 model with an online reader: 3 classes, weights i + c / 10 on trajectory feature i. */
function twoReaderModel(): ModelFile {
  const d = TRAJECTORY_LENGTH;
  return tinyModel({
    version: 2,
    online: {
      features: 'trajectory',
      nFeatures: d,
      weights: [0, 1, 2].map((c) => Array.from({ length: d }, (_, i) => (i % 7) - 3 + c / 10)),
      intercepts: [0.5, 0, -0.5],
      C: 1,
      cv: fixtureModel().cv,
    },
    fusion: {
      onlineWeight: 0.75,
      weightFrom: 'cv',
      temperature: 1.2,
      threshold: 0.9,
      calibration: { n: 100, kind: 'synthetic' },
    },
  });
}

test('a two-reader (v2) model survives a round trip; v1 files still load, image reader alone', () => {
  const model = twoReaderModel();
  const text = serialiseModelFile(model);
  assert.deepEqual(parseModelFile(JSON.parse(text)), model);
  const v1 = parseModelFile(JSON.parse(serialiseModelFile(tinyModel())));
  assert.equal(v1.version, 1);
  assert.equal(v1.online, undefined);
});

test('a bad online reader or fusion is rejected with the field named', () => {
  const m = twoReaderModel();
  const online = m.online as NonNullable<ModelFile['online']>;
  const fusion = m.fusion as NonNullable<ModelFile['fusion']>;
  assert.throws(
    () => parseModelFile({ ...m, fusion: undefined }),
    /online and fusion come together/,
  );
  assert.throws(() => parseModelFile({ ...m, version: 1 }), /a v1 file has no online reader/);
  assert.throws(
    () => parseModelFile({ ...m, online: { ...online, features: 'hog' } }),
    /online\.features must be "trajectory", got "hog"/,
  );
  assert.throws(
    () => parseModelFile({ ...m, online: { ...online, nFeatures: 5 } }),
    new RegExp(`online\\.nFeatures is 5, expected ${TRAJECTORY_LENGTH}`),
  );
  assert.throws(
    () => parseModelFile({ ...m, online: { ...online, weights: online.weights.slice(0, 2) } }),
    /online\.weights must be 3 rows/,
  );
  assert.throws(
    () => parseModelFile({ ...m, fusion: { ...fusion, threshold: 2 } }),
    /fusion\.threshold must be in \[0, 1\], got 2/,
  );
  assert.throws(
    () => parseModelFile({ ...m, fusion: { ...fusion, onlineWeight: -1 } }),
    /fusion\.onlineWeight must be ≥ 0/,
  );
  assert.throws(
    () => parseModelFile({ ...m, fusion: { ...fusion, temperature: 0 } }),
    /fusion\.temperature must be positive/,
  );
});
