/**
 * A single drawing as JSON, as `digitrec predict` reads it:
 * `{"strokes": [[[x, y], [x, y, t], …], …], "width": 280, "height": 280, "brushWidth": 18}`.
 * Points may also be objects `{"x", "y", "t"?}`. Canvas size and brush default to the model's.
 */
import type { Drawing, Point, Stroke } from '../core/types.js';
import { DataFormatError, previewValue } from './errors.js';

/** Defaults for fields a drawing file leaves out. */
export interface DrawingDefaults {
  width: number;
  height: number;
  brushWidth: number;
}

const FALLBACK: DrawingDefaults = { width: 280, height: 280, brushWidth: 18 };

function point(v: unknown, where: string, source: string): Point {
  let x: unknown;
  let y: unknown;
  let t: unknown;
  if (Array.isArray(v)) [x, y, t] = v;
  else if (typeof v === 'object' && v !== null) ({ x, y, t } = v as Record<string, unknown>);
  if (
    typeof x !== 'number' ||
    typeof y !== 'number' ||
    !Number.isFinite(x) ||
    !Number.isFinite(y)
  ) {
    throw new DataFormatError(
      { file: source },
      `${where} must be [x, y] or {x, y} with finite numbers, got ${previewValue(v)}`,
    );
  }
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t))) {
    throw new DataFormatError(
      { file: source },
      `${where} has a non-numeric time ${JSON.stringify(t)}`,
    );
  }
  return t === undefined ? { x, y } : { x, y, t };
}

/** Parses a drawing file's text; errors name the file and the stroke/point. */
export function parseDrawingJson(
  text: string,
  source: string,
  defaults: DrawingDefaults = FALLBACK,
): Drawing {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataFormatError({ file: source }, `not valid JSON (${(err as Error).message})`);
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    !Array.isArray((json as { strokes?: unknown }).strokes)
  ) {
    throw new DataFormatError({ file: source }, `expected an object with a "strokes" array`);
  }
  const o = json as Record<string, unknown>;
  const strokes: Stroke[] = (o.strokes as unknown[]).map((s, i) => {
    if (!Array.isArray(s))
      throw new DataFormatError({ file: source }, `stroke ${i} must be an array of points`);
    return s.map((p, j) => point(p, `stroke ${i} point ${j}`, source));
  });
  const size = (key: string, fallback: number) => {
    const v = o[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new DataFormatError(
        { file: source },
        `"${key}" must be a positive number, got ${previewValue(v)}`,
      );
    }
    return v;
  };
  return {
    strokes,
    width: size('width', defaults.width),
    height: size('height', defaults.height),
    brushWidth: size('brushWidth', defaults.brushWidth),
  };
}
