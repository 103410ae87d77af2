import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { calibratedModelOf } from '../core/calibrated-model.js';
import { modelFileOf, serialiseModelFile } from '../core/model-file.js';
import { loadModel, modelId, saveModel } from './model-io.js';

const dir = mkdtempSync(join(tmpdir(), 'digitrec-model-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the committed default model loads and its id matches its contents', () => {
  // Importing DEFAULT_MODEL_PATH lazily: the file is produced by `npm run train:default`.
  return import('./model-io.js').then(({ DEFAULT_MODEL_PATH }) => {
    const model = loadModel(DEFAULT_MODEL_PATH);
    assert.equal(model.id, modelId(model));
    assert.equal(model.classes.length, 10);
  });
});

test('the default model as a calibrated model writes back to the committed bytes', async () => {
  const { DEFAULT_MODEL_PATH } = await import('./model-io.js');
  const model = loadModel(DEFAULT_MODEL_PATH);
  const fitted = calibratedModelOf(model);
  assert.ok(fitted.online && fitted.fusion, 'the default model has both readers');
  const { format: _f, version: _v, id, ...meta } = model;
  const back = { ...modelFileOf(fitted, meta), id };
  assert.equal(serialiseModelFile(back), readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
});

test('saveModel then loadModel round-trips, leaving no temp file behind', () => {
  const model = loadModel(join(import.meta.dirname, '..', '..', 'models', 'default.json'));
  const path = join(dir, 'm.json');
  saveModel(path, model);
  assert.deepEqual(loadModel(path), model);
  assert.deepEqual(readdirSync(dir), ['m.json']);
});

test('loadModel names the file and the problem', () => {
  assert.throws(
    () => loadModel(join(dir, 'missing.json')),
    /cannot read model file .*missing\.json/,
  );
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"format": "digitrec-model", ');
  assert.throws(() => loadModel(bad), /bad\.json: not valid JSON/);
  const v3 = join(dir, 'v3.json');
  const json = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'models', 'default.json'), 'utf8'),
  );
  writeFileSync(v3, JSON.stringify({ ...json, version: 3 }));
  assert.throws(() => loadModel(v3), /v3\.json: .*got digitrec-model v3 when expected v1 or v2/);
});

test("the id covers the not-a-digit reader's threshold and geometric range", async () => {
  const { tinyJunkModel } = await import('./junk-fixture.js');
  const model = tinyJunkModel();
  const junk = model.junk;
  assert.ok(junk, 'the fixture has a not-a-digit reader');
  const id = modelId(model);
  const moved = {
    ...junk.geometryRange,
    high: junk.geometryRange.high.map((v) => (v === null ? v : v + 0.01)),
  };
  assert.notEqual(modelId({ ...model, junk: { ...junk, geometryRange: moved } }), id);
  assert.notEqual(modelId({ ...model, junk: { ...junk, threshold: junk.threshold / 2 } }), id);
  assert.equal(modelId({ ...model, junk: { ...junk } }), id, 'the same reader, the same id');
});
