/**
 * Numbers for measuring how a model reads them: composed from a labelled drawing set by writer
 * (every digit of a number by the same writer), stored as numbers JSON Lines, and scored —
 * digit segmentation, whole-number accuracy, and at the model's threshold the accuracy on
 * accepted numbers and the share asked to fix a digit.
 *
 * Numbers JSON Lines is the strokes JSONL format (`strokes-jsonl.ts`) with `number` (its digits,
 * as a string) instead of `label`, and `groups` (for each digit, the indices of its strokes):
 *
 *     {"id":"…","number":"2026","writer":"train-12","groups":[[0],[1],[2,3],[4]],"stroke_width":9.5,…}
 */
import { readFileSync } from 'node:fs';
import type { ModelFile } from '../core/contracts.js';
import { type NumberHints, type NumberOptions, recognizeNumber } from '../core/number.js';
import { createRng } from '../core/random.js';
import { createRecognizer } from '../core/recognizer.js';
import { type ComposeOptions, composeNumber } from '../core/synth/numbers.js';
import type { Drawing, LabelledDrawing } from '../core/types.js';
import { checkSource, checkText, DataFormatError, previewValue } from './errors.js';
import { parseStrokesJsonl, toStrokesJsonlRecord } from './strokes-jsonl.js';
import { confirmationWriters, type WriterGroup, writerOf } from './writers.js';

/** A number drawing with the truth: its digits and which strokes are each digit. */
export interface NumberSample {
  id: string;
  number: string;
  writer?: string;
  drawing: Drawing;
  groups: number[][];
}

/** Options of `composeNumbers`. */
export interface ComposeNumbersOptions extends ComposeOptions {
  count: number;
  seed: number;
  /** Fewest and most digits, drawn uniformly. Default 2 and 6. */
  minDigits?: number;
  maxDigits?: number;
}

/**
 * `count` numbers from `drawings`, reproducibly from `seed`: a writer drawn uniformly among those
 * with a drawing of every digit, a length in [minDigits, maxDigits], digits uniformly, each digit
 * one of that writer's drawings of it.
 */
export function composeNumbers(
  drawings: readonly LabelledDrawing[],
  options: ComposeNumbersOptions,
): NumberSample[] {
  const minDigits = options.minDigits ?? 2;
  const maxDigits = options.maxDigits ?? 6;
  if (!Number.isInteger(minDigits) || minDigits < 1 || !(maxDigits >= minDigits))
    throw new RangeError(`digits: expected 1 ≤ min ≤ max, got ${minDigits} and ${maxDigits}`);
  const byWriter = new Map<string, LabelledDrawing[][]>();
  for (const d of drawings) {
    const w = writerOf(d);
    let digits = byWriter.get(w);
    if (!digits) {
      digits = Array.from({ length: 10 }, () => []);
      byWriter.set(w, digits);
    }
    digits[d.label].push(d);
  }
  const writers = [...byWriter.keys()]
    .filter((w) => (byWriter.get(w) as LabelledDrawing[][]).every((list) => list.length > 0))
    .sort();
  if (writers.length === 0)
    throw new RangeError(
      'no writer has a drawing of every digit: cannot compose numbers by writer',
    );
  const rng = createRng(options.seed);
  const out: NumberSample[] = [];
  for (let i = 0; i < options.count; i++) {
    const writer = writers[Math.floor(rng() * writers.length)];
    const pool = byWriter.get(writer) as LabelledDrawing[][];
    const length = minDigits + Math.floor(rng() * (maxDigits - minDigits + 1));
    const labels = Array.from({ length }, () => Math.floor(rng() * 10));
    const digits = labels.map((d) => pool[d][Math.floor(rng() * pool[d].length)].drawing);
    const c = composeNumber(digits, labels, rng, options);
    out.push({
      id: `number/${options.seed}/${i}`,
      number: c.number,
      writer,
      drawing: c.drawing,
      groups: c.groups,
    });
  }
  return out;
}

/** Numbers as JSON Lines (read back by `parseNumbersJsonl`). */
export function formatNumbersJsonl(numbers: readonly NumberSample[]): string {
  return numbers
    .map((n) => {
      const {
        label: _l,
        id,
        ...rest
      } = toStrokesJsonlRecord({
        id: n.id,
        label: 0,
        drawing: n.drawing,
        ...(n.writer !== undefined ? { group: n.writer } : {}),
      });
      return `${JSON.stringify({ id, number: n.number, groups: n.groups, ...rest })}\n`;
    })
    .join('');
}

/**
 * Parses numbers JSON Lines. Errors name the line: a `number` that is not a string of digits,
 * `groups` that are not one list of stroke indices per digit covering every stroke once.
 */
export function parseNumbersJsonl(text: string, source: string): NumberSample[] {
  checkText('text', text);
  checkSource(source);
  const truth: { number: string; groups: number[][]; line: number }[] = [];
  const lines = text.split('\n').map((line, i) => {
    if (line.trim() === '') return line;
    const where = { file: source, line: i + 1 };
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return line; // parseStrokesJsonl names the line and the JSON error
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return line;
    const o = obj as Record<string, unknown>;
    if (typeof o.number !== 'string' || !/^[0-9]+$/.test(o.number))
      throw new DataFormatError(
        where,
        `expected "number" to be a string of digits, got ${previewValue(o.number, 40)}`,
      );
    const groups = o.groups;
    if (
      !Array.isArray(groups) ||
      groups.length !== o.number.length ||
      !groups.every(
        (g) => Array.isArray(g) && g.length > 0 && g.every((s) => Number.isInteger(s) && s >= 0),
      )
    )
      throw new DataFormatError(
        where,
        `expected "groups" to be ${o.number.length} non-empty lists of stroke indices (one per digit), got ${previewValue(groups, 40)}`,
      );
    truth.push({ number: o.number, groups: groups as number[][], line: i + 1 });
    return JSON.stringify({ ...o, label: 0 });
  });
  return parseStrokesJsonl(lines.join('\n'), source).map((d, i) => {
    const { number, groups, line } = truth[i];
    const seen = groups.flat().sort((a, b) => a - b);
    if (seen.length !== d.drawing.strokes.length || seen.some((s, k) => s !== k))
      throw new DataFormatError(
        { file: source, line },
        `expected "groups" to hold each of the ${d.drawing.strokes.length} strokes exactly once, got ${previewValue(groups, 40)}`,
      );
    return {
      id: d.id,
      number,
      drawing: d.drawing,
      groups,
      ...(d.group !== undefined ? { writer: d.group } : {}),
    };
  });
}

/** Reads a numbers JSON Lines file; see `parseNumbersJsonl`. */
export function readNumbersJsonl(path: string): NumberSample[] {
  return parseNumbersJsonl(readFileSync(path, 'utf8'), path);
}

/** How a model reads a set of numbers. */
export interface NumberFigures {
  n: number;
  digits: number;
  /** Share of true digits whose strokes were grouped exactly (the digit-segmentation rate). */
  digitSegmentation: number;
  /** Share of numbers grouped exactly. */
  numberSegmentation: number;
  /** Share of numbers read right (every digit). */
  accuracy: number;
  /** Share of digits read right among numbers grouped exactly. */
  digitAccuracy: number;
  /** Share of numbers accepted (no digit marked) and the accuracy on them. */
  accepted: number;
  acceptedAccuracy: number;
  /** Share of numbers with at least one digit marked (asked to fix a digit), and with exactly one. */
  askedToFix: number;
  askedToFixOne: number;
  /** Share of numbers right once their marked digits are fixed: every unmarked digit right. */
  rightOnceFixed: number;
  /** Share of numbers whose truth is among the alternatives. */
  inAlternatives: number;
  /** Candidate digits read per number, on average. */
  meanCandidates: number;
}

/** Options of `evaluateNumbers`. */
export interface EvaluateNumbersOptions {
  /** Only the numbers of this writer group (by the fixed split of the numbers' writers). */
  writers?: WriterGroup;
  /** Give each number its true length as a hint. */
  lengthHint?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** The reader's options (thresholds, beam, segmentation cues). */
  reader?: NumberOptions;
}

/** Scores `model` on `numbers`; with `writers`, only that group's. */
export function evaluateNumbers(
  model: ModelFile,
  numbers: readonly NumberSample[],
  options: EvaluateNumbersOptions = {},
): NumberFigures & { writerGroup: WriterGroup } {
  const group = options.writers ?? 'all';
  let set = numbers;
  if (group !== 'all') {
    if (numbers.some((n) => n.writer === undefined))
      throw new RangeError('--writers needs numbers with a "writer": some have none');
    const confirmation = confirmationWriters(numbers.map((n) => n.writer as string));
    set = numbers.filter(
      (n) => confirmation.has(n.writer as string) === (group === 'confirmation'),
    );
  }
  const recognizer = createRecognizer(model);
  const f = {
    n: set.length,
    digits: 0,
    segDigits: 0,
    segNumbers: 0,
    right: 0,
    digitRight: 0,
    digitsInSeg: 0,
    accepted: 0,
    acceptedRight: 0,
    fix: 0,
    fixOne: 0,
    afterPick: 0,
    inAlt: 0,
    candidates: 0,
  };
  set.forEach((s, i) => {
    const hints: NumberHints = options.lengthHint ? { length: s.number.length } : {};
    const r = recognizeNumber(recognizer, s.drawing, hints, options.reader);
    f.digits += s.number.length;
    f.candidates += r.candidates;
    const truth = new Set(s.groups.map((g) => [...g].sort((a, b) => a - b).join(',')));
    const found = r.digits.map((d) => d.strokes.join(','));
    const hits = found.filter((g) => truth.has(g)).length;
    f.segDigits += hits;
    const exact = hits === s.groups.length && found.length === s.groups.length;
    if (exact) {
      f.segNumbers++;
      f.digitsInSeg += s.number.length;
      r.digits.forEach((d, k) => {
        if (d.digit === Number(s.number[k])) f.digitRight++;
      });
    }
    const right = r.number === s.number;
    if (right) f.right++;
    if (r.accepted) {
      f.accepted++;
      if (right) f.acceptedRight++;
    }
    const marked = r.digits.filter((d) => d.unsure);
    if (marked.length > 0) f.fix++;
    if (marked.length === 1) f.fixOne++;
    // Once the marked digits are fixed (redrawn or picked right), is the number right?
    if (
      r.digits.length === s.number.length &&
      r.digits.every((d, k) => d.unsure || d.digit === Number(s.number[k]))
    )
      f.afterPick++;
    if (r.alternatives.some((a) => a.number === s.number)) f.inAlt++;
    options.onProgress?.(i + 1, set.length);
  });
  const share = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  return {
    writerGroup: group,
    n: f.n,
    digits: f.digits,
    digitSegmentation: share(f.segDigits, f.digits),
    numberSegmentation: share(f.segNumbers, f.n),
    accuracy: share(f.right, f.n),
    digitAccuracy: share(f.digitRight, f.digitsInSeg),
    accepted: share(f.accepted, f.n),
    acceptedAccuracy: share(f.acceptedRight, f.accepted),
    askedToFix: share(f.fix, f.n),
    askedToFixOne: share(f.fixOne, f.n),
    rightOnceFixed: share(f.afterPick, f.n),
    inAlternatives: share(f.inAlt, f.n),
    meanCandidates: share(f.candidates, f.n),
  };
}
