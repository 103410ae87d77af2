/**
 * UNIPEN pen-trajectory files as published with the UCI "pendigits" data (see
 * ../shared/data/README.md). The layout read here is the inline one of that file:
 *
 *     .SEGMENT DIGIT 0 ? "8"      a new digit; its label is the quoted character
 *     .COMMENT 8 12 224           label, writer number, sample number (optional)
 *     .PEN_DOWN                   a stroke begins
 *      267  333                   x y, tablet units, y pointing up
 *     .PEN_UP                     the stroke ends
 *     .DT 100                     milliseconds before the next stroke (optional)
 *
 * Any other dot-keyword (`.INCLUDE`, `.LEXICON`, `.HIERARCHY`, …) is skipped. Each digit is mapped
 * into a square canvas with y pointing down, scaled and centred deterministically.
 */
import { readFileSync } from 'node:fs';
import type { LabelledDrawing, Point, Stroke } from '../core/types.js';
import { checkSource, checkText, DataFormatError } from './errors.js';

/** Default side of the square canvas drawings are mapped into, px. */
export const UNIPEN_CANVAS_SIZE = 280;
/** Default brush diameter, canvas px. */
export const UNIPEN_BRUSH_WIDTH = 18;
/** Default fraction of the canvas the digit's height spans. */
export const UNIPEN_FILL = 0.7;
/** Time between consecutive pendigits samples, ms (the tablet sampled every 100 ms). */
export const PENDIGITS_SAMPLE_INTERVAL_MS = 100;
/** The only segment level read: one digit per segment. */
export const UNIPEN_DIGIT_LEVEL = 'DIGIT';
/** Prefix of the `group` of a drawing: `writer-<n>` from the `.COMMENT` line. */
export const UNIPEN_GROUP_PREFIX = 'writer-';

/** How `parseUnipen` maps tablet coordinates onto a canvas. */
export interface UnipenOptions {
  /** Side of the square canvas, px (default 280). */
  canvasSize?: number;
  /** Brush diameter recorded in each drawing, canvas px (default 18). */
  brushWidth?: number;
  /**
   * Fraction of the canvas the digit's height spans (default 0.7). A digit wider than tall is
   * scaled so its width spans this fraction instead, so it never leaves the canvas.
   */
  fill?: number;
  /**
   * Attach timestamps `t` (default true): 0 at the first point, `sampleIntervalMs` between
   * consecutive points of a stroke, and the `.DT` value (else `sampleIntervalMs`) between the last
   * point of a stroke and the first of the next.
   */
  timestamps?: boolean;
  /** Time between consecutive points, ms (default 100, the pendigits tablet's rate). */
  sampleIntervalMs?: number;
}

const POINT_LINE = /^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*$/;
const SEGMENT_LINE = /^\.SEGMENT\s+(\S+)\s+(\S+)\s+(\S+)\s+"([^"]*)"\s*$/;
const COMMENT_FIELDS = /^\.COMMENT\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;

interface RawSegment {
  label: number;
  line: number;
  writer?: number;
  strokes: { x: number[]; y: number[]; gapBefore: number }[];
}

function checkPositive(name: string, value: number, max = Number.POSITIVE_INFINITY): void {
  if (typeof value !== 'number' || !(value > 0 && value <= max))
    throw new RangeError(
      `options.${name}: expected a number in (0, ${max === Number.POSITIVE_INFINITY ? '∞' : max}], got ${value}`,
    );
}

function baseName(source: string): string {
  const parts = source.split(/[\\/]/);
  return parts[parts.length - 1] || source;
}

/**
 * Maps one digit's tablet strokes (y up) onto the canvas (y down): the bounding box is scaled by
 * `fill · size / height` (or by width for a wide digit) and its centre put at the canvas centre.
 */
function toDrawing(seg: RawSegment, size: number, fill: number, interval: number, timed: boolean) {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const s of seg.strokes) {
    for (let i = 0; i < s.x.length; i++) {
      minX = Math.min(minX, s.x[i]);
      maxX = Math.max(maxX, s.x[i]);
      minY = Math.min(minY, s.y[i]);
      maxY = Math.max(maxY, s.y[i]);
    }
  }
  const target = fill * size;
  const w = maxX - minX;
  const h = maxY - minY;
  let scale = Math.min(
    h > 0 ? target / h : Number.POSITIVE_INFINITY,
    w > 0 ? target / w : Number.POSITIVE_INFINITY,
  );
  if (!Number.isFinite(scale)) scale = 1; // a single dot: nothing to scale
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const half = size / 2;
  const strokes: Stroke[] = [];
  let t = 0;
  for (let k = 0; k < seg.strokes.length; k++) {
    const s = seg.strokes[k];
    if (k > 0) t += s.gapBefore;
    const stroke: Point[] = [];
    for (let i = 0; i < s.x.length; i++) {
      if (i > 0) t += interval;
      const p: Point = { x: half + (s.x[i] - cx) * scale, y: half - (s.y[i] - cy) * scale };
      if (timed) p.t = t;
      stroke.push(p);
    }
    strokes.push(stroke);
  }
  return strokes;
}

/**
 * Parses a UNIPEN digit file into labelled drawings on a square canvas (y down, digit centred,
 * height `fill` of the canvas). `id` is `unipen:<file name>:<index>` with the index of the digit in
 * the file (0-based) and the file name without directories, so ids do not depend on where the file
 * lives; `group` is `writer-<n>` from the `.COMMENT` line when there is one. Pure. Malformed input
 * throws a `DataFormatError` with the line.
 */
export function parseUnipen(
  text: string,
  source: string,
  options: UnipenOptions = {},
): LabelledDrawing[] {
  checkText('text', text);
  checkSource(source);
  const size = options.canvasSize ?? UNIPEN_CANVAS_SIZE;
  const brushWidth = options.brushWidth ?? UNIPEN_BRUSH_WIDTH;
  const fill = options.fill ?? UNIPEN_FILL;
  const interval = options.sampleIntervalMs ?? PENDIGITS_SAMPLE_INTERVAL_MS;
  const timed = options.timestamps ?? true;
  checkPositive('canvasSize', size);
  checkPositive('brushWidth', brushWidth);
  checkPositive('fill', fill, 1);
  if (typeof interval !== 'number' || !(interval >= 0 && Number.isFinite(interval)))
    throw new RangeError(`options.sampleIntervalMs: expected a finite number ≥ 0, got ${interval}`);

  const name = baseName(source);
  const out: LabelledDrawing[] = [];
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  let seg: RawSegment | undefined;
  let stroke: { x: number[]; y: number[]; gapBefore: number } | undefined;
  let gap = interval;
  let segmentStarted = false; // a .PEN_DOWN was seen in the current segment

  const finish = (lineNo: number, what: string) => {
    if (stroke)
      throw new DataFormatError({ file: source, line: lineNo }, `expected .PEN_UP before ${what}`);
    if (!seg) return;
    const strokes = seg.strokes.filter((s) => s.x.length > 0);
    if (strokes.length === 0)
      throw new DataFormatError(
        { file: source, line: seg.line },
        `digit ${out.length} ("${seg.label}"): expected at least one point between .PEN_DOWN and .PEN_UP, got none`,
      );
    const drawing: LabelledDrawing = {
      id: `unipen:${name}:${out.length}`,
      label: seg.label,
      drawing: {
        strokes: toDrawing({ ...seg, strokes }, size, fill, interval, timed),
        width: size,
        height: size,
        brushWidth,
      },
    };
    if (seg.writer !== undefined) drawing.group = `${UNIPEN_GROUP_PREFIX}${seg.writer}`;
    out.push(drawing);
    seg = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const where = { file: source, line: lineNo };
    if (line.charCodeAt(0) !== 46 /* '.' */) {
      const m = POINT_LINE.exec(line);
      if (m) {
        if (!stroke)
          throw new DataFormatError(
            where,
            `expected "x y" coordinates only between .PEN_DOWN and .PEN_UP, got "${line.trim()}"`,
          );
        stroke.x.push(Number(m[1]));
        stroke.y.push(Number(m[2]));
      } else if (line.trim() !== '') {
        throw new DataFormatError(
          where,
          `expected a .KEYWORD line or "x y" coordinates, got "${line.trim().slice(0, 60)}"`,
        );
      }
      continue;
    }
    const keyword = line.split(/\s/, 1)[0];
    switch (keyword) {
      case '.SEGMENT': {
        finish(lineNo, '.SEGMENT');
        const m = SEGMENT_LINE.exec(line);
        if (!m)
          throw new DataFormatError(
            where,
            `expected .SEGMENT DIGIT <strokes> <quality> "<label>", got "${line}"`,
          );
        if (m[1] !== UNIPEN_DIGIT_LEVEL)
          throw new DataFormatError(
            where,
            `expected a .SEGMENT of level ${UNIPEN_DIGIT_LEVEL}, got ${m[1]}`,
          );
        if (!/^[0-9]$/.test(m[4]))
          throw new DataFormatError(where, `expected a label "0"–"9", got "${m[4]}"`);
        seg = { label: Number(m[4]), line: lineNo, strokes: [] };
        segmentStarted = false;
        gap = interval;
        break;
      }
      case '.COMMENT': {
        if (!seg || segmentStarted) break; // a free comment outside a digit's header
        const m = COMMENT_FIELDS.exec(line);
        if (!m)
          throw new DataFormatError(
            where,
            `expected .COMMENT <label> <writer> <sample>, got "${line}"`,
          );
        if (Number(m[1]) !== seg.label)
          throw new DataFormatError(
            where,
            `expected the label ${seg.label} of the .SEGMENT on line ${seg.line}, got ${m[1]}`,
          );
        seg.writer = Number(m[2]);
        break;
      }
      case '.PEN_DOWN':
        if (!seg) throw new DataFormatError(where, 'expected a .SEGMENT before .PEN_DOWN');
        if (stroke) throw new DataFormatError(where, 'expected .PEN_UP before another .PEN_DOWN');
        stroke = { x: [], y: [], gapBefore: gap };
        seg.strokes.push(stroke);
        segmentStarted = true;
        gap = interval;
        break;
      case '.PEN_UP':
        if (!stroke) throw new DataFormatError(where, 'expected .PEN_DOWN before .PEN_UP');
        stroke = undefined;
        break;
      case '.DT': {
        const value = Number(line.slice(3).trim());
        if (!(Number.isFinite(value) && value >= 0))
          throw new DataFormatError(where, `expected .DT <milliseconds ≥ 0>, got "${line}"`);
        gap = value;
        break;
      }
      default:
        if (stroke)
          throw new DataFormatError(where, `expected "x y" coordinates or .PEN_UP, got ${keyword}`);
      // other keywords (.INCLUDE, .LEXICON, .HIERARCHY, .X_DIM, …) carry nothing we use
    }
  }
  finish(lines.length, 'the end of the file');
  return out;
}

/** Reads a UNIPEN digit file; see `parseUnipen`. */
export function readUnipen(path: string, options?: UnipenOptions): LabelledDrawing[] {
  return parseUnipen(readFileSync(path, 'utf8'), path, options);
}
