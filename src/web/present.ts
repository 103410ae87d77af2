/**
 * How recognitions and counts are put into words: pure functions shared by the pages and tested in
 * Node. The status text is the page's contract with people and tests: it begins with the digit
 * when the model is sure ("7 — 98% sure") and contains "Not sure" when it is not.
 */
import type { Recognition, RetrainJob } from '../core/contracts.js';
import { aDigit, formatConfidence, percentFloor, percentLabel } from '../core/percent.js';

export { aDigit, formatConfidence, percentFloor, percentLabel };

/** What the result area says: the live-region text and a line of detail. */
export interface StatusWords {
  state: 'empty' | 'live' | 'sure' | 'unsure' | 'not-digit';
  /** The digit to show big (sure, and muted while drawing). */
  digit: string;
  /** The rest of the status after the digit, or the whole status when there is no digit. */
  rest: string;
  /** The complete live-region text. */
  text: string;
  detail: string;
}

/** Words for a recognition, given the model's threshold. */
export function statusWords(r: Recognition, threshold: number): StatusWords {
  if (r.empty) {
    const text = 'Draw a digit to start';
    return {
      state: 'empty',
      digit: '',
      rest: text,
      text,
      detail: 'Use a mouse, a finger or a pen.',
    };
  }
  const pct = formatConfidence(r.confidence);
  if (r.accepted) {
    const rest = ` — ${pct} sure`;
    return {
      state: 'sure',
      digit: String(r.digit),
      rest,
      text: `${r.digit}${rest}`,
      detail: 'Confirm it below, or pick the digit you meant.',
    };
  }
  if (r.verdict === 'not-a-digit') {
    const text = "That doesn't look like a digit. Please draw one digit, 0 to 9.";
    return {
      state: 'not-digit',
      digit: '',
      rest: text,
      text,
      detail: 'Shapes, letters, dots and scribbles are not read as digits.',
    };
  }
  // When the two readers disagree, the question names their two answers ("7 or 2?").
  const online = r.readers?.online;
  const split = r.agree === false && online && r.readers ? r.readers.image.digit : undefined;
  const [a, b] = split !== undefined && online ? [split, online.digit] : r.top2;
  const text = `Not sure — is it ${a} or ${b}? Please redraw.`;
  return {
    state: 'unsure',
    digit: '',
    rest: text,
    text,
    detail:
      split !== undefined
        ? `The picture reads ${a}, the pen's path ${b}; best guess only ${pct} likely, it needs ${formatConfidence(threshold)} to answer.`
        : `Best guess only ${pct} likely; it needs ${formatConfidence(threshold)} to answer.`,
  };
}

/**
 * Words while a drawing is in progress (a stroke, or the pause after one in which another may
 * begin): the likeliest digit, muted, with no confidence and no verdict.
 */
export function liveWords(r: Recognition): StatusWords {
  if (r.empty) return statusWords(r, 1);
  const rest = ' …';
  return {
    state: 'live',
    digit: String(r.digit),
    rest,
    text: `${r.digit}${rest}`,
    detail: 'Keep drawing, or pause for the answer.',
  };
}

/** The Draw page's question for a sure answer: "Is it a 7?", "Is it an 8?". */
export function confirmQuestion(digit: number): string {
  return `Is it ${aDigit(digit)}?`;
}

/**
 * The digit to ask for next: the one with the fewest samples, the smallest on ties, skipping
 * `skip` (e.g. the digit just skipped) unless every digit is skipped.
 */
export function leastCollected(byLabel: readonly number[], skip: readonly number[] = []): number {
  let best = -1;
  for (let d = 0; d < byLabel.length; d++) {
    if (skip.includes(d)) continue;
    if (best < 0 || byLabel[d] < byLabel[best]) best = d;
  }
  return best < 0 ? leastCollected(byLabel) : best;
}

/** "1 drawing", "12 drawings". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Seconds as `1m05s` or `42s` (never negative). */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * The Models panel's line about a retraining job. A running job's elapsed time and ETA are moved
 * on by `sinceSeconds`, the time since the server sent this state, so they keep moving between
 * progress events.
 */
export function jobPhaseText(job: RetrainJob, sinceSeconds = 0): string {
  if (job.status === 'running') {
    const elapsed = job.elapsedSeconds + sinceSeconds;
    const eta =
      job.etaSeconds === null ? '' : ` · about ${duration(job.etaSeconds - sinceSeconds)} left`;
    return job.label
      ? `Job ${job.id}: ${job.label} ${job.done}/${job.total}${eta} · ${duration(elapsed)} so far`
      : `Job ${job.id}: starting… · ${duration(elapsed)} so far`;
  }
  if (job.status === 'succeeded' && job.result)
    return `Job ${job.id} done in ${duration(job.elapsedSeconds)}: version ${job.result.version} ${job.result.promoted ? 'is serving' : 'was not promoted'}.`;
  if (job.status === 'cancelled')
    return `Job ${job.id} cancelled after ${duration(job.elapsedSeconds)}; nothing was stored.`;
  return `Job ${job.id} failed: ${job.error ?? 'unknown error'}`;
}

/**
 * Collect's question before saving a drawing as `label`: the server's model reads it as not a
 * digit, or confidently (accepted) as another digit. Null when it reads `label`, or is unsure.
 */
export function collectDoubt(
  reading: { verdict: 'digit' | 'unsure' | 'not-a-digit' | 'empty'; digit: number },
  label: number,
): string | null {
  if (reading.verdict === 'not-a-digit')
    return `That doesn't look like a digit to me. Save it as ${aDigit(label)} anyway?`;
  if (reading.verdict === 'digit' && reading.digit !== label)
    return `That looks like ${aDigit(reading.digit)} to me, not ${aDigit(label)}. Save it as ${aDigit(label)} anyway?`;
  return null;
}

/**
 * The Draw page's quiet line about the person's handwriting: empty with no examples; "Adapted to
 * your handwriting: 12 examples" while the personal model is in use; otherwise that it is still
 * learning (the served model has read the examples better so far).
 */
export function handwritingWords(status: { examples: number; used: boolean }): string {
  if (status.examples === 0) return '';
  const n = plural(status.examples, 'example');
  return status.used
    ? `Adapted to your handwriting: ${n}.`
    : `Learning your handwriting: ${n}; the standard model still reads you better.`;
}
