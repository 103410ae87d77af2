/**
 * Drawings as JSON Lines, one object a line (the format of ../shared/data's
 * pendigits-train.strokes.jsonl):
 *
 *     {"id":"…","label":8,"writer":"train-12","stroke_width":22,"strokes":[[[x,y],…],…]}
 *
 * Also read: a third number per point (`t`, ms since the drawing started), `width`/`height` of the
 * canvas (default 280) and `session` instead of `writer` as the group. Unknown fields (e.g.
 * `sample_no`) are ignored. Coordinates are canvas pixels, y down.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { LabelledDrawing, Point, Stroke } from '../core/types.js';
import { checkSource, checkText, DataFormatError, describeValue, previewValue } from './errors.js';

/** Canvas side assumed when a line has no `width` / `height`. */
export const JSONL_DEFAULT_CANVAS_SIZE = 280;
/** Fields of a line that carry the group (writer or session id), first found wins. */
export const JSONL_GROUP_FIELDS = ['writer', 'session'] as const;

/** One line of the format, as written by `formatStrokesJsonl`. */
export interface StrokesJsonlRecord {
  id: string;
  label: number;
  writer?: string;
  stroke_width: number;
  width: number;
  height: number;
  /** Points as `[x, y]` or `[x, y, t]`. */
  strokes: number[][][];
}

/** The value as it appears in error messages: compact JSON, bounded in length and depth. */
function short(value: unknown): string {
  return previewValue(value, 60);
}

function baseName(source: string): string {
  const parts = source.split(/[\\/]/);
  return parts[parts.length - 1] || source;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** Parses one line's object into a drawing; `fail` throws with the line's location. */
function toDrawing(
  obj: Record<string, unknown>,
  defaultId: string,
  fail: (problem: string) => never,
): LabelledDrawing {
  const { label } = obj;
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > 9)
    fail(`expected "label" to be an integer 0–9, got ${short(label)}`);
  let id = defaultId;
  if (obj.id !== undefined) {
    if (typeof obj.id !== 'string') fail(`expected "id" to be a string, got ${short(obj.id)}`);
    id = obj.id;
  }
  const brushWidth = obj.stroke_width;
  if (!isPositive(brushWidth))
    fail(`expected "stroke_width" to be a positive number, got ${short(brushWidth)}`);
  const size: Record<'width' | 'height', number> = {
    width: JSONL_DEFAULT_CANVAS_SIZE,
    height: JSONL_DEFAULT_CANVAS_SIZE,
  };
  for (const side of ['width', 'height'] as const) {
    if (obj[side] === undefined) continue;
    if (!isPositive(obj[side]))
      fail(`expected "${side}" to be a positive number, got ${short(obj[side])}`);
    size[side] = obj[side] as number;
  }
  const raw = obj.strokes;
  if (!Array.isArray(raw) || raw.length === 0)
    fail(`expected "strokes" to be a non-empty array of strokes, got ${short(raw)}`);
  const strokes: Stroke[] = (raw as unknown[]).map((s, i) => {
    if (!Array.isArray(s) || s.length === 0)
      fail(`strokes[${i}]: expected a non-empty array of points, got ${short(s)}`);
    return (s as unknown[]).map((p, j) => {
      if (
        !Array.isArray(p) ||
        (p.length !== 2 && p.length !== 3) ||
        !p.every((v) => typeof v === 'number' && Number.isFinite(v))
      )
        fail(
          `strokes[${i}][${j}]: expected [x, y] or [x, y, t] with finite numbers, got ${short(p)}`,
        );
      const point: Point = { x: p[0], y: p[1] };
      if (p.length === 3) point.t = p[2];
      return point;
    });
  });
  const drawing: LabelledDrawing = {
    id,
    label: label as number,
    drawing: { strokes, width: size.width, height: size.height, brushWidth: brushWidth as number },
  };
  for (const field of JSONL_GROUP_FIELDS) {
    const group = obj[field];
    if (group === undefined || group === null) continue;
    if (typeof group !== 'string' && !(typeof group === 'number' && Number.isFinite(group)))
      fail(`expected "${field}" to be a string or number, got ${short(group)}`);
    drawing.group = String(group);
    break;
  }
  return drawing;
}

/**
 * Parses JSON Lines of labelled drawings. Blank lines and CRLF are tolerated. A line without an
 * `id` gets `strokes:<file name>:<index>`. Pure. Errors name the line: bad JSON, a label that is
 * not an integer 0–9, a non-finite coordinate, empty strokes, a missing `stroke_width`.
 */
export function parseStrokesJsonl(text: string, source: string): LabelledDrawing[] {
  checkText('text', text);
  checkSource(source);
  const name = baseName(source);
  const lines = text.split('\n');
  const out: LabelledDrawing[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const where = { file: source, line: i + 1 };
    const fail = (problem: string): never => {
      throw new DataFormatError(where, problem);
    };
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (error) {
      throw new DataFormatError(
        where,
        `expected a JSON object, got invalid JSON (${(error as Error).message})`,
        { cause: error },
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      fail(`expected a JSON object, got ${Array.isArray(obj) ? 'an array' : short(obj)}`);
    out.push(toDrawing(obj as Record<string, unknown>, `strokes:${name}:${out.length}`, fail));
  }
  return out;
}

function checkDrawing(d: LabelledDrawing, i: number): void {
  const name = `drawings[${i}]`;
  if (typeof d !== 'object' || d === null)
    throw new TypeError(`${name}: expected a LabelledDrawing, got ${describeValue(d)}`);
  if (typeof d.id !== 'string')
    throw new TypeError(`${name}.id: expected a string, got ${describeValue(d.id)}`);
  if (!Number.isInteger(d.label) || d.label < 0 || d.label > 9)
    throw new RangeError(`${name}.label: expected an integer 0–9, got ${d.label}`);
  if (d.group !== undefined && typeof d.group !== 'string')
    throw new TypeError(`${name}.group: expected a string, got ${describeValue(d.group)}`);
  const { drawing } = d;
  if (typeof drawing !== 'object' || drawing === null || !Array.isArray(drawing.strokes))
    throw new TypeError(
      `${name}.drawing: expected a Drawing with strokes, got ${describeValue(drawing)}`,
    );
  for (const key of ['width', 'height', 'brushWidth'] as const) {
    if (!isPositive(drawing[key]))
      throw new RangeError(
        `${name}.drawing.${key}: expected a positive number, got ${drawing[key]}`,
      );
  }
  if (drawing.strokes.length === 0)
    throw new RangeError(`${name}.drawing.strokes: expected at least one stroke, got none`);
  drawing.strokes.forEach((stroke, s) => {
    if (!Array.isArray(stroke) || stroke.length === 0)
      throw new RangeError(`${name}.drawing.strokes[${s}]: expected at least one point`);
    stroke.forEach((p, j) => {
      if (
        !Number.isFinite(p?.x) ||
        !Number.isFinite(p?.y) ||
        (p.t !== undefined && !Number.isFinite(p.t))
      )
        throw new RangeError(
          `${name}.drawing.strokes[${s}][${j}]: expected finite x, y (and t), got ${short(p)}`,
        );
    });
  });
}

/** The record `formatStrokesJsonl` writes for one drawing. */
export function toStrokesJsonlRecord(d: LabelledDrawing): StrokesJsonlRecord {
  const record: StrokesJsonlRecord = {
    id: d.id,
    label: d.label,
    stroke_width: d.drawing.brushWidth,
    width: d.drawing.width,
    height: d.drawing.height,
    strokes: d.drawing.strokes.map((stroke) =>
      stroke.map((p) => (p.t === undefined ? [p.x, p.y] : [p.x, p.y, p.t])),
    ),
  };
  if (d.group !== undefined) record.writer = d.group;
  return record;
}

/**
 * Formats drawings as JSON Lines (one object a line, trailing newline; the group is written as
 * `writer`, the canvas size always). `parseStrokesJsonl` reads it back to equal drawings.
 * `TypeError`/`RangeError` for a malformed drawing, naming its index.
 */
export function formatStrokesJsonl(drawings: LabelledDrawing[]): string {
  if (!Array.isArray(drawings))
    throw new TypeError(
      `drawings: expected an array of LabelledDrawing, got ${describeValue(drawings)}`,
    );
  drawings.forEach(checkDrawing);
  return drawings.map((d) => `${JSON.stringify(toStrokesJsonlRecord(d))}\n`).join('');
}

/** Reads a JSON Lines file of drawings; see `parseStrokesJsonl`. */
export function readStrokesJsonl(path: string): LabelledDrawing[] {
  return parseStrokesJsonl(readFileSync(path, 'utf8'), path);
}

/** Writes drawings as a JSON Lines file; see `formatStrokesJsonl`. */
export function writeStrokesJsonl(path: string, drawings: LabelledDrawing[]): void {
  writeFileSync(path, formatStrokesJsonl(drawings));
}

/** An unlabelled drawing of a non-digit file: what kind of non-digit it is, when the file says. */
export interface KindedDrawing {
  id: string;
  kind: string;
  drawing: LabelledDrawing['drawing'];
}

/**
 * Parses JSON Lines of drawings that are not digits (`digitrec synth --junk`, or any shapes,
 * letters and scribbles): the strokes JSONL format with no `label` (a label present must still
 * be 0–9, and is ignored) and an optional `kind` string (default `unknown`).
 */
export function parseNonDigitJsonl(text: string, source: string): KindedDrawing[] {
  checkText('text', text);
  checkSource(source);
  const lines = text.split('\n');
  const kinds: string[] = [];
  const withLabels = lines.map((line, i) => {
    if (line.trim() === '') return line;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return line; // parseStrokesJsonl names the line and the JSON error
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return line;
    const o = obj as Record<string, unknown>;
    if (o.kind !== undefined && typeof o.kind !== 'string')
      throw new DataFormatError(
        { file: source, line: i + 1 },
        `expected "kind" to be a string, got ${short(o.kind)}`,
      );
    kinds.push(typeof o.kind === 'string' ? o.kind : 'unknown');
    return JSON.stringify({ ...o, label: o.label ?? 0 });
  });
  return parseStrokesJsonl(withLabels.join('\n'), source).map((d, i) => ({
    id: d.id,
    kind: kinds[i],
    drawing: d.drawing,
  }));
}

/** JSON Lines of non-digit drawings (no label, their `kind`), read back by `parseNonDigitJsonl`. */
export function formatNonDigitJsonl(drawings: readonly KindedDrawing[]): string {
  return drawings
    .map((d) => {
      const { label: _label, ...record } = toStrokesJsonlRecord({ ...d, label: 0 });
      const { id, ...rest } = record;
      return `${JSON.stringify({ id, kind: d.kind, ...rest })}\n`;
    })
    .join('');
}

/** Reads a JSON Lines file of non-digit drawings; see `parseNonDigitJsonl`. */
export function readNonDigitJsonl(path: string): KindedDrawing[] {
  return parseNonDigitJsonl(readFileSync(path, 'utf8'), path);
}
