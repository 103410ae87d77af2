/**
 * The messages between the main thread and the recognition threads (`recognition-pool.ts`,
 * `recognition-worker.ts`). A drawing travels as flat coordinates (one Float64Array and the
 * strokes' lengths) instead of an array of point objects, which is cheaper to copy between
 * threads; its values are the same numbers, so it is read exactly as it would be in place.
 */
import { LIMITS } from '../contracts/limits.js';
import type { ModelFile, Recognition, Recognizer } from '../core/contracts.js';
import { type NumberHints, type NumberReading, recognizeNumber } from '../core/number.js';
import type { Drawing, GrayImage } from '../core/types.js';
import { decodeImage } from '../data/image-decode.js';

/** A drawing as flat numbers: x0, y0, x1, y1, … and how many points each stroke has. */
export interface PackedDrawing {
  kind: 'drawing';
  width: number;
  height: number;
  brushWidth: number;
  xy: Float64Array;
  lengths: Int32Array;
}

/** What a thread is asked to read. */
export type PoolInput =
  | PackedDrawing
  | { kind: 'pixels'; width: number; height: number; data: Float32Array }
  | { kind: 'image'; bytes: Uint8Array }
  | { kind: 'number'; drawing: PackedDrawing; hints: NumberHints };

/**
 * Model versions a thread keeps, the newest sent last. The pool drops the oldest from its record
 * of a thread exactly when the thread drops it (both in the order the files were sent), so it
 * sends a version again to a thread that no longer holds it (a rollback to an older version).
 */
export const THREAD_MODELS = 2;

/** A request: its id, the model version to read with, and that version's file when first sent. */
export interface PoolRequest {
  id: number;
  version: number;
  /** The model file's JSON, sent with the first request of a version to each thread. */
  model?: string;
  input: PoolInput;
}

/** A recognition without its canonical image, which the routes do not send. */
export type PoolRecognition = Omit<Recognition, 'canonical'>;

/**
 * A thread's answer: the recognition (a number's reading as `POST /api/recognize-number` reports
 * it), or the error's message (statusCode 400: bad input).
 */
export type PoolAnswer =
  | { id: number; ok: true; result: PoolRecognition | NumberReadingJson }
  | { id: number; ok: false; message: string; statusCode?: number };

/** An uploaded PNG or JPEG as the image predict reads, at most `LIMITS.maxImageSide` a side. */
export function decodeUpload(bytes: Uint8Array): GrayImage {
  return decodeImage(bytes, 'image', { maxSide: LIMITS.maxImageSide });
}

/** Flattens a drawing's points (only x and y: recognition reads nothing else). */
export function packDrawing(drawing: Drawing): PackedDrawing {
  let n = 0;
  for (const s of drawing.strokes) n += s.length;
  const xy = new Float64Array(2 * n);
  const lengths = new Int32Array(drawing.strokes.length);
  let k = 0;
  drawing.strokes.forEach((stroke, i) => {
    lengths[i] = stroke.length;
    for (const p of stroke) {
      xy[k++] = p.x;
      xy[k++] = p.y;
    }
  });
  const { width, height, brushWidth } = drawing;
  return { kind: 'drawing', width, height, brushWidth, xy, lengths };
}

/** The drawing `packDrawing` flattened. */
export function unpackDrawing(p: PackedDrawing): Drawing {
  const strokes: Drawing['strokes'] = [];
  let k = 0;
  for (const n of p.lengths) {
    const stroke = new Array(n);
    for (let j = 0; j < n; j++, k += 2) stroke[j] = { x: p.xy[k], y: p.xy[k + 1] };
    strokes.push(stroke);
  }
  return { width: p.width, height: p.height, brushWidth: p.brushWidth, strokes };
}

/** The recognition less its canonical image. */
export function withoutCanonical(r: Recognition): PoolRecognition {
  const { canonical: _, ...rest } = r;
  return rest;
}

/** How a number reading is reported by `POST /api/recognize-number`. */
export function numberReadingJson(r: NumberReading, model: ModelFile) {
  return {
    empty: r.empty,
    number: r.number,
    confidence: r.confidence,
    accepted: r.accepted,
    digits: r.digits.map((d) => ({
      digit: d.digit,
      confidence: d.confidence,
      groupProbability: d.groupProbability,
      unsure: d.unsure,
      verdict: d.recognition.verdict,
      probabilities: d.recognition.probabilities,
      top2: d.recognition.top2,
      notDigit: d.recognition.notDigit,
      strokes: d.strokes,
      box: d.box,
    })),
    alternatives: r.alternatives,
    segmentationProbability: r.segmentationProbability,
    skipped: r.skipped,
    candidates: r.candidates,
    ...(r.problem !== undefined ? { problem: r.problem } : {}),
    threshold: model.fusion?.threshold ?? model.threshold,
    modelVersion: model.id,
  };
}

/** A number's reading as reported. */
export type NumberReadingJson = ReturnType<typeof numberReadingJson>;

/** Reads a number as the route does: at most the API's strokes and candidate digits. */
export function readNumber(
  recognizer: Recognizer,
  drawing: Drawing,
  hints: NumberHints,
): NumberReadingJson {
  const reading = recognizeNumber(recognizer, drawing, hints, {
    maxStrokes: LIMITS.numberStrokes,
    maxCandidates: LIMITS.numberCandidates,
  });
  return numberReadingJson(reading, recognizer.model);
}
