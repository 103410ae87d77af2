/**
 * Hand-written digit drawings for the server's API and browser tests: each digit is a few
 * polylines on a 280×280 canvas, resampled every 4 px like pointer events, with timestamps.
 * (Test fixtures only; nothing in the app uses them.)
 */
import type { Drawing, Point, Stroke } from '../core/types.js';

/** Side of the canvas the fixtures are drawn on. */
export const FIXTURE_CANVAS = 280;

/** A polyline resampled every `step` px, 8 ms a sample. */
export function polyline(corners: [number, number][], step = 4, t0 = 0): Stroke {
  const out: Point[] = [{ x: corners[0][0], y: corners[0][1], t: t0 }];
  let t = t0;
  for (let i = 1; i < corners.length; i++) {
    const [ax, ay] = corners[i - 1];
    const [bx, by] = corners[i];
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
    for (let k = 1; k <= n; k++) {
      t += 8;
      out.push({
        x: Math.round((ax + ((bx - ax) * k) / n) * 100) / 100,
        y: Math.round((ay + ((by - ay) * k) / n) * 100) / 100,
        t,
      });
    }
  }
  return out;
}

/** An elliptical arc from angle a0 to a1 (radians, y down), as corner points. */
export function arc(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  a0: number,
  a1: number,
  n = 24,
): [number, number][] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / n;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as [number, number];
  });
}

/** Corner lists of clear digits, one array of polylines per digit. */
export const DIGIT_STROKES: Record<string, [number, number][][]> = {
  one: [
    [
      [112, 78],
      [146, 48],
      [146, 236],
    ],
  ],
  seven: [
    [
      [78, 58],
      [204, 58],
      [120, 236],
    ],
  ],
  zero: [arc(140, 142, 58, 92, -Math.PI / 2, (3 * Math.PI) / 2, 36)],
};

/** A drawing from corner lists, with the given brush. */
export function drawingOf(
  strokes: [number, number][][],
  brushWidth = 18,
  size = FIXTURE_CANVAS,
): Drawing {
  let t = 0;
  return {
    strokes: strokes.map((corners) => {
      const s = polyline(corners, 4, t);
      t = (s[s.length - 1].t ?? t) + 200;
      return s;
    }),
    width: size,
    height: size,
    brushWidth,
  };
}

/**
 * Scribbles that are no digit, and a drawing between two digits. Which of them a model is unsure of depends on the model, so the
 * redraw test picks, with `leastSureScribble`, the one the served model is least sure of.
 */
export const SCRIBBLES: Record<string, [number, number][][]> = {
  // Between a 1 with a long flag and a 7 with a short bar: a digit, but which?
  oneOrSeven: [
    [
      [120, 60],
      [162, 61],
      [155, 230],
    ],
  ],
  zigzag: [
    [
      [145, 104],
      [96, 220],
      [100, 85],
      [188, 212],
    ],
  ],
  wave: [
    [
      [60, 140],
      [90, 100],
      [120, 180],
      [150, 100],
      [180, 180],
      [210, 120],
    ],
  ],
  spiral: [
    [
      [140, 140],
      [160, 130],
      [160, 160],
      [120, 170],
      [110, 120],
      [160, 90],
      [200, 140],
      [170, 210],
      [100, 210],
      [70, 140],
      [120, 60],
    ],
  ],
};

/**
 * The scribble whose highest confidence under `recognize` (never one it calls not a digit), over shifts of ±10 px and scalings of
 * 0.9–1.1 about the canvas centre (a mouse never lands exactly on the points), is lowest; with
 * that confidence, so a test can require it to be below the model's threshold. Scribbles the
 * model calls "not a digit" at any of those placements are passed over: the test wants "Not sure".
 */
export function leastSureScribble(
  recognize: (d: Drawing) => { confidence: number; verdict?: string },
  brushWidth = 18,
  size = FIXTURE_CANVAS,
): { name: string; strokes: [number, number][][]; maxConfidence: number } {
  const c = size / 2;
  let best = { name: '', strokes: [] as [number, number][][], maxConfidence: Infinity };
  for (const [name, strokes] of Object.entries(SCRIBBLES)) {
    let max = 0;
    let notDigit = false;
    for (const scale of [0.9, 1, 1.1]) {
      for (const dx of [-10, 0, 10]) {
        for (const dy of [-10, 0, 10]) {
          const moved = strokes.map((s) =>
            s.map(([x, y]): [number, number] => [
              c + (x - c) * scale + dx,
              c + (y - c) * scale + dy,
            ]),
          );
          const read = recognize(drawingOf(moved, brushWidth, size));
          max = Math.max(max, read.confidence);
          if (read.verdict === 'not-a-digit') notDigit = true;
        }
      }
    }
    if (!notDigit && max < best.maxConfidence) best = { name, strokes, maxConfidence: max };
  }
  return best;
}
