import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Recognition, RetrainJob } from '../core/contracts.js';
import {
  collectDoubt,
  confirmQuestion,
  duration,
  handwritingWords,
  jobPhaseText,
  leastCollected,
  liveWords,
  percentFloor,
  percentLabel,
  plural,
  statusWords,
} from './present.js';

function recognition(probabilities: number[], threshold: number): Recognition {
  const order = probabilities.map((p, d) => [p, d]).sort((x, y) => y[0] - x[0]);
  return {
    empty: false,
    digit: order[0][1],
    confidence: order[0][0],
    probabilities,
    accepted: order[0][0] >= threshold,
    verdict: order[0][0] >= threshold ? 'digit' : 'unsure',
    notDigit: null,
    top2: [order[0][1], order[1][1]],
    threshold,
    canonical: { width: 28, height: 28, data: new Float32Array(784) },
  };
}

test('when the two readers disagree the question names their answers', () => {
  const p = [0, 0, 0.3, 0.05, 0, 0, 0, 0.35, 0.3, 0];
  const r = {
    ...recognition(p, 0.9),
    readers: { image: { digit: 7, confidence: 0.6 }, online: { digit: 2, confidence: 0.7 } },
    agree: false,
  };
  const w = statusWords(r, 0.9);
  assert.equal(w.state, 'unsure');
  assert.match(w.text, /is it 7 or 2\?/);
  assert.match(w.detail, /The picture reads 7, the pen's path 2/);
  // Agreeing readers: the two likeliest digits as before (7, then 2 or 8).
  const agreed = statusWords({ ...r, agree: true }, 0.9);
  assert.match(agreed.text, /is it 7 or [28]\?/);
  assert.doesNotMatch(agreed.detail, /pen's path/);
});

test('a drawing the not-a-digit reader rejects is answered as no digit, not as unsure', () => {
  const p = [0.97, 0, 0, 0, 0.03, 0, 0, 0, 0, 0];
  const r = {
    ...recognition(p, 0.8),
    accepted: false,
    verdict: 'not-a-digit' as const,
    notDigit: 0.9,
  };
  const w = statusWords(r, 0.8);
  assert.equal(w.state, 'not-digit');
  assert.equal(w.text, "That doesn't look like a digit. Please draw one digit, 0 to 9.");
  assert.equal(w.digit, '', 'no digit is shown big');
  assert.doesNotMatch(w.text, /sure|0 —/);
});

test('a sure recognition begins with the digit and says how sure', () => {
  const p = [0, 0, 0, 0, 0, 0, 0, 0.985, 0.015, 0];
  const w = statusWords(recognition(p, 0.8), 0.8);
  assert.equal(w.state, 'sure');
  assert.equal(w.text, '7 — 98% sure');
  assert.equal(w.digit + w.rest, w.text);
});

test('an unsure recognition says Not sure and names the two likeliest digits, no answer', () => {
  const p = [0, 0, 0, 0.45, 0, 0.4, 0, 0, 0.15, 0];
  const w = statusWords(recognition(p, 0.8), 0.8);
  assert.equal(w.state, 'unsure');
  assert.equal(w.text, 'Not sure — is it 3 or 5? Please redraw.');
  assert.equal(w.digit, '');
  assert.equal(w.detail, 'Best guess only 45% likely; it needs 80% to answer.');
});

test('an empty canvas gets a prompt, not a prediction', () => {
  const r: Recognition = {
    empty: true,
    digit: -1,
    confidence: 0,
    probabilities: new Array(10).fill(0),
    accepted: false,
    top2: [0, 1],
    canonical: { width: 28, height: 28, data: new Float32Array(784) },
  };
  const w = statusWords(r, 0.8);
  assert.equal(w.state, 'empty');
  assert.doesNotMatch(w.text, /^[0-9]/);
  assert.doesNotMatch(w.text, /Not sure/);
});

test('percentages never overstate confidence', () => {
  assert.equal(percentFloor(0.999), 99);
  assert.equal(percentFloor(1), 100);
  assert.equal(percentFloor(0.29), 29);
  assert.equal(percentLabel(0.009), '<1%');
  assert.equal(percentLabel(0), '0%');
  assert.equal(percentLabel(0.376), '37%');
  assert.equal(percentLabel(0.9999), '99%');
});

test('the next digit to collect is the least collected, smallest on ties, honouring skips', () => {
  assert.equal(leastCollected([3, 1, 1, 2, 5, 5, 5, 5, 5, 5]), 1);
  assert.equal(leastCollected([3, 1, 1, 2, 5, 5, 5, 5, 5, 5], [1]), 2);
  assert.equal(leastCollected([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 0);
  assert.equal(plural(1, 'drawing'), '1 drawing');
  assert.equal(plural(0, 'drawing'), '0 drawings');
});

test('while drawing, the guess is muted: no confidence, no "sure", no verdict', () => {
  const p = [0.995, 0, 0, 0, 0, 0, 0, 0, 0.005, 0];
  const w = liveWords(recognition(p, 0.8));
  assert.equal(w.state, 'live');
  assert.equal(w.digit, '0');
  assert.doesNotMatch(w.text, /sure|%/);
  assert.doesNotMatch(w.detail, /sure|%/);
});

test('the question takes the article of its digit', () => {
  assert.equal(confirmQuestion(8), 'Is it an 8?');
  assert.equal(confirmQuestion(3), 'Is it a 3?');
});

function job(o: Partial<RetrainJob>): RetrainJob {
  return {
    id: 3,
    status: 'running',
    startedAt: '2026-12-03T17:00:00Z',
    finishedAt: null,
    phase: 'cross-validation',
    label: 'cross-validation',
    done: 2,
    total: 6,
    etaSeconds: 40,
    elapsedSeconds: 65,
    log: [],
    error: null,
    result: null,
    ...o,
  };
}

test('a running job’s clock moves on between events; the ETA stops at 0', () => {
  assert.equal(duration(65.4), '1m05s');
  assert.equal(duration(-3), '0s');
  assert.equal(
    jobPhaseText(job({})),
    'Job 3: cross-validation 2/6 · about 40s left · 1m05s so far',
  );
  assert.equal(
    jobPhaseText(job({}), 12),
    'Job 3: cross-validation 2/6 · about 28s left · 1m17s so far',
  );
  assert.equal(
    jobPhaseText(job({}), 50),
    'Job 3: cross-validation 2/6 · about 0s left · 1m55s so far',
  );
  assert.equal(
    jobPhaseText(job({ label: null, etaSeconds: null, elapsedSeconds: 1 }), 2),
    'Job 3: starting… · 3s so far',
  );
});

test('a cancelled job reads as cancelled, a failed one as failed', () => {
  const ended = { finishedAt: '2026-12-03T17:02:00Z', etaSeconds: null, elapsedSeconds: 30 };
  assert.equal(
    jobPhaseText(
      job({
        ...ended,
        status: 'cancelled',
        error: 'cancelled by an admin: the worker was terminated',
      }),
      99,
    ),
    'Job 3 cancelled after 30s; nothing was stored.',
  );
  assert.equal(
    jobPhaseText(job({ ...ended, status: 'failed', error: 'the training worker stopped' })),
    'Job 3 failed: the training worker stopped',
  );
  const result = {
    version: 4,
    modelId: 'abc',
    status: 'candidate' as const,
    promoted: false,
    reason: 'no held-out app drawings',
    comparedWith: 1,
    heldOut: null,
    seconds: 30,
  };
  assert.equal(
    jobPhaseText(job({ ...ended, status: 'succeeded', result })),
    'Job 3 done in 30s: version 4 was not promoted.',
  );
});

test("Collect's question: not a digit, or confidently another digit; none when unsure or the same", () => {
  assert.equal(
    collectDoubt({ verdict: 'not-a-digit', digit: 4 }, 8),
    "That doesn't look like a digit to me. Save it as an 8 anyway?",
  );
  assert.equal(
    collectDoubt({ verdict: 'digit', digit: 7 }, 1),
    'That looks like a 7 to me, not a 1. Save it as a 1 anyway?',
  );
  assert.equal(collectDoubt({ verdict: 'digit', digit: 1 }, 1), null);
  assert.equal(collectDoubt({ verdict: 'unsure', digit: 7 }, 1), null);
  assert.equal(collectDoubt({ verdict: 'empty', digit: 0 }, 1), null);
});

test('the handwriting line is empty without examples, and says whether it adapted', () => {
  assert.equal(handwritingWords({ examples: 0, used: false }), '');
  assert.equal(
    handwritingWords({ examples: 1, used: true }),
    'Adapted to your handwriting: 1 example.',
  );
  assert.equal(
    handwritingWords({ examples: 12, used: true }),
    'Adapted to your handwriting: 12 examples.',
  );
  assert.match(
    handwritingWords({ examples: 3, used: false }),
    /^Learning your handwriting: 3 examples; the standard model/,
  );
});
