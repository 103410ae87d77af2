import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  evaluate,
  expectedCalibrationError,
  logLoss,
  macroF1,
} from './metrics.js';

const close = (actual: number, expected: number, eps = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≠ ${expected}`);

test("confusionMatrix: scikit-learn's documented example", () => {
  // sklearn.metrics.confusion_matrix docs: rows are true labels, columns predictions.
  const yTrue = [2, 0, 2, 2, 0, 1];
  const yPred = [0, 0, 2, 2, 0, 2];
  assert.deepEqual(confusionMatrix(yTrue, yPred, 3), [
    [2, 0, 0],
    [0, 0, 1],
    [1, 0, 2],
  ]);
  const ten = confusionMatrix(Uint8Array.from(yTrue), Uint8Array.from(yPred));
  assert.equal(ten.length, 10);
  assert.deepEqual(ten[2].slice(0, 3), [1, 0, 2]);
  assert.throws(
    () => confusionMatrix([0, 3], [0, 1], 3),
    /yTrue\[1\] must be an integer label in \[0, 3\), got 3/,
  );
  assert.throws(
    () => confusionMatrix([0], [0, 1]),
    /yPred.length must equal yTrue.length = 1, got 2/,
  );
});

test("classificationReport and macroF1: scikit-learn's classification_report example", () => {
  // sklearn.metrics.classification_report docs: y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
  //   class 0: precision 0.50, recall 1.00, f1 0.67, support 1
  //   class 1: precision 0.00, recall 0.00, f1 0.00, support 1
  //   class 2: precision 1.00, recall 0.67, f1 0.80, support 3
  //   accuracy 0.60; macro avg f1 0.49
  const yTrue = [0, 1, 2, 2, 2];
  const yPred = [0, 0, 2, 2, 1];
  const report = classificationReport(yTrue, yPred);
  assert.deepEqual(
    report.map((r) => r.label),
    [0, 1, 2],
  );
  const expected = [
    [0.5, 1, 2 / 3, 1],
    [0, 0, 0, 1],
    [1, 2 / 3, 0.8, 3],
  ];
  report.forEach((r, i) => {
    close(r.precision, expected[i][0]);
    close(r.recall, expected[i][1]);
    close(r.f1, expected[i][2]);
    assert.equal(r.support, expected[i][3]);
  });
  close(accuracy(yTrue, yPred), 0.6);
  close(macroF1(yTrue, yPred), (2 / 3 + 0 + 0.8) / 3);
  assert.equal(macroF1(yTrue, yPred).toFixed(2), '0.49');
});

test('classificationReport: a label never predicted nor present gives zeros (zero_division = 0)', () => {
  const report = classificationReport([0, 0], [0, 0], [0, 5]);
  assert.deepEqual(report[1], { label: 5, precision: 0, recall: 0, f1: 0, support: 0 });
  assert.deepEqual(report[0], { label: 0, precision: 1, recall: 1, f1: 1, support: 2 });
});

test("logLoss: by hand, scikit-learn's log_loss example, and clipping at 1e-15", () => {
  const probs = Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.6, 0.4);
  close(logLoss(probs, [0, 1, 1], 2), -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3);
  // sklearn.metrics.log_loss docs: ["spam", "ham", "ham", "spam"] with ham = 0, spam = 1.
  const doc = Float64Array.of(0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65);
  close(logLoss(doc, [1, 0, 0, 1], 2), 0.21616187468057912, 1e-15);
  close(logLoss(Float64Array.of(1, 0), [1], 2), -Math.log(1e-15));
  assert.throws(() => logLoss(Float64Array.of(1, 0, 0), [1], 2), /probs.length must be/);
  assert.throws(() => logLoss(Float64Array.of(1, 0), [2], 2), /labels\[0\]/);
});

test('expectedCalibrationError: worked by hand on five points', () => {
  // Confidences .95 ✓, .85 ✓, .90 ✗ fall in the bin (0.8, 1]: accuracy 2/3, mean confidence 0.9.
  // Confidences .70 ✓, .65 ✗ fall in (0.6, 0.8]: accuracy 1/2, mean confidence 0.675.
  // ECE = 3/5 · |2/3 − 0.9| + 2/5 · |0.5 − 0.675| = 0.14 + 0.07 = 0.21.
  const probs = Float64Array.of(0.95, 0.05, 0.15, 0.85, 0.9, 0.1, 0.3, 0.7, 0.65, 0.35);
  const labels = [0, 1, 1, 1, 1];
  close(expectedCalibrationError(probs, labels, 2, 5), 0.21);
  // Perfectly confident and right: no calibration error.
  close(expectedCalibrationError(Float64Array.of(1, 0, 0, 1), [0, 1], 2), 0);
  assert.throws(
    () => expectedCalibrationError(probs, labels, 2, 0),
    /bins must be an integer ≥ 1, got 0/,
  );
});

test('evaluate fills every Metrics field', () => {
  // Three classes, four rows; the threshold 0.6 sends the 0.5-confidence row to redraw.
  // Rows: true 0 → 0 ✓; true 1 → 0 ✗ (below threshold); true 2 → 2 ✓; true 0 → 1 ✗.
  const probs = Float64Array.from(
    [
      [0.8, 0.1, 0.1],
      [0.5, 0.3, 0.2],
      [0.1, 0.2, 0.7],
      [0.0, 0.9, 0.1],
    ].flat(),
  );
  const labels = Uint8Array.of(0, 1, 2, 0);
  const m = evaluate(probs, labels, 3, 0.6);
  assert.equal(m.n, 4);
  close(m.accuracy, 0.5);
  assert.deepEqual(m.confusion, [
    [1, 1, 0],
    [1, 0, 0],
    [0, 0, 1],
  ]);
  // Class 0: precision 1/2, recall 1/2; class 1: 0, 0; class 2: 1, 1.
  assert.deepEqual(
    m.perClass.map((r) => [r.label, r.precision, r.recall, r.f1, r.support]),
    [
      [0, 0.5, 0.5, 0.5, 2],
      [1, 0, 0, 0, 1],
      [2, 1, 1, 1, 1],
    ],
  );
  close(m.macroF1, 0.5);
  close(m.logLoss, -(Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(1e-15)) / 4);
  // Bins of 1/15: .8, .5, .7, .9 each alone; |acc − conf| = .2, .5, .3, .9, each weighted 1/4.
  close(m.ece, (0.2 + 0.5 + 0.3 + 0.9) / 4);
  assert.equal(m.threshold, 0.6);
  close(m.redrawRate, 0.25);
  close(m.acceptedAccuracy, 2 / 3);
  assert.ok(Number.isNaN(evaluate(probs, labels, 3, 1).acceptedAccuracy), 'nothing accepted');
  assert.throws(
    () => evaluate(probs, labels, 3, 1.5),
    /threshold must be a number in \[0, 1\], got 1.5/,
  );
  assert.throws(() => evaluate(probs, [0, 1, 2, 0] as never, 3, 0.5), TypeError);
});
