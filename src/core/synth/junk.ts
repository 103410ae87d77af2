/**
 * Non-digits, drawn on a canvas the way digits are: taps and dots, dashes, shapes, letters, symbols,
 * scribbles, two digits at once and digits left half-drawn. They teach the not-a-digit reader what
 * a digit is not, and whole kinds are held out to measure it on kinds it never saw. Shapes that
 * are digits to a reader (a plain circle is a 0, a vertical line a 1, an S a 5, a Z a 2) are left
 * out on purpose.
 */
import { createRng } from '../random.js';
import type { Drawing, Point, Rng, Stroke } from '../types.js';
import { checkInteger, uniform } from './check.js';
import { drawTemplate, pickTemplate } from './generate.js';
import { placeOnCanvas, polylineLength, resampleByArcLength, roundStrokes } from './geometry.js';
import { type ControlPoint, type DigitTemplate, ellipsePoints, TEMPLATES } from './templates.js';

const C = true;

/** The kinds of non-digit, each drawn by its own generator. */
export const JUNK_KINDS = [
  'tap',
  'dots',
  'dash',
  'cross',
  'hash',
  'star',
  'square',
  'triangle',
  'smiley',
  'letter',
  'scribble',
  'zigzag',
  'spiral',
  'two-digits',
  'half-digit',
  'symbol',
] as const;
export type JunkKind = (typeof JUNK_KINDS)[number];

/** A non-digit drawing and its kind (and, for letters and shapes, which one). */
export interface JunkDrawing {
  id: string;
  kind: JunkKind;
  drawing: Drawing;
}

type Shape = readonly { points: readonly ControlPoint[]; closed?: boolean }[];

/** Letters that no reader should take for a digit (not O, I, S, Z, G, B, q, g, b, l). */
const LETTERS: Record<string, Shape> = {
  A: [
    {
      points: [
        [0, 1],
        [0.3, 0, C],
        [0.6, 1],
      ],
    },
    {
      points: [
        [0.12, 0.62],
        [0.48, 0.62],
      ],
    },
  ],
  E: [
    {
      points: [
        [0.55, 0],
        [0, 0, C],
        [0, 1, C],
        [0.55, 1],
      ],
    },
    {
      points: [
        [0, 0.5],
        [0.42, 0.5],
      ],
    },
  ],
  F: [
    {
      points: [
        [0.55, 0],
        [0, 0, C],
        [0, 1],
      ],
    },
    {
      points: [
        [0, 0.48],
        [0.4, 0.48],
      ],
    },
  ],
  H: [
    {
      points: [
        [0, 0],
        [0, 1],
      ],
    },
    {
      points: [
        [0.55, 0],
        [0.55, 1],
      ],
    },
    {
      points: [
        [0, 0.5],
        [0.55, 0.5],
      ],
    },
  ],
  K: [
    {
      points: [
        [0, 0],
        [0, 1],
      ],
    },
    {
      points: [
        [0.55, 0],
        [0.02, 0.55, C],
        [0.58, 1],
      ],
    },
  ],
  M: [
    {
      points: [
        [0, 1],
        [0.05, 0, C],
        [0.35, 0.6, C],
        [0.65, 0, C],
        [0.7, 1],
      ],
    },
  ],
  N: [
    {
      points: [
        [0, 1],
        [0, 0, C],
        [0.55, 1, C],
        [0.55, 0],
      ],
    },
  ],
  R: [
    {
      points: [
        [0, 1],
        [0, 0, C],
        [0.4, 0.02],
        [0.52, 0.22],
        [0.4, 0.44],
        [0, 0.46, C],
        [0.55, 1],
      ],
    },
  ],
  W: [
    {
      points: [
        [0, 0],
        [0.16, 1, C],
        [0.35, 0.35, C],
        [0.54, 1, C],
        [0.7, 0],
      ],
    },
  ],
  Y: [
    {
      points: [
        [0, 0],
        [0.3, 0.45, C],
        [0.6, 0],
      ],
    },
    {
      points: [
        [0.3, 0.45],
        [0.3, 1],
      ],
    },
  ],
  e: [
    {
      points: [
        [0.06, 0.55],
        [0.55, 0.5],
        [0.5, 0.3],
        [0.3, 0.22],
        [0.08, 0.4],
        [0.06, 0.75],
        [0.3, 0.95],
        [0.58, 0.86],
      ],
    },
  ],
  m: [
    {
      points: [
        [0, 1],
        [0, 0.35, C],
        [0.08, 0.3],
        [0.22, 0.35],
        [0.3, 0.55],
        [0.32, 1, C],
        [0.34, 0.4],
        [0.48, 0.3],
        [0.62, 0.4],
        [0.66, 1],
      ],
    },
  ],
  w: [
    {
      points: [
        [0, 0.35],
        [0.15, 1, C],
        [0.33, 0.5, C],
        [0.5, 1, C],
        [0.66, 0.35],
      ],
    },
  ],
  k: [
    {
      points: [
        [0, 0],
        [0, 1],
      ],
    },
    {
      points: [
        [0.45, 0.35],
        [0.02, 0.68, C],
        [0.5, 1],
      ],
    },
  ],
  x: [
    {
      points: [
        [0, 0.35],
        [0.55, 1],
      ],
    },
    {
      points: [
        [0.55, 0.35],
        [0, 1],
      ],
    },
  ],
};

/** Shapes in the unit box (y down), drawn through `drawTemplate` with its jitter and bending. */
const SHAPES: Record<string, Shape> = {
  cross: [
    {
      points: [
        [0, 0],
        [0.8, 1],
      ],
    },
    {
      points: [
        [0.8, 0],
        [0, 1],
      ],
    },
  ],
  plus: [
    {
      points: [
        [0.4, 0],
        [0.4, 1],
      ],
    },
    {
      points: [
        [0, 0.5],
        [0.8, 0.5],
      ],
    },
  ],
  hash: [
    {
      points: [
        [0.25, 0],
        [0.15, 1],
      ],
    },
    {
      points: [
        [0.6, 0],
        [0.5, 1],
      ],
    },
    {
      points: [
        [0, 0.33],
        [0.8, 0.33],
      ],
    },
    {
      points: [
        [0, 0.67],
        [0.75, 0.67],
      ],
    },
  ],
  star: [
    {
      points: [
        [0.2, 1],
        [0.45, 0, C],
        [0.72, 1, C],
        [0, 0.36, C],
        [0.9, 0.36, C],
        [0.2, 1],
      ],
    },
  ],
  square: [
    {
      points: [
        [0, 0],
        [0.9, 0, C],
        [0.9, 1, C],
        [0, 1, C],
        [0, 0],
      ],
    },
  ],
  triangle: [
    {
      points: [
        [0.45, 0],
        [0.9, 1, C],
        [0, 1, C],
        [0.45, 0],
      ],
    },
  ],
  smiley: [
    { closed: true, points: ellipsePoints(0.5, 0.5, 0.5, 0.5, 0, 8) },
    {
      points: [
        [0.33, 0.34],
        [0.34, 0.38],
      ],
    },
    {
      points: [
        [0.66, 0.34],
        [0.67, 0.38],
      ],
    },
    {
      points: [
        [0.25, 0.62],
        [0.5, 0.78],
        [0.75, 0.62],
      ],
    },
  ],
  zigzag: [
    {
      points: [
        [0, 0.2],
        [0.2, 0.8, C],
        [0.4, 0.2, C],
        [0.6, 0.8, C],
        [0.8, 0.2, C],
        [1, 0.8],
      ],
    },
  ],
  spiral: [
    {
      points: Array.from({ length: 22 }, (_, i): ControlPoint => {
        const a = i * 0.75;
        const r = 0.04 + 0.021 * i;
        return [0.5 + r * Math.cos(a), 0.5 + r * Math.sin(a)];
      }),
    },
  ],
};

function asTemplate(style: string, shape: Shape): DigitTemplate {
  return { digit: 0, style, weight: 1, strokes: shape };
}

/** Taps: one to three points in one spot, or a few scattered dots. */
function dots(rng: Rng, canvas: number, scattered: boolean): Drawing {
  const n = scattered ? 2 + Math.floor(rng() * 5) : 1;
  const cx = canvas * (0.2 + 0.6 * rng());
  const cy = canvas * (0.2 + 0.6 * rng());
  const strokes: Stroke[] = [];
  for (let i = 0; i < n; i++) {
    const x = scattered ? canvas * (0.15 + 0.7 * rng()) : cx;
    const y = scattered ? canvas * (0.15 + 0.7 * rng()) : cy;
    const points = 1 + Math.floor(rng() * 3);
    strokes.push(
      Array.from({ length: points }, () => ({
        x: x + 3 * (rng() - 0.5),
        y: y + 3 * (rng() - 0.5),
      })),
    );
  }
  return {
    strokes: roundStrokes(strokes),
    width: canvas,
    height: canvas,
    brushWidth: 14 + 8 * rng(),
  };
}

/** A short dash, flat or tilted, at most 45° from the horizontal (a vertical one would be a 1). */
function dash(rng: Rng, canvas: number): Drawing {
  const length = canvas * (0.08 + 0.5 * rng());
  const angle = (rng() - 0.5) * (Math.PI / 2);
  const x0 = canvas * (0.5 - 0.3 * rng());
  const y0 = canvas * (0.2 + 0.6 * rng());
  const line: Point[] = [
    { x: x0, y: y0 },
    { x: x0 + length * Math.cos(angle), y: y0 + length * Math.sin(angle) },
  ];
  const stroke = resampleByArcLength(line, () => 3 + 3 * rng());
  return {
    strokes: roundStrokes([stroke]),
    width: canvas,
    height: canvas,
    brushWidth: 14 + 8 * rng(),
  };
}

/** A random walk with many turns filling part of the canvas. */
function scribble(rng: Rng, canvas: number): Drawing {
  const turns = 6 + Math.floor(rng() * 10);
  const points: ControlPoint[] = Array.from({ length: turns }, () => [rng(), rng()]);
  const template = asTemplate('scribble', [{ points }]);
  return drawTemplate(template, rng, { canvas, height: [0.4, 0.85], jitter: 0 });
}

/** Two digit templates side by side, as one drawing (a number, not a digit). */
function twoDigits(rng: Rng, canvas: number): Drawing {
  const parts = [0, 1].map(() => {
    const template = pickTemplate(TEMPLATES, rng);
    return drawTemplate(template, rng, { canvas, height: [0.35, 0.5] });
  });
  const strokes = parts.flatMap((p, i) => {
    const xs = p.strokes.flat().map((q) => q.x);
    const shift =
      (i === 0 ? canvas * 0.28 : canvas * 0.72) - (Math.min(...xs) + Math.max(...xs)) / 2;
    return p.strokes.map((s) => s.map((q) => ({ x: q.x + shift, y: q.y })));
  });
  return {
    strokes: roundStrokes(strokes),
    width: canvas,
    height: canvas,
    brushWidth: parts[0].brushWidth,
  };
}

/** A digit's drawing cut off after its first 20–50% of ink. */
function halfDigit(rng: Rng, canvas: number): Drawing {
  const template = pickTemplate(TEMPLATES, rng);
  const whole = drawTemplate(template, rng, { canvas });
  const total = whole.strokes.reduce((s, st) => s + polylineLength(st), 0);
  let keep = total * (0.2 + 0.3 * rng());
  const strokes: Stroke[] = [];
  for (const st of whole.strokes) {
    if (keep <= 0) break;
    const out: Point[] = [st[0]];
    for (let i = 1; i < st.length && keep > 0; i++) {
      keep -= Math.hypot(st[i].x - st[i - 1].x, st[i].y - st[i - 1].y);
      out.push(st[i]);
    }
    strokes.push(out);
  }
  return { ...whole, strokes };
}

/**
 * Symbols a person may write on a pad instead of a digit: punctuation, arithmetic and currency
 * marks, an arrow, a tick, a heart, infinity. A kind of its own, apart from the letters.
 */
const SYMBOLS: Record<string, Shape> = {
  question: [
    {
      points: [
        [0.05, 0.22],
        [0.25, 0.02],
        [0.5, 0.05],
        [0.58, 0.25],
        [0.45, 0.45],
        [0.3, 0.58],
        [0.3, 0.75],
      ],
    },
    {
      points: [
        [0.3, 0.95],
        [0.31, 0.98],
      ],
    },
  ],
  exclamation: [
    {
      points: [
        [0.3, 0],
        [0.28, 0.72],
      ],
    },
    {
      points: [
        [0.28, 0.95],
        [0.29, 0.98],
      ],
    },
  ],
  percent: [
    {
      points: [
        [0.7, 0],
        [0.05, 1],
      ],
    },
    { closed: true, points: ellipsePoints(0.15, 0.15, 0.13, 0.14, 0, 6) },
    { closed: true, points: ellipsePoints(0.6, 0.85, 0.13, 0.14, 0, 6) },
  ],
  equals: [
    {
      points: [
        [0, 0.35],
        [0.8, 0.35],
      ],
    },
    {
      points: [
        [0, 0.65],
        [0.8, 0.65],
      ],
    },
  ],
  arrow: [
    {
      points: [
        [0, 0.5],
        [1, 0.5],
      ],
    },
    {
      points: [
        [0.72, 0.25],
        [1, 0.5, C],
        [0.72, 0.75],
      ],
    },
  ],
  tick: [
    {
      points: [
        [0, 0.55],
        [0.3, 1, C],
        [0.9, 0],
      ],
    },
  ],
  heart: [
    {
      points: [
        [0.5, 0.3],
        [0.3, 0.02],
        [0.05, 0.12],
        [0.08, 0.45],
        [0.5, 1, C],
        [0.92, 0.45],
        [0.95, 0.12],
        [0.7, 0.02],
        [0.5, 0.3, C],
      ],
    },
  ],
  infinity: [
    {
      points: [
        [0.5, 0.5],
        [0.75, 0.25],
        [1, 0.5],
        [0.75, 0.75],
        [0.5, 0.5],
        [0.25, 0.25],
        [0, 0.5],
        [0.25, 0.75],
        [0.5, 0.5],
      ],
    },
  ],
  dollar: [
    {
      points: [
        [0.62, 0.2],
        [0.35, 0.1],
        [0.08, 0.25],
        [0.2, 0.45],
        [0.5, 0.55],
        [0.62, 0.75],
        [0.35, 0.9],
        [0.02, 0.8],
      ],
    },
    {
      points: [
        [0.33, 0],
        [0.33, 1],
      ],
    },
  ],
  less: [
    {
      points: [
        [0.7, 0.1],
        [0, 0.5, C],
        [0.7, 0.9],
      ],
    },
  ],
  tilde: [
    {
      points: [
        [0, 0.6],
        [0.25, 0.4],
        [0.5, 0.55],
        [0.75, 0.6],
        [1, 0.4],
      ],
    },
  ],
};

function drawShape(rng: Rng, canvas: number, name: string, height: [number, number]): Drawing {
  return drawTemplate(asTemplate(name, SHAPES[name]), rng, { canvas, height });
}

/** One of the shapes of `table`, picked at random and drawn like a template, and its name. */
function drawOneOf(
  kind: string,
  table: Record<string, Shape>,
  rng: Rng,
  canvas: number,
): { drawing: Drawing; what: string } {
  const names = Object.keys(table);
  const name = names[Math.floor(rng() * names.length)];
  return {
    drawing: drawTemplate(asTemplate(`${kind}-${name}`, table[name]), rng, { canvas }),
    what: name,
  };
}

/** One drawing of `kind`, and which letter or shape it is. */
export function drawJunk(
  kind: JunkKind,
  rng: Rng,
  canvas = 280,
): { drawing: Drawing; what: string } {
  switch (kind) {
    case 'tap':
      return { drawing: dots(rng, canvas, false), what: 'tap' };
    case 'dots':
      return { drawing: dots(rng, canvas, true), what: 'dots' };
    case 'dash':
      return { drawing: dash(rng, canvas), what: 'dash' };
    case 'cross':
      return {
        drawing: drawShape(rng, canvas, rng() < 0.6 ? 'cross' : 'plus', [0.3, 0.8]),
        what: 'cross',
      };
    case 'letter':
      return drawOneOf('letter', LETTERS, rng, canvas);
    case 'symbol':
      return drawOneOf('symbol', SYMBOLS, rng, canvas);
    case 'scribble':
      return { drawing: scribble(rng, canvas), what: 'scribble' };
    case 'two-digits':
      return { drawing: twoDigits(rng, canvas), what: 'two-digits' };
    case 'half-digit':
      return { drawing: halfDigit(rng, canvas), what: 'half-digit' };
    default:
      return { drawing: drawShape(rng, canvas, kind, [0.3, 0.85]), what: kind };
  }
}

/** Options of {@link generateJunkDrawings}. */
export interface JunkOptions {
  count: number;
  seed: number;
  /** Only these kinds (default all), dealt round-robin so each gets ⌊count/k⌋ or ⌈count/k⌉. */
  kinds?: readonly JunkKind[];
  canvas?: number;
}

/** `count` non-digit drawings, kinds balanced, reproducibly from `seed`. */
export function generateJunkDrawings(options: JunkOptions): JunkDrawing[] {
  const count = checkInteger('count', options.count);
  const kinds = options.kinds ?? JUNK_KINDS;
  for (const k of kinds) {
    if (!(JUNK_KINDS as readonly string[]).includes(k))
      throw new RangeError(
        `kinds: unknown kind ${JSON.stringify(k)}; kinds are ${JUNK_KINDS.join(', ')}`,
      );
  }
  if (kinds.length === 0) throw new RangeError('kinds must not be empty');
  const rng = createRng(options.seed);
  const canvas = options.canvas ?? 280;
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length];
    const { drawing, what } = drawJunk(kind, rng, canvas);
    // A shape bent off the canvas is pulled back inside, like a digit.
    const inside = fitOnCanvas(drawing, canvas, rng);
    return { id: `junk/${options.seed}/${i}/${kind}/${what}`, kind, drawing: inside };
  });
}

/** The drawing scaled into the canvas when it spills over an edge (dots and dashes stay as drawn). */
function fitOnCanvas(d: Drawing, canvas: number, rng: Rng): Drawing {
  const pts = d.strokes.flat();
  if (pts.every((p) => p.x >= 0 && p.y >= 0 && p.x <= canvas && p.y <= canvas)) return d;
  const ys = pts.map((p) => p.y);
  const xs = pts.map((p) => p.x);
  const h = Math.max(Math.max(...ys) - Math.min(...ys), Math.max(...xs) - Math.min(...xs), 1);
  const target = Math.min(h, canvas * uniform(rng, [0.5, 0.85]));
  const placed = placeOnCanvas(d.strokes, canvas, target, d.brushWidth, rng);
  return { ...d, strokes: roundStrokes(placed) };
}
