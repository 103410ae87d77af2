import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chooseThreshold,
  fitTemperature,
  softmaxRows,
  TEMPERATURE_MAX,
  TEMPERATURE_MIN,
} from './calibration.js';
import { createRng, normal } from './random.js';

/** n rows of k true logits (scale × normal) and labels drawn from their softmax. */
function sampleFromModel(n: number, k: number, scale: number, seed: number) {
  const rng = createRng(seed);
  const logits = new Float64Array(n * k).map(() => scale * normal(rng));
  const probs = softmaxRows(logits, k);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng();
    let c = 0;
    while (c < k - 1 && u >= probs[i * k + c]) {
      u -= probs[i * k + c];
      c++;
    }
    labels[i] = c;
  }
  return { logits, labels };
}

test('fitTemperature: logits 3× too sharp give T ≈ 3; true logits give T ≈ 1', () => {
  const k = 10;
  const { logits, labels } = sampleFromModel(4000, k, 2, 1);
  const sharp = logits.map((z) => 3 * z);
  const t = fitTemperature(sharp, labels, k);
  assert.ok(Math.abs(t - 3) < 0.15, `T = ${t}`);
  const t1 = fitTemperature(logits, labels, k);
  assert.ok(Math.abs(t1 - 1) < 0.05, `T = ${t1}`);
  // Scaling the logits by s scales the optimal temperature by s exactly.
  assert.ok(
    Math.abs(
      fitTemperature(
        logits.map((z) => 0.5 * z),
        labels,
        k,
      ) -
        0.5 * t1,
    ) < 1e-9,
  );
});

test('fitTemperature is at a minimum of the NLL and is deterministic', () => {
  const k = 4;
  const { logits, labels } = sampleFromModel(300, k, 1.5, 2);
  const nll = (temperature: number) => {
    const p = softmaxRows(logits, k, temperature);
    let s = 0;
    labels.forEach((y, i) => {
      s -= Math.log(p[i * k + y]);
    });
    return s / labels.length;
  };
  const t = fitTemperature(logits, labels, k);
  assert.ok(nll(t) <= nll(t * 1.01) && nll(t) <= nll(t / 1.01));
  assert.equal(fitTemperature(logits, labels, k), t);
});

test('fitTemperature clamps degenerate optima and handles no rows', () => {
  // Always right with a margin: sharper is always better, so T hits the lower bound.
  const right = Float64Array.of(2, 0, 0, 2);
  assert.equal(fitTemperature(right, Uint8Array.of(0, 1), 2), TEMPERATURE_MIN);
  // Always wrong: flatter is always better, so T hits the upper bound.
  assert.equal(fitTemperature(right, Uint8Array.of(1, 0), 2), TEMPERATURE_MAX);
  assert.equal(fitTemperature(new Float64Array(0), new Uint8Array(0), 3), 1);
  assert.throws(
    () => fitTemperature(Float64Array.of(1, 2, 3), Uint8Array.of(0), 2),
    /logits.length/,
  );
  assert.throws(() => fitTemperature(Float64Array.of(1, 2), Uint8Array.of(2), 2), /labels\[0\]/);
});

test('softmaxRows: rows sum to 1, temperature flattens, huge logits do not overflow', () => {
  const p = softmaxRows(Float64Array.of(0, Math.log(3), 1000, 1000), 2);
  assert.ok(Math.abs(p[0] - 0.25) < 1e-15 && Math.abs(p[1] - 0.75) < 1e-15);
  assert.deepEqual([...p.subarray(2)], [0.5, 0.5]);
  const q = softmaxRows(Float64Array.of(0, 2 * Math.log(3)), 2, 2);
  assert.ok(Math.abs(q[1] - 0.75) < 1e-15);
  assert.throws(
    () => softmaxRows(Float64Array.of(0, 1), 2, 0),
    /temperature must be finite and > 0, got 0/,
  );
});

test('chooseThreshold: worked example, where the error rate is not monotone in the threshold', () => {
  // Sorted by confidence: .99 ✓ .95 ✓ .90 ✗ .80 ✓ .70 ✓ .60 ✗. Error rate when accepting down to
  // .99: 0, .95: 0, .90: 1/3, .80: 1/4, .70: 1/5, .60: 2/6. With target 0.25 the lowest threshold
  // meeting it is .70 (the .80 and .70 thresholds meet it, .90 does not).
  const conf = Float64Array.of(0.8, 0.99, 0.6, 0.9, 0.7, 0.95);
  const correct = Uint8Array.of(1, 1, 0, 0, 1, 1);
  assert.equal(chooseThreshold(conf, correct, 0.25), 0.7);
  assert.equal(chooseThreshold(conf, correct, 0.2), 0.7);
  assert.equal(chooseThreshold(conf, correct, 0.1), 0.95);
  assert.equal(chooseThreshold(conf, correct, 0.5), 0.6);
});

test('chooseThreshold: ties are accepted together; an unreachable target gives the least-error threshold', () => {
  // .9 and .9 (one wrong) are accepted together: 1/2 > 0.4; adding .5 ✓ gives 1/3 ≤ 0.4.
  assert.equal(chooseThreshold(Float64Array.of(0.9, 0.9, 0.5), Uint8Array.of(1, 0, 1), 0.4), 0.5);
  // The most confident is wrong: no threshold reaches 1%; the smallest error, 1/2, is at .8.
  assert.equal(chooseThreshold(Float64Array.of(0.9, 0.8), Uint8Array.of(0, 1)), 0.8);
  // All wrong: every threshold has error 1; the lowest is returned rather than rejecting all.
  assert.equal(chooseThreshold(Float64Array.of(0.9, 0.8), Uint8Array.of(0, 0)), 0.8);
  assert.throws(() => chooseThreshold(new Float64Array(0), new Uint8Array(0)), /at least one/);
  assert.throws(
    () => chooseThreshold(Float64Array.of(0.5), Uint8Array.of(1), 2),
    /targetError must be a number in \[0, 1\], got 2/,
  );
  assert.throws(() => chooseThreshold(Float64Array.of(1.5), Uint8Array.of(1)), /confidences\[0\]/);
});
