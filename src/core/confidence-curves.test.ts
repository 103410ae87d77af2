import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  correctness,
  redrawCurve,
  redrawPointAt,
  reliabilityDiagram,
  topPredictions,
  worstMistakes,
} from './confidence-curves.js';
import { expectedCalibrationError } from './metrics.js';
import { createRng } from './random.js';

test('topPredictions: the first largest probability per row', () => {
  const { predicted, confidence } = topPredictions(
    new Float64Array([0.2, 0.5, 0.3, 0.4, 0.4, 0.2]),
    3,
  );
  assert.deepEqual([...predicted], [1, 0]);
  assert.deepEqual([...confidence], [0.5, 0.4]);
  assert.deepEqual([...correctness(predicted, [1, 2])], [1, 0]);
});

test('reliabilityDiagram: six rows in 15 bins, by hand', () => {
  // 0.05 and 0 fall in bin 0 (0, 1/15]; the two 0.5s in bin 7 (7/15, 8/15]; 0.95 and 1 in bin 14.
  const r = reliabilityDiagram(
    new Float64Array([0.05, 0.5, 0.5, 0.95, 1, 0]),
    new Uint8Array([0, 1, 0, 1, 1, 1]),
  );
  assert.equal(r.bins.length, 15);
  assert.equal(r.n, 6);
  const used = r.bins.flatMap((b, i) => (b.count > 0 ? [i] : []));
  assert.deepEqual(used, [0, 7, 14]);
  assert.deepEqual(
    [r.bins[0].count, r.bins[0].correct, r.bins[0].accuracy, r.bins[0].meanConfidence],
    [2, 1, 0.5, 0.025],
  );
  assert.deepEqual([r.bins[7].accuracy, r.bins[7].meanConfidence], [0.5, 0.5]);
  assert.equal(r.bins[14].accuracy, 1);
  assert.ok(Math.abs(r.bins[14].meanConfidence - 0.975) < 1e-15);
  assert.ok(Number.isNaN(r.bins[1].accuracy));
  assert.ok(Math.abs(r.bins[7].lo - 7 / 15) < 1e-15 && Math.abs(r.bins[7].hi - 8 / 15) < 1e-15);
  // ECE = 2/6·|0.5 − 0.025| + 2/6·0 + 2/6·|1 − 0.975| = 0.5 / 3.
  assert.ok(Math.abs(r.ece - 0.5 / 3) < 1e-12, `ece ${r.ece}`);
  assert.ok(Number.isNaN(reliabilityDiagram(new Float64Array(0), new Uint8Array(0)).ece));
});

test('reliabilityDiagram gives the ECE of expectedCalibrationError', () => {
  const rng = createRng(7);
  const n = 200;
  const k = 4;
  const probs = new Float64Array(n * k);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += probs[i * k + c] = rng() ** 3;
    for (let c = 0; c < k; c++) probs[i * k + c] /= s;
    labels[i] = Math.floor(rng() * k);
  }
  const top = topPredictions(probs, k);
  const r = reliabilityDiagram(top.confidence, correctness(top.predicted, labels));
  assert.ok(Math.abs(r.ece - expectedCalibrationError(probs, labels, k)) < 1e-12);
  assert.equal(
    r.bins.reduce((a, b) => a + b.count, 0),
    n,
  );
});

test('redrawCurve: a worked example, ties accepted together', () => {
  const conf = new Float64Array([0.9, 0.6, 0.9, 0.3, 0.6]);
  const right = new Uint8Array([1, 0, 1, 0, 1]);
  const curve = redrawCurve(conf, right);
  assert.deepEqual(
    curve.map((p) => [p.threshold, p.redrawRate, p.accepted, p.acceptedAccuracy]),
    [
      [0.3, 0, 5, 3 / 5],
      [0.6, 1 / 5, 4, 3 / 4],
      [0.9, 3 / 5, 2, 1],
    ],
  );
  assert.deepEqual(redrawPointAt(conf, right, 0.6), curve[1]);
  const none = redrawPointAt(conf, right, 0.95);
  assert.equal(none.redrawRate, 1);
  assert.ok(Number.isNaN(none.acceptedAccuracy));
  assert.deepEqual(redrawCurve(new Float64Array(0), new Uint8Array(0)), []);
});

test('worstMistakes: wrong rows, most confident first, ties by index', () => {
  const conf = new Float64Array([0.9, 0.6, 0.9, 0.3, 0.6]);
  const right = new Uint8Array([0, 0, 1, 0, 0]);
  assert.deepEqual(worstMistakes(conf, right, 3), [0, 1, 4]);
  assert.deepEqual(worstMistakes(conf, right, 10), [0, 1, 4, 3]);
  assert.throws(() => worstMistakes(conf, right, -1), RangeError);
  assert.throws(() => worstMistakes(conf, new Uint8Array(2), 1), /correct\.length/);
});
