/**
 * A model on one labelled data set, the way `digitrec eval` reports it: drawings are read by both
 * readers fused when the model has an online reader (each reader's accuracy and their agreement
 * beside), plain images by the image reader alone; with writers, the figures per writer group
 * (development / confirmation) and the worst writers.
 */
import { labelsToClassIndex, modelLogits } from '../core/batch.js';
import { calibratedModelOf, calibratedRead } from '../core/calibrated-model.js';
import type { Metrics, ModelFile } from '../core/contracts.js';
import { drawingTrajectories, evaluateReaders, notDigitBatch } from '../core/fusion.js';
import { geometryMatrix } from '../core/junk.js';
import { evaluate } from '../core/metrics.js';
import { createRecognizer } from '../core/recognizer.js';
import type { Drawing } from '../core/types.js';
import type { LabelledData } from './formats.js';
import { featurizeData } from './sources.js';
import { type WriterGroup, writerGroupsOf, writerOf } from './writers.js';

/** One writer's figures at the threshold the set was scored at. */
export interface WriterScore {
  writer: string;
  group: WriterGroup;
  n: number;
  accuracy: number;
  redrawRate: number;
  acceptedAccuracy: number;
}

/** One writer group's figures and its worst writer. */
export interface GroupScore {
  group: WriterGroup;
  writers: number;
  metrics: Metrics;
  worst: WriterScore;
}

/** What `evaluateData` returns. */
export interface DataEvaluation {
  /** Items without ink, not classified. */
  empty: number;
  /** Which reader(s) the headline metrics are of. */
  readBy: 'fused' | 'image';
  metrics: Metrics;
  /** With an online reader and drawings: each reader alone and their agreement. */
  readers?: {
    image: Metrics;
    online: Metrics;
    agreement: number;
    agreedAccuracy: number;
  };
  /**
   * With a not-a-digit reader and drawings: the share of these (digit) drawings it called not a
   * digit; they count as redraws in `metrics`.
   */
  notDigit?: number;
  /** With writers: development and confirmation groups (those present), and each writer. */
  groups?: GroupScore[];
  writers?: WriterScore[];
  /** Per classified row: the headline probabilities (n × k), class-index labels, item index. */
  rows: { probabilities: Float64Array; labels: Uint8Array; items: Int32Array; threshold: number };
}

/** Options of `evaluateData`. */
export interface EvaluateDataOptions {
  /** Only this writer group's drawings (needs writers). Default all. */
  writers?: WriterGroup;
  onProgress?: (done: number, total: number) => void;
}

/**
 * `evaluate` over `rows` of (probs, y), each row judged at its own threshold (`thresholds[row]`, or
 * one number for all); `threshold` in the result is NaN when they differ.
 */
export function scoreRows(
  probs: Float64Array,
  y: Uint8Array,
  k: number,
  thresholds: Float64Array | number,
  rows: readonly number[],
): Metrics {
  const p = new Float64Array(rows.length * k);
  const sub = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    p.set(probs.subarray(r * k, r * k + k), i * k);
    sub[i] = y[r];
  });
  if (typeof thresholds === 'number') return evaluate(p, sub, k, thresholds);
  const m = evaluate(p, sub, k, 0);
  let redraw = 0;
  let accepted = 0;
  let right = 0;
  const seen = new Set<number>();
  rows.forEach((r, i) => {
    seen.add(thresholds[r]);
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    if (p[i * k + best] < thresholds[r]) redraw++;
    else {
      accepted++;
      if (best === sub[i]) right++;
    }
  });
  return {
    ...m,
    threshold: seen.size === 1 ? [...seen][0] : Number.NaN,
    redrawRate: rows.length > 0 ? redraw / rows.length : Number.NaN,
    acceptedAccuracy: accepted > 0 ? right / accepted : Number.NaN,
  };
}

/** Figures by writer (worst first) and by writer group over `rows`, each row at its threshold. */
export function writerBreakdown(
  probs: Float64Array,
  y: Uint8Array,
  k: number,
  thresholds: Float64Array | number,
  rowWriter: readonly string[],
  rowGroup: readonly WriterGroup[],
  rows: readonly number[],
): { groups: GroupScore[]; writers: WriterScore[] } {
  const byWriter = new Map<string, number[]>();
  for (const r of rows) {
    const list = byWriter.get(rowWriter[r]) ?? [];
    list.push(r);
    byWriter.set(rowWriter[r], list);
  }
  const writers: WriterScore[] = [...byWriter.entries()]
    .map(([writer, list]) => {
      const m = scoreRows(probs, y, k, thresholds, list);
      return {
        writer,
        group: rowGroup[list[0]],
        n: m.n,
        accuracy: m.accuracy,
        redrawRate: m.redrawRate,
        acceptedAccuracy: m.acceptedAccuracy,
      };
    })
    .sort((a, b) => a.accuracy - b.accuracy || (a.writer < b.writer ? -1 : 1));
  const groups: GroupScore[] = (['development', 'confirmation'] as const)
    .filter((g) => rows.some((r) => rowGroup[r] === g))
    .map((group) => {
      const ws = writers.filter((w) => w.group === group);
      return {
        group,
        writers: ws.length,
        metrics: scoreRows(
          probs,
          y,
          k,
          thresholds,
          rows.filter((r) => rowGroup[r] === group),
        ),
        worst: ws[0],
      };
    });
  return { groups, writers };
}

/** The model's figures on loaded data (see the module comment). */
export function evaluateData(
  model: ModelFile,
  data: LabelledData,
  options: EvaluateDataOptions = {},
): DataEvaluation {
  const fs = featurizeData(data, model.features, model.preprocessing, options.onProgress);
  const k = model.classes.length;
  const y = labelsToClassIndex(model, fs.y);
  const image = modelLogits(model, fs.X);
  const drawings = data.kind === 'drawings' ? data.drawings : undefined;
  let probs: Float64Array;
  let threshold: number;
  let readers: DataEvaluation['readers'];
  // Rows the not-a-digit reader rejects are judged at an infinite threshold: never accepted.
  let thresholds: Float64Array | number | undefined;
  let calledNotDigit: Uint8Array | undefined;
  if (drawings && model.online && model.fusion) {
    const Xon = drawingTrajectories(Array.from(fs.sourceIndex, (i) => drawings[i]));
    if (model.junk) {
      const G = geometryMatrix(Array.from(fs.sourceIndex, (i) => drawings[i].drawing));
      const p = notDigitBatch(model, fs.X, Xon, G);
      calledNotDigit = Uint8Array.from(p, (v) => (v >= (model.junk?.threshold ?? 1) ? 1 : 0));
      thresholds = Float64Array.from(calledNotDigit, (c) =>
        c ? Number.POSITIVE_INFINITY : (model.fusion?.threshold ?? 0),
      );
    }
    const r = evaluateReaders(model, image, Xon, y);
    probs = r.probabilities;
    threshold = model.fusion.threshold;
    readers = {
      image: r.image,
      online: r.online,
      agreement: r.agreement,
      agreedAccuracy: r.agreedAccuracy,
    };
  } else {
    ({ probabilities: probs, threshold } = calibratedRead(calibratedModelOf(model), image));
  }
  const judged = thresholds ?? threshold;
  const notDigitShare = (rows: readonly number[]) =>
    calledNotDigit && rows.length > 0
      ? rows.reduce((a, r) => a + (calledNotDigit?.[r] ?? 0), 0) / rows.length
      : undefined;
  const hasWriters = drawings?.some((d) => d.group !== undefined) ?? false;
  if (options.writers && options.writers !== 'all' && !hasWriters)
    throw new RangeError(`--writers ${options.writers} needs drawings with writers`);
  if (!drawings || !hasWriters) {
    return {
      empty: fs.emptyCount,
      readBy: readers ? 'fused' : 'image',
      metrics: scoreRows(probs, y, k, judged, [...y.keys()]),
      readers,
      notDigit: notDigitShare([...y.keys()]),
      rows: { probabilities: probs, labels: y, items: fs.sourceIndex, threshold },
    };
  }
  const groupOfItem = writerGroupsOf(drawings);
  const rowGroup = Array.from(fs.sourceIndex, (i) => groupOfItem[i]);
  const rowWriter = Array.from(fs.sourceIndex, (i) => writerOf(drawings[i]));
  const wanted = (g: WriterGroup) =>
    !options.writers || options.writers === 'all' || g === options.writers;
  const kept = [...rowGroup.keys()].filter((r) => wanted(rowGroup[r]));
  const { groups, writers } = writerBreakdown(probs, y, k, judged, rowWriter, rowGroup, kept);
  let readersKept = readers;
  if (readers && kept.length !== y.length) {
    // The readers' figures over the kept group only.
    const Xon = drawingTrajectories(kept.map((r) => drawings[fs.sourceIndex[r]]));
    const sub = Uint8Array.from(kept, (r) => y[r]);
    const img = new Float64Array(kept.length * k);
    kept.forEach((r, i) => {
      img.set(image.subarray(r * k, r * k + k), i * k);
    });
    const r = evaluateReaders(model, img, Xon, sub);
    readersKept = {
      image: r.image,
      online: r.online,
      agreement: r.agreement,
      agreedAccuracy: r.agreedAccuracy,
    };
  }
  return {
    empty: fs.emptyCount,
    readBy: readers ? 'fused' : 'image',
    metrics: scoreRows(probs, y, k, judged, kept),
    readers: readersKept,
    notDigit: notDigitShare(kept),
    groups,
    writers,
    rows: { probabilities: probs, labels: y, items: fs.sourceIndex, threshold },
  };
}

/** How a model answers drawings that are not digits, by kind. */
export interface NonDigitScore {
  kind: string;
  n: number;
  /** Shares of the kind's drawings answered as an accepted digit, "not a digit", "unsure". */
  acceptedAsDigit: number;
  notDigit: number;
  unsure: number;
}

/** Every drawing of a non-digit set recognised as the app would; figures per kind and overall. */
export function evaluateNonDigits(
  model: ModelFile,
  drawings: readonly { kind: string; drawing: Drawing }[],
): { overall: NonDigitScore; kinds: NonDigitScore[] } {
  const recognizer = createRecognizer(model);
  const tally = new Map<string, { n: number; digit: number; notDigit: number; unsure: number }>();
  const all = { n: 0, digit: 0, notDigit: 0, unsure: 0 };
  for (const d of drawings) {
    const v = recognizer.recognizeDrawing(d.drawing).verdict;
    const t = tally.get(d.kind) ?? { n: 0, digit: 0, notDigit: 0, unsure: 0 };
    for (const c of [t, all]) {
      c.n++;
      if (v === 'digit') c.digit++;
      else if (v === 'not-a-digit' || v === 'empty') c.notDigit++;
      else c.unsure++;
    }
    tally.set(d.kind, t);
  }
  const score = (kind: string, c: typeof all): NonDigitScore => ({
    kind,
    n: c.n,
    acceptedAsDigit: c.n > 0 ? c.digit / c.n : Number.NaN,
    notDigit: c.n > 0 ? c.notDigit / c.n : Number.NaN,
    unsure: c.n > 0 ? c.unsure / c.n : Number.NaN,
  });
  return {
    overall: score('all', all),
    kinds: [...tally.entries()]
      .map(([kind, c]) => score(kind, c))
      .sort((a, b) => b.acceptedAsDigit - a.acceptedAsDigit || (a.kind < b.kind ? -1 : 1)),
  };
}
