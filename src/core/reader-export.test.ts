import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAR, fixtureModel } from './model-fixture.js';
import { exportedReaders, readerInputs, sklearnExport } from './reader-export.js';
import { createRecognizer } from './recognizer.js';

const bar = BAR;

/** softmax(W x + b) of an exported reader on one row. */
function probabilities(W: Float64Array, b: Float64Array, x: Float32Array): number[] {
  const k = b.length;
  const z = Array.from(b, (bc, c) => {
    let s = bc;
    for (let j = 0; j < x.length; j++) s += W[c * x.length + j] * x[j];
    return s;
  });
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.slice(0, k).map((v) => v / sum);
}

test('an image-only model exports one reader, temperature divided into weights and intercepts', () => {
  const weights = Array.from({ length: 10 }, (_, c) => new Array(784).fill(c === 3 ? 0.01 : 0));
  const intercepts = [0, 1, 0, 0, 0, 0, 0, 0, 2, 0];
  const model = fixtureModel({ weights, intercepts, temperature: 2 });
  const readers = exportedReaders(model);
  assert.deepEqual(
    readers.map((r) => r.name),
    ['image'],
  );
  const [image] = readers;
  assert.equal(image.intercepts[8], 1);
  assert.equal(image.weights[3 * 784 + 5], 0.005);
  const inputs = readerInputs(model, bar);
  assert.equal(inputs.drawing, null);
  assert.equal(inputs.image.length, 784);
  const want = createRecognizer(model).recognizeDrawing(bar).probabilities;
  const got = probabilities(image.weights, image.intercepts, inputs.image);
  got.forEach((p, c) => {
    assert.ok(Math.abs(p - want[c]) < 1e-12, `class ${c}: ${p} vs ${want[c]}`);
  });
});

test("scikit-learn's binary form is the difference of the two rows (same two-class softmax)", () => {
  const model = fixtureModel({ intercepts: [0, 1, 0, 0, 0, 0, 0, 0, 2, 0], temperature: 4 });
  const json = sklearnExport(model);
  assert.equal(json.format, 'digitrec-sklearn');
  assert.equal(json.model, 'fixture');
  const image = json.readers.image;
  assert.ok(image);
  assert.equal(image.coef_.length, 10);
  assert.deepEqual(image.intercept_.slice(0, 2), [0, 0.25]);
  assert.deepEqual(image.classes_, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(image.n_features_in_, 784);
  assert.equal(json.readers['not-a-digit'], undefined);
});
