/**
 * Reading a number: the strokes of several digits written side by side are grouped into digits
 * and each digit read by the recognizer. Every candidate digit (a run of 1–3 consecutive strokes
 * in reading order, `segment.ts`) is read once; a grouping of the strokes scores
 *
 *   Σ over its digits  log(1 − P(not a digit)) + log(confidence)       — the readers
 * + Σ over its digits  log P(one digit | shape) − a width penalty      — the group's shape
 * + Σ over its joins   log P(new digit) or log(1 − P(new digit))       — the geometry
 *
 * and the probabilities of groupings are their scores' softmax over every grouping (a forward
 * pass sums them all; with an expected length, only groupings of that many digits count). The
 * best groupings (a beam per stroke position) each give their digit strings, whose probability is
 * P(grouping) × Π P(digit); strings from different groupings add. The allowed range removes
 * numbers outside it. A digit is unsure when the recognizer does not accept it at the model's
 * threshold, or its strokes are not surely one digit; only those are marked. The whole number is
 * held to the same threshold: when its probability falls below it though every digit passes, the
 * least sure digit is marked.
 */
import type { Recognition, Recognizer } from './contracts.js';
import {
  type Box,
  candidateCount,
  groupDrawing,
  groupShapeLogProb,
  type Layout,
  layoutStrokes,
  SEGMENT_DEFAULTS,
  type SegmentOptions,
  unionBox,
} from './segment.js';
import type { Drawing } from './types.js';

/** What a form knows about the number it expects. Every field is optional. */
export interface NumberHints {
  /** Exactly this many digits. */
  length?: number;
  /** The smallest number allowed (compared as an integer). */
  min?: number;
  /** The largest number allowed. */
  max?: number;
  /**
   * Only digits (default true). When false, a group the not-a-digit reader refuses (a dash, a
   * dot, a stray mark) may be left out of the number instead of being read as a digit.
   */
  digitsOnly?: boolean;
}

/** How the search runs. Every field is optional; defaults apply with `??`. */
export interface NumberOptions extends SegmentOptions {
  /** Groupings kept per stroke position, and whole numbers reported. Default 8 and 5. */
  beam?: number;
  alternatives?: number;
  /**
   * A digit whose strokes are one digit with a probability below this is unsure. Default 0.99
   * (see `NUMBER_THRESHOLD` for how it was chosen).
   */
  groupThreshold?: number;
  /**
   * The whole number's probability must reach this to be accepted (else its least sure digit is
   * marked). Default `NUMBER_THRESHOLD`; never below the model's own threshold.
   */
  numberThreshold?: number;
  /** Most strokes and candidate groups the search takes on (checked before any is read). */
  maxStrokes?: number;
  maxCandidates?: number;
}

/** The defaults of `NumberOptions` beyond the segmentation's. */
export const NUMBER_DEFAULTS = Object.freeze({
  beam: 8,
  alternatives: 5,
  groupThreshold: 0.99,
  maxStrokes: 60,
  maxCandidates: 180,
});

/**
 * The probability a whole number needs to be accepted, beyond every digit passing the model's
 * threshold. A digit just over the model's threshold (0.77 for the default model) is wrong about
 * one time in five, and a number has several.
 *
 * Chosen with the group threshold (`NUMBER_DEFAULTS.groupThreshold`, 0.99) on the development
 * writers only (numbers composed with seeds 1, 2 and 3: 5,975 numbers of 20 writers, default
 * model fcc87a8892e5). The rule holds writer by writer: of the pairs (group threshold 0.975–0.995,
 * number threshold 0.95, 0.97, 0.98, 0.99, 0.995), the one that accepts the most numbers while
 * every development writer's accepted numbers are at least 99% right. It gives 0.99 and 0.98:
 * 66.8% accepted, 99.87% right on them, the worst writer 99.08%. The earlier pair (0.975, 0.95),
 * chosen so that random 10-writer groups of the development writers stay at 99.5%, accepted
 * 77.1% with 99.76% right, but its worst writer was at 98.2% and the confirmation writers at
 * 98.4–98.8%. The group threshold is the cheaper lever: digits merged or split wrongly mostly have
 * a group probability of 0.92–0.97 while 95% of right numbers have every group above 0.989.
 */
export const NUMBER_THRESHOLD = 0.98;

/** One digit of the answer. */
export interface NumberDigit {
  digit: number;
  /** P(this digit's strokes are one digit) × P(digit | those strokes). */
  confidence: number;
  /** The recognizer's answer for these strokes alone. */
  recognition: Omit<Recognition, 'canonical'>;
  /** P(these strokes are exactly one digit), over every grouping. */
  groupProbability: number;
  /** The strokes (indices into the drawing's strokes, drawing order). */
  strokes: number[];
  /** Where the digit lies on the canvas. */
  box: Box;
  /** Marked: redraw it or pick it. */
  unsure: boolean;
}

/** One whole-number reading and its probability. */
export interface NumberAlternative {
  number: string;
  probability: number;
}

/** What reading a number returns. */
export interface NumberReading {
  /** No ink. */
  empty: boolean;
  /** The most probable number that fits the hints ("" when empty or none fits). */
  number: string;
  /** Its probability (0 when empty). */
  confidence: number;
  digits: NumberDigit[];
  /** Every digit sure and the number within the hints. */
  accepted: boolean;
  /** The most probable whole numbers, most probable first (`number` first). */
  alternatives: NumberAlternative[];
  /** The probability of the grouping the digits come from. */
  segmentationProbability: number;
  /** Strokes left out as marks that are no digit (digitsOnly: false only). */
  skipped: number[];
  /** Candidate groups read. */
  candidates: number;
  /** Why no number fits the hints, when none does. */
  problem?: string;
}

/** A group read: its stroke positions, the recognizer's answer and its score. */
interface Read {
  start: number;
  end: number;
  r: Recognition;
  /** The box of its strokes. */
  box: Box;
  /** log(1 − P(not a digit)) + log(confidence), less the width penalty, plus the shape cue. */
  score: number;
  /** The group may be skipped as a mark (digitsOnly false): its score as a mark. */
  markScore: number;
}

/** A partial grouping in the beam. */
interface Path {
  score: number;
  /** Group reads, or null for a skipped mark, with their end positions. */
  groups: (Read | { mark: true; start: number; end: number })[];
  digits: number;
}

const LOG_FLOOR = -30;
const log = (p: number) => (p > 0 ? Math.max(LOG_FLOOR, Math.log(p)) : LOG_FLOOR);

function logSumExp(values: number[]): number {
  if (values.length === 0) return -Infinity;
  const m = Math.max(...values);
  if (m === -Infinity) return m;
  let s = 0;
  for (const v of values) s += Math.exp(v - m);
  return m + Math.log(s);
}

function checkHints(h: NumberHints): void {
  const int = (name: string, v: unknown, lo: number, hi: number) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      throw new RangeError(`hints.${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  int('length', h.length, 1, NUMBER_LIMITS.digits);
  int('min', h.min, 0, Number.MAX_SAFE_INTEGER);
  int('max', h.max, 0, Number.MAX_SAFE_INTEGER);
  if (h.min !== undefined && h.max !== undefined && h.min > h.max)
    throw new RangeError(`hints.min must be ≤ hints.max, got ${h.min} > ${h.max}`);
  if (h.digitsOnly !== undefined && typeof h.digitsOnly !== 'boolean')
    throw new TypeError(`hints.digitsOnly must be true or false, got ${typeof h.digitsOnly}`);
}

/** The longest number (digits) the hints may ask for. */
export const NUMBER_LIMITS = Object.freeze({ digits: 20 });

/** Whether the digit string `s` fits the hints' length and range (`digitsOnly` aside). */
export function fitsHints(s: string, h: NumberHints): boolean {
  if (h.length !== undefined && s.length !== h.length) return false;
  if (h.min === undefined && h.max === undefined) return true;
  const v = Number(s);
  return (h.min === undefined || v >= h.min) && (h.max === undefined || v <= h.max);
}

/** The top `m` digit strings of independent digit distributions, by probability (a beam). */
function topStrings(dists: number[][], m: number): { s: string; logp: number }[] {
  let beam = [{ s: '', logp: 0 }];
  for (const p of dists) {
    const next: { s: string; logp: number }[] = [];
    for (const b of beam)
      for (let d = 0; d < 10; d++)
        if (p[d] > 0) next.push({ s: b.s + d, logp: b.logp + log(p[d]) });
    next.sort((a, b) => b.logp - a.logp || (a.s < b.s ? -1 : 1));
    beam = next.slice(0, m);
  }
  return beam;
}

function strip(r: Recognition): Omit<Recognition, 'canonical'> {
  const { canonical: _c, ...rest } = r;
  return rest;
}

/**
 * Reads the number written in `drawing` with `recognizer`: groups its strokes into digits, reads
 * each, and answers the number, its probability, each digit with its confidence (unsure ones
 * marked) and the most probable alternatives. Throws a RangeError naming the limit when the
 * drawing has more strokes or candidate groups than `options` allow, before reading any.
 */
export function recognizeNumber(
  recognizer: Recognizer,
  drawing: Drawing,
  hints: NumberHints = {},
  options: NumberOptions = {},
): NumberReading {
  checkHints(hints);
  const maxPer = options.maxStrokesPerDigit ?? SEGMENT_DEFAULTS.maxStrokesPerDigit;
  const beamWidth = options.beam ?? NUMBER_DEFAULTS.beam;
  const nAlt = options.alternatives ?? NUMBER_DEFAULTS.alternatives;
  const groupThreshold = options.groupThreshold ?? NUMBER_DEFAULTS.groupThreshold;
  const maxStrokes = options.maxStrokes ?? NUMBER_DEFAULTS.maxStrokes;
  const maxCandidates = options.maxCandidates ?? NUMBER_DEFAULTS.maxCandidates;
  const digitsOnly = hints.digitsOnly ?? true;
  const layout = layoutStrokes(drawing, options);
  const n = layout.order.length;
  if (n > maxStrokes)
    throw new RangeError(
      `drawing has ${n} strokes with ink, a number may have at most ${maxStrokes}`,
    );
  const nCandidates = candidateCount(n, maxPer);
  if (nCandidates > maxCandidates)
    throw new RangeError(
      `drawing gives ${nCandidates} candidate digits, at most ${maxCandidates} are read (fewer strokes, or fewer per digit)`,
    );
  const empty: NumberReading = {
    empty: true,
    number: '',
    confidence: 0,
    digits: [],
    accepted: false,
    alternatives: [],
    segmentationProbability: 0,
    skipped: [],
    candidates: 0,
  };
  if (n === 0) return empty;

  const side = recognizer.model.canvas.size;
  const brush = recognizer.model.canvas.brushWidth;
  const maxWidth = options.maxDigitWidth ?? SEGMENT_DEFAULTS.maxDigitWidth;
  const widthSlope = options.widthSlope ?? SEGMENT_DEFAULTS.widthSlope;
  const tooWide = (b: Box) =>
    widthSlope * Math.max(0, (b.maxX - b.minX) / layout.lineHeight - maxWidth);
  const shapeWeight = options.shapeWeight ?? SEGMENT_DEFAULTS.shapeWeight;
  const shapeCue = (b: Box, strokes: number) =>
    shapeWeight === 0
      ? 0
      : shapeWeight * Math.max(LOG_FLOOR, groupShapeLogProb(b, strokes, layout.lineHeight));
  const reads: Read[][] = Array.from({ length: n }, () => []);
  for (let start = 0; start < n; start++) {
    for (let end = start + 1; end <= Math.min(n, start + maxPer); end++) {
      const indices = layout.order.slice(start, end).sort((a, b) => a - b);
      const g = groupDrawing(drawing, indices, layout, side);
      g.brushWidth = Math.min(1.4 * brush, Math.max(0.6 * brush, g.brushWidth));
      const r = recognizer.recognizeDrawing(g);
      const notDigit = r.notDigit ?? 0;
      const box = unionBox(indices.map((i) => layout.boxes[i]));
      reads[start].push({
        start,
        end,
        r,
        box,
        score: log(1 - notDigit) + log(r.confidence) - tooWide(box) + shapeCue(box, indices.length),
        markScore: digitsOnly ? -Infinity : log(notDigit),
      });
    }
  }
  // The geometry of the joins: within a group every join continues a digit, at its start one begins.
  const cont = layout.newDigit.map((p) => log(1 - p));
  const begin = layout.newDigit.map((p, i) => (i === 0 ? 0 : log(p)));
  const inner = (start: number, end: number) => {
    let s = 0;
    for (let i = start + 1; i < end; i++) s += cont[i];
    return s;
  };
  const L = hints.length;
  // Forward pass: logZ[pos][count] over all groupings of the first pos strokes into count digits.
  const maxDigits = L ?? n;
  const fwd: number[][] = Array.from({ length: n + 1 }, () =>
    new Array(maxDigits + 1).fill(-Infinity),
  );
  fwd[0][0] = 0;
  for (let pos = 0; pos < n; pos++) {
    for (let c = 0; c <= maxDigits; c++) {
      if (fwd[pos][c] === -Infinity) continue;
      for (const rd of reads[pos]) {
        const base = fwd[pos][c] + begin[pos] + inner(rd.start, rd.end);
        if (c + 1 <= maxDigits)
          fwd[rd.end][c + 1] = logSumExp([fwd[rd.end][c + 1], base + rd.score]);
        if (rd.markScore > -Infinity)
          fwd[rd.end][c] = logSumExp([fwd[rd.end][c], base + rd.markScore]);
      }
    }
  }
  const logZ = L !== undefined ? fwd[n][L] : logSumExp(fwd[n].slice(1));
  // Beam search for the best groupings (per position and digit count).
  const beams: Path[][][] = Array.from({ length: n + 1 }, () =>
    Array.from({ length: maxDigits + 1 }, () => []),
  );
  beams[0][0].push({ score: 0, groups: [], digits: 0 });
  for (let pos = 0; pos < n; pos++) {
    for (let c = 0; c <= maxDigits; c++) {
      const here = beams[pos][c];
      here.sort((a, b) => b.score - a.score);
      here.length = Math.min(here.length, beamWidth);
      for (const path of here) {
        for (const rd of reads[pos]) {
          const base = path.score + begin[pos] + inner(rd.start, rd.end);
          if (c + 1 <= maxDigits)
            beams[rd.end][c + 1].push({
              score: base + rd.score,
              groups: [...path.groups, rd],
              digits: c + 1,
            });
          if (rd.markScore > -Infinity)
            beams[rd.end][c].push({
              score: base + rd.markScore,
              groups: [...path.groups, { mark: true, start: rd.start, end: rd.end }],
              digits: c,
            });
        }
      }
    }
  }
  const finals = (L !== undefined ? beams[n][L] : beams[n].slice(1).flat())
    .sort((a, b) => b.score - a.score)
    .slice(0, beamWidth);
  if (finals.length === 0 || logZ === -Infinity)
    return {
      ...empty,
      empty: false,
      problem: `the ${n} strokes cannot be read as ${L} digits`,
    };
  // Whole numbers: each grouping's digit strings, weighted by the grouping's probability.
  const mass = new Map<string, number>();
  let enumerated = 0;
  for (const path of finals) {
    const pSeg = Math.exp(path.score - logZ);
    const dists = path.groups.flatMap((g) => ('mark' in g ? [] : [g.r.probabilities]));
    for (const { s, logp } of topStrings(dists, 4 * nAlt)) {
      const p = pSeg * Math.exp(logp);
      mass.set(s, (mass.get(s) ?? 0) + p);
      enumerated += p;
    }
  }
  // Numbers the range or length rules out drop; the mass not enumerated is assumed allowed, so
  // the probabilities of those left are never overstated.
  let allowed = 0;
  const kept: NumberAlternative[] = [];
  for (const [s, p] of mass) {
    if (!fitsHints(s, hints)) continue;
    allowed += p;
    kept.push({ number: s, probability: p });
  }
  const rest = Math.max(0, 1 - enumerated);
  for (const k of kept) k.probability /= allowed + rest;
  kept.sort((a, b) => b.probability - a.probability || (a.number < b.number ? -1 : 1));
  const alternatives = kept.slice(0, nAlt);
  // The digits: of the best grouping that gives the best number (the best grouping if none fits).
  const bestNumber = alternatives[0]?.number;
  const bestPath = bestNumber === undefined ? finals[0] : pathOf(bestNumber, finals);
  const bwd = backward(reads, n, begin, inner, maxDigits, L);
  const digitReads = bestPath.groups.filter((g): g is Read => !('mark' in g));
  const digits: NumberDigit[] = digitReads.map((g, i) => {
    const digit = bestNumber !== undefined ? Number(bestNumber[i]) : g.r.digit;
    const groupProbability = groupMarginal(g, fwd, bwd, begin, inner, logZ, maxDigits);
    const strokes = layout.order.slice(g.start, g.end).sort((a, b) => a - b);
    return {
      digit,
      confidence: groupProbability * g.r.probabilities[digit],
      recognition: strip(g.r),
      groupProbability,
      strokes,
      box: g.box,
      unsure: !g.r.accepted || g.r.digit !== digit || groupProbability < groupThreshold,
    };
  });
  // The whole number is held to the model's threshold too: when every digit passes but their
  // product does not, the least sure digit is the one to fix.
  const confidence = alternatives[0]?.probability ?? 0;
  const threshold = Math.max(
    digitReads[0]?.r.threshold ?? 1,
    options.numberThreshold ?? NUMBER_THRESHOLD,
  );
  if (digits.length > 0 && digits.every((d) => !d.unsure) && confidence < threshold) {
    let least = digits[0];
    for (const d of digits) if (d.confidence < least.confidence) least = d;
    least.unsure = true;
  }
  const skipped = bestPath.groups.flatMap((g) =>
    'mark' in g ? layout.order.slice(g.start, g.end) : [],
  );
  const fits = bestNumber !== undefined;
  return {
    empty: false,
    number: bestNumber ?? '',
    confidence,
    digits,
    accepted: fits && digits.length > 0 && digits.every((d) => !d.unsure),
    alternatives,
    segmentationProbability: Math.exp(bestPath.score - logZ),
    skipped: skipped.sort((a, b) => a - b),
    candidates: nCandidates,
    ...(fits ? {} : { problem: 'no reading of the strokes fits the hints (length or range)' }),
  };
}

/** The grouping most probably behind `number`: max P(grouping) × Π P(digit), among `paths`. */
function pathOf(number: string, paths: Path[]): Path {
  let best = paths[0];
  let bestScore = -Infinity;
  for (const p of paths) {
    const reads = p.groups.filter((g): g is Read => !('mark' in g));
    if (reads.length !== number.length) continue;
    let s = p.score;
    reads.forEach((g, i) => {
      s += log(g.r.probabilities[Number(number[i])]);
    });
    if (s > bestScore) {
      bestScore = s;
      best = p;
    }
  }
  return best;
}

/** bwd[pos][c]: log of the summed scores of every way to finish from `pos` with `c` digits so far. */
function backward(
  reads: Read[][],
  n: number,
  begin: number[],
  inner: (s: number, e: number) => number,
  maxDigits: number,
  L: number | undefined,
): number[][] {
  const bwd: number[][] = Array.from({ length: n + 1 }, () =>
    new Array(maxDigits + 1).fill(-Infinity),
  );
  for (let c = 0; c <= maxDigits; c++)
    bwd[n][c] = L === undefined ? (c > 0 ? 0 : -Infinity) : c === L ? 0 : -Infinity;
  for (let pos = n - 1; pos >= 0; pos--) {
    for (let c = 0; c <= maxDigits; c++) {
      const terms: number[] = [];
      for (const rd of reads[pos]) {
        const base = begin[pos] + inner(rd.start, rd.end);
        if (c + 1 <= maxDigits) terms.push(base + rd.score + bwd[rd.end][c + 1]);
        if (rd.markScore > -Infinity) terms.push(base + rd.markScore + bwd[rd.end][c]);
      }
      bwd[pos][c] = logSumExp(terms);
    }
  }
  return bwd;
}

/** P(group `g` is one digit of the number), over every grouping (forward × backward). */
function groupMarginal(
  g: Read,
  fwd: number[][],
  bwd: number[][],
  begin: number[],
  inner: (s: number, e: number) => number,
  logZ: number,
  maxDigits: number,
): number {
  const terms: number[] = [];
  const local = begin[g.start] + inner(g.start, g.end) + g.score;
  for (let c = 0; c < maxDigits; c++)
    if (fwd[g.start][c] > -Infinity) terms.push(fwd[g.start][c] + local + bwd[g.end][c + 1]);
  return Math.min(1, Math.exp(logSumExp(terms) - logZ));
}

/** The grouping the reading chose, as stroke index lists per digit (for scoring segmentation). */
export function groupsOf(reading: NumberReading): number[][] {
  return reading.digits.map((d) => d.strokes);
}

export type { Layout };
