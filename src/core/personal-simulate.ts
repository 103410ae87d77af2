/**
 * A simulated person at the Draw page: they draw their digits one after another in a seeded random
 * order; each drawing is read; a sure right answer is confirmed, a wrong or unsure one corrected
 * (so both become examples), a "not a digit" answer is saved only as such and never adapts; and
 * the page's model adapts (`Personaliser`) before the next drawing. The same drawings in the same
 * order are also read by the served model alone, for comparison.
 */
import type { ModelFile, Recognition, Recognizer } from './contracts.js';
import { drawingFeatures, Personaliser, type PersonalOptions } from './personal.js';
import { PrototypeMemory, type PrototypeOptions } from './personal-prototype.js';
import { createRng, shuffleInPlace } from './random.js';
import { createRecognizer } from './recognizer.js';
import type { LabelledDrawing } from './types.js';

/** Where in a session a drawing falls: its first 20 drawings, the next 30, the rest. */
export const SESSION_STAGES = [
  { name: '1-20', from: 1, to: 20 },
  { name: '21-50', from: 21, to: 50 },
  { name: '51+', from: 51, to: Number.POSITIVE_INFINITY },
] as const;

/** Counts over some drawings of a session. */
export interface SessionCounts {
  n: number;
  /** Read right (the most likely digit is the one drawn), whatever the verdict. */
  right: number;
  /** Answered "unsure" or "not a digit": the page asks for a redraw. */
  redraws: number;
  /** Answered as a digit, and wrongly. */
  wrongAccepted: number;
  /** Not a sure right answer: the person had to pick the digit. */
  corrections: number;
}

/** Figures from counts. */
export interface SessionFigures extends SessionCounts {
  accuracy: number;
  redrawRate: number;
  /** Right among the drawings answered as a digit. */
  acceptedAccuracy: number;
}

/** One way of reading a session (adapted, or the served model alone). */
export interface SessionResult {
  all: SessionFigures;
  /** By `SESSION_STAGES`, in order. */
  stages: SessionFigures[];
}

/** One writer's session. */
export interface WriterSession {
  writer: string;
  adapted: SessionResult;
  served: SessionResult;
  /** Examples the personal model held at the end, and whether it was in use. */
  examples: number;
  used: boolean;
}

/** Options of `simulateWriter`. */
export interface SimulateOptions extends PersonalOptions {
  /** Seed of the drawing order. Default 0. */
  seed?: number;
  /**
   * Which adaptation: `penalty` the personal model of `Personaliser` (what the page uses), or
   * `prototype` the nearest-example memory of `PrototypeMemory`, measured for comparison.
   * Default penalty.
   */
  method?: 'penalty' | 'prototype';
  /** Options of the prototype memory. */
  prototype?: PrototypeOptions;
}

/** A recognition read through the prototype memory: its blended probabilities' verdict. */
function throughMemory(
  r: Recognition,
  memory: PrototypeMemory,
  features: { image: Float32Array; trajectory: Float32Array } | null,
): Recognition {
  if (r.empty || r.verdict === 'not-a-digit' || !features || memory.size === 0) return r;
  const p = memory.blend(r.probabilities, features.image, features.trajectory);
  let digit = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[digit]) digit = c;
  const accepted = p[digit] >= r.threshold;
  return {
    ...r,
    digit,
    confidence: p[digit],
    probabilities: p,
    accepted,
    verdict: accepted ? 'digit' : 'unsure',
  };
}

function emptyCounts(): SessionCounts {
  return { n: 0, right: 0, redraws: 0, wrongAccepted: 0, corrections: 0 };
}

function tally(c: SessionCounts, r: Recognition, label: number): void {
  c.n++;
  const right = r.digit === label;
  if (right) c.right++;
  if (r.verdict !== 'digit') c.redraws++;
  else if (!right) c.wrongAccepted++;
  if (!(r.verdict === 'digit' && right)) c.corrections++;
}

/** Adds `b` into `a`. */
export function addCounts(a: SessionCounts, b: SessionCounts): SessionCounts {
  a.n += b.n;
  a.right += b.right;
  a.redraws += b.redraws;
  a.wrongAccepted += b.wrongAccepted;
  a.corrections += b.corrections;
  return a;
}

/** Accuracy, redraw rate and accuracy on accepted answers of counts (NaN where nothing counts). */
export function figures(c: SessionCounts): SessionFigures {
  const accepted = c.n - c.redraws;
  return {
    ...c,
    accuracy: c.n > 0 ? c.right / c.n : Number.NaN,
    redrawRate: c.n > 0 ? c.redraws / c.n : Number.NaN,
    acceptedAccuracy: accepted > 0 ? (accepted - c.wrongAccepted) / accepted : Number.NaN,
  };
}

function stageOf(position: number): number {
  return SESSION_STAGES.findIndex((s) => position >= s.from && position <= s.to);
}

/** The drawings' order in a session with this seed: a seeded shuffle. */
export function sessionOrder(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, createRng(seed));
  return order;
}

/**
 * One writer's session (see the module comment): `drawings` are all theirs; the drawing order
 * comes from `options.seed`.
 */
export function simulateWriter(
  model: ModelFile,
  writer: string,
  drawings: readonly LabelledDrawing[],
  options: SimulateOptions = {},
): WriterSession {
  const served = createRecognizer(model);
  const personal = new Personaliser(model, options);
  const memory = options.method === 'prototype' ? new PrototypeMemory(options.prototype) : null;
  let reader: Recognizer = served;
  let readerModel = personal.model;
  const counts = { adapted: emptyCounts(), served: emptyCounts() };
  const stages = SESSION_STAGES.map(() => ({ adapted: emptyCounts(), served: emptyCounts() }));
  const order = sessionOrder(drawings.length, options.seed ?? 0);
  order.forEach((index, i) => {
    const { drawing, label } = drawings[index];
    if (personal.model !== readerModel) {
      readerModel = personal.model;
      reader = createRecognizer(model, readerModel);
    }
    const s = served.recognizeDrawing(drawing);
    const features = drawingFeatures(model, drawing);
    const r = memory ? throughMemory(s, memory, features) : reader.recognizeDrawing(drawing);
    if (r.empty) return;
    const stage = stages[stageOf(i + 1)];
    tally(counts.adapted, r, label);
    tally(stage.adapted, r, label);
    tally(counts.served, s, label);
    tally(stage.served, s, label);
    // "Not a digit" is saved as such, and never adapts the model.
    if (r.verdict === 'not-a-digit' || !features) return;
    const example = {
      label,
      ...features,
      kind:
        r.verdict === 'digit' && r.digit === label
          ? ('confirmed' as const)
          : ('corrected' as const),
    };
    if (memory) memory.add(example, s.probabilities);
    else personal.add(example);
  });
  return {
    writer,
    adapted: { all: figures(counts.adapted), stages: stages.map((s) => figures(s.adapted)) },
    served: { all: figures(counts.served), stages: stages.map((s) => figures(s.served)) },
    examples: memory ? memory.size : personal.status.examples,
    used: memory ? memory.used : personal.status.used,
  };
}

/** Pooled figures of several sessions. */
export function poolSessions(sessions: readonly WriterSession[]): {
  adapted: SessionResult;
  served: SessionResult;
} {
  const pool = (pick: (s: WriterSession) => SessionResult) => {
    const all = emptyCounts();
    const stages = SESSION_STAGES.map(() => emptyCounts());
    for (const s of sessions) {
      addCounts(all, pick(s).all);
      pick(s).stages.forEach((st, i) => {
        addCounts(stages[i], st);
      });
    }
    return { all: figures(all), stages: stages.map(figures) };
  };
  return { adapted: pool((s) => s.adapted), served: pool((s) => s.served) };
}
