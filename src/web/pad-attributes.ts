/**
 * `<digit-pad>`'s attributes read into settings: pure, tested in Node. A bad value is left out
 * (its default applies) and named in a problem that says which attribute, what it must be and
 * what it was, for the element to report.
 */
import { LIMITS } from '../contracts/limits.js';
import type { NumberHints } from '../core/number.js';

/** Milliseconds after a pen-up before the verdict (a 4 or a 7 in two strokes is not judged between them). */
export const DEFAULT_PAUSE_MS = 400;

/** What the pad reads: one digit, or a whole number written digit by digit. */
export const PAD_MODES = ['digit', 'number'] as const;
export type PadMode = (typeof PAD_MODES)[number];

/** The attributes that steer reading (beside `model` and `label`). */
export const SETTING_ATTRIBUTES = ['mode', 'pause', 'length', 'min', 'max', 'digits-only'] as const;

/** A bad attribute value: the attribute and a message naming what was expected. */
export interface AttributeProblem {
  attribute: (typeof SETTING_ATTRIBUTES)[number];
  message: string;
}

/** What the attributes say, bad values left out. */
export interface PadSettings {
  mode: PadMode;
  pause: number;
  /** The number mode's hints (read in either mode, used in number mode). */
  hints: NumberHints;
  problems: AttributeProblem[];
}

function problem(attribute: AttributeProblem['attribute'], expected: string, got: string) {
  return {
    attribute,
    message: `<digit-pad>: the ${attribute} attribute must be ${expected}, got ${JSON.stringify(got)}`,
  };
}

/** Reads the settings from `get(name)` (an element's `getAttribute`). */
export function readPadAttributes(get: (name: string) => string | null): PadSettings {
  const problems: AttributeProblem[] = [];
  const hints: NumberHints = {};

  const modeText = get('mode');
  const mode = PAD_MODES.find((m) => m === modeText?.trim().toLowerCase());
  if (modeText !== null && !mode)
    problems.push(problem('mode', PAD_MODES.map((m) => `"${m}"`).join(' or '), modeText));

  let pause = DEFAULT_PAUSE_MS;
  const pauseText = get('pause');
  if (pauseText !== null) {
    const v = pauseText.trim() === '' ? Number.NaN : Number(pauseText);
    if (Number.isFinite(v) && v >= 0) pause = v;
    else problems.push(problem('pause', 'a number of milliseconds, 0 or more', pauseText));
  }

  const integer = (attribute: 'length' | 'min' | 'max', lo: number, hi: number) => {
    const text = get(attribute);
    if (text === null) return undefined;
    const v = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isSafeInteger(v) && v >= lo && v <= hi) return v;
    problems.push(problem(attribute, `a whole number from ${lo} to ${hi}`, text));
    return undefined;
  };
  const length = integer('length', 1, LIMITS.numberDigits);
  const min = integer('min', 0, Number.MAX_SAFE_INTEGER);
  const max = integer('max', 0, Number.MAX_SAFE_INTEGER);
  if (length !== undefined) hints.length = length;
  if (min !== undefined && max !== undefined && min > max)
    problems.push(problem('max', `at least min (${min})`, String(max)));
  else {
    if (min !== undefined) hints.min = min;
    if (max !== undefined) hints.max = max;
  }

  const only = get('digits-only');
  if (only !== null) {
    const v = only.trim().toLowerCase();
    if (v === '' || v === 'true') hints.digitsOnly = true;
    else if (v === 'false') hints.digitsOnly = false;
    else problems.push(problem('digits-only', '"true" (or empty) or "false"', only));
  }

  return { mode: mode ?? 'digit', pause, hints, problems };
}
