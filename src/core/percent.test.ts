import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aDigit, formatConfidence, percentFloor, percentLabel } from './percent.js';

test('confidence is a whole percentage rounded down, never overstated', () => {
  assert.equal(percentFloor(0.999), 99);
  assert.equal(percentFloor(0.99961), 99);
  assert.equal(percentFloor(1), 100);
  assert.equal(percentFloor(0.29), 29);
  assert.equal(formatConfidence(0.987), '98%');
  assert.equal(percentLabel(0.009), '<1%');
  assert.equal(percentLabel(0), '0%');
  assert.equal(percentLabel(0.376), '37%');
});

test('a digit takes the article it is read with', () => {
  assert.equal(aDigit(8), 'an 8');
  assert.equal(aDigit(0), 'a 0');
  assert.equal(aDigit(7), 'a 7');
  assert.equal(aDigit(1), 'a 1');
});
