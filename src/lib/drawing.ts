/**
 * The library's door for drawings from other people's code: the shape the core checks (strokes of
 * finite `{x, y, t?}` points, a positive canvas and brush) plus the API's limits, so that one
 * call does bounded work. Points may also be `[x, y]` or `[x, y, t]` arrays, as in drawing files.
 */
import { LIMITS } from '../contracts/limits.js';
import type { Drawing, Point, Stroke } from '../core/types.js';

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function finite(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new TypeError(`${at} must be a finite number, got ${JSON.stringify(v) ?? kind(v)}`);
  return v;
}

function side(v: unknown, at: string): number {
  const n = finite(v, at);
  if (!Number.isInteger(n) || n < LIMITS.minCanvas || n > LIMITS.maxCanvas)
    throw new RangeError(
      `${at} must be an integer in [${LIMITS.minCanvas}, ${LIMITS.maxCanvas}] px, got ${n}`,
    );
  return n;
}

/**
 * A checked copy of a drawing: `{strokes, width, height, brushWidth}` with at most
 * `LIMITS.strokes` strokes and `LIMITS.points` points, coordinates within one canvas side of the
 * canvas, times in [0, `LIMITS.maxTimestampMs`]. Throws a TypeError (wrong kind) or RangeError
 * (out of range) naming the field, e.g. `drawing.strokes[0][3].x must be a finite number`.
 */
export function checkDrawing(value: unknown, name = 'drawing'): Drawing {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(
      `${name} must be an object {strokes, width, height, brushWidth}, got ${kind(value)}`,
    );
  const d = value as Record<string, unknown>;
  const width = side(d.width, `${name}.width`);
  const height = side(d.height, `${name}.height`);
  const brushWidth = finite(d.brushWidth, `${name}.brushWidth`);
  if (!(brushWidth > 0 && brushWidth <= LIMITS.maxBrushWidth))
    throw new RangeError(
      `${name}.brushWidth must be in (0, ${LIMITS.maxBrushWidth}] px, got ${brushWidth}`,
    );
  if (!Array.isArray(d.strokes))
    throw new TypeError(`${name}.strokes must be an array of strokes, got ${kind(d.strokes)}`);
  if (d.strokes.length > LIMITS.strokes)
    throw new RangeError(
      `${name}.strokes has ${d.strokes.length} strokes, at most ${LIMITS.strokes} allowed`,
    );
  const m = LIMITS.coordinateMargin;
  let points = 0;
  const strokes: Stroke[] = d.strokes.map((s: unknown, i) => {
    if (!Array.isArray(s))
      throw new TypeError(`${name}.strokes[${i}] must be an array of points, got ${kind(s)}`);
    points += s.length;
    if (points > LIMITS.points)
      throw new RangeError(`${name} has more than ${LIMITS.points} points`);
    return s.map((p: unknown, j): Point => {
      const at = `${name}.strokes[${i}][${j}]`;
      if (typeof p !== 'object' || p === null)
        throw new TypeError(`${at} must be {x, y, t?} or [x, y, t?], got ${kind(p)}`);
      const [x, y, t] = Array.isArray(p) ? p : [(p as Point).x, (p as Point).y, (p as Point).t];
      const point: Point = { x: finite(x, `${at}.x`), y: finite(y, `${at}.y`) };
      for (const [v, s, axis] of [
        [point.x, width, 'x'],
        [point.y, height, 'y'],
      ] as const) {
        if (v < -m * s || v > (1 + m) * s)
          throw new RangeError(`${at}.${axis} must be in [${-m * s}, ${(1 + m) * s}], got ${v}`);
      }
      if (t !== undefined) {
        point.t = finite(t, `${at}.t`);
        if (point.t < 0 || point.t > LIMITS.maxTimestampMs)
          throw new RangeError(
            `${at}.t must be in [0, ${LIMITS.maxTimestampMs}] ms, got ${point.t}`,
          );
      }
      return point;
    });
  });
  return { strokes, width, height, brushWidth };
}
