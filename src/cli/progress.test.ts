import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateRemaining, formatDuration, ProgressBar } from './progress.js';

test('formatDuration', () => {
  assert.equal(formatDuration(42.4), '42s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(3720), '1h02m');
  assert.equal(formatDuration(Number.NaN), '?');
});

test('estimateRemaining assumes a steady rate', () => {
  assert.equal(estimateRemaining(25, 100, 10), 30);
  assert.ok(Number.isNaN(estimateRemaining(0, 100, 10)));
});

test('ProgressBar shows fraction and ETA, and prints at most every 10% off a terminal', () => {
  const lines: string[] = [];
  let t = 0;
  const bar = new ProgressBar('fit', 20, { isTTY: false, write: (s) => lines.push(s) }, () => t);
  for (let done = 1; done <= 20; done++) {
    t = done * 1000;
    bar.update(done);
  }
  assert.equal(lines.length, 10);
  assert.match(lines[0], /^fit \[#{2}\.{22}\]\s+10% 2\/20 ETA 18s\n$/);
  assert.match(lines.at(-1)!, /100% 20\/20 took 20s/);
});
