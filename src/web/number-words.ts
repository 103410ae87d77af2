/**
 * How a number reading is put into words and choices: pure functions shared by the Draw page's
 * number mode and tested in Node. The status begins with the number when every digit is sure
 * ("2026 — 97% sure") and contains "Not sure" naming the digit to fix when one is not.
 */
import type { NumberDigit, NumberReading } from '../core/number.js';
import { formatConfidence } from '../core/percent.js';

/** A digit as shown: the reading's, or the one the person picked, and whether it is still unsure. */
export interface ShownDigit {
  digit: number;
  confidence: number;
  unsure: boolean;
  /** Picked by the person. */
  picked: boolean;
  /** The digits offered for an unsure one, most probable first (at most 3). */
  choices: number[];
}

/** What the number area says. */
export interface NumberWords {
  state: 'empty' | 'live' | 'sure' | 'unsure';
  /** The number as shown (with the picks applied). */
  number: string;
  text: string;
  detail: string;
  digits: ShownDigit[];
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];

/** "the 3rd digit" in words: first … eighth, then "digit 9". */
export function digitName(index: number): string {
  return index < ORDINALS.length ? `the ${ORDINALS[index]} digit` : `digit ${index + 1}`;
}

function choicesOf(d: NumberDigit): number[] {
  return d.recognition.probabilities
    .map((p, digit) => ({ p, digit }))
    .sort((a, b) => b.p - a.p || a.digit - b.digit)
    .slice(0, 3)
    .map((c) => c.digit);
}

/**
 * Words for a reading, with `picks` (digit index → the digit the person chose) applied: a picked
 * digit is sure. `final` false: a muted guess while a stroke is in progress.
 */
export function numberWords(
  r: NumberReading,
  picks: ReadonlyMap<number, number> = new Map(),
  final = true,
): NumberWords {
  if (r.empty)
    return {
      state: 'empty',
      number: '',
      text: 'Write a number to start',
      detail: 'Write the digits side by side, one after another.',
      digits: [],
    };
  const digits: ShownDigit[] = r.digits.map((d, i) => {
    const pick = picks.get(i);
    return pick !== undefined
      ? { digit: pick, confidence: 1, unsure: false, picked: true, choices: choicesOf(d) }
      : {
          digit: d.digit,
          confidence: d.confidence,
          unsure: d.unsure,
          picked: false,
          choices: choicesOf(d),
        };
  });
  const number = digits.map((d) => d.digit).join('');
  if (!final)
    return { state: 'live', number, text: `${number || '…'}`, detail: 'Reading…', digits };
  if (r.number === '' && r.problem)
    return { state: 'unsure', number: '', text: `Not sure — ${r.problem}.`, detail: '', digits };
  const unsure = digits.map((d, i) => (d.unsure ? i : -1)).filter((i) => i >= 0);
  if (unsure.length === 0) {
    const anyPicked = digits.some((d) => d.picked);
    const confidence = anyPicked ? undefined : r.confidence;
    // Runners-up worth naming: at least 1%.
    const runnersUp = r.alternatives.slice(1, 3).filter((a) => a.probability >= 0.01);
    return {
      state: 'sure',
      number,
      text: `${number}${confidence !== undefined ? ` — ${formatConfidence(confidence)} sure` : ' — fixed by you'}`,
      detail:
        runnersUp.length > 0 && !anyPicked
          ? `Or perhaps ${runnersUp
              .map((a) => `${a.number} (${formatConfidence(a.probability)})`)
              .join(', ')}.`
          : '',
      digits,
    };
  }
  const names = unsure.map(
    (i) => `${digitName(i)} (${digits[i].choices.slice(0, 2).join(' or ')}?)`,
  );
  return {
    state: 'unsure',
    number,
    text: `Not sure of ${names.join(' and ')} — redraw it or pick it. Reading so far: ${number}`,
    detail: 'Only the marked digit needs fixing.',
    digits,
  };
}
