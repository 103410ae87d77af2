/**
 * How recognitions and counts are put into words: pure functions shared by the pages and tested in
 * Node. The status text is the page's contract with people and tests: it begins with the digit
 * when the model is sure ("7 — 98% sure") and contains "Not sure" when it is not.
 */
import type { Recognition } from '../core/contracts.js';

/** A probability as a whole percentage, rounded down so confidence is never overstated. */
export function percentFloor(p: number): number {
  return Math.max(0, Math.min(100, Math.floor(p * 100 + 1e-9)));
}

/**
 * A probability for a bar label, rounded down like the status so the two agree: "37%", "<1%" for
 * small non-zero values, "0%" for zero.
 */
export function percentLabel(p: number): string {
  if (p > 0 && p < 0.01) return '<1%';
  return `${percentFloor(p)}%`;
}

/** What the result area says: the live-region text and a line of detail. */
export interface StatusWords {
  state: 'empty' | 'sure' | 'unsure';
  /** The digit to show big (sure only). */
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
  const pct = percentFloor(r.confidence);
  if (r.accepted) {
    const rest = ` — ${pct}% sure`;
    return {
      state: 'sure',
      digit: String(r.digit),
      rest,
      text: `${r.digit}${rest}`,
      detail: 'Is it right? Confirm or correct it below.',
    };
  }
  const [a, b] = r.top2;
  const text = `Not sure — is it ${a} or ${b}? Please redraw.`;
  return {
    state: 'unsure',
    digit: '',
    rest: text,
    text,
    detail: `Best guess only ${pct}% likely; it needs ${percentFloor(threshold)}% to answer.`,
  };
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
