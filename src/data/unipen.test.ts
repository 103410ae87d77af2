import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LabelledDrawing, Stroke } from '../core/types.js';
import { DataFormatError } from './errors.js';
import { parseUnipen } from './unipen.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const UNIPEN_FILE = join(SHARED, 'pendigits-train.unipen');
const JSONL_FILE = join(SHARED, 'pendigits-train.strokes.jsonl');
const skipShared = existsSync(UNIPEN_FILE)
  ? false
  : `shared pen data not found at ${SHARED} (see /work/shared/data/README.md)`;

// Two digits by hand. Tablet y points up: the "1" is drawn from the bottom (y 0) to the top.
const SMALL = [
  '.INCLUDE        dene.doc',
  '.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"',
  '.HIERARCHY      DIGIT',
  '',
  '.SEGMENT DIGIT    0 ? "1"',
  '.COMMENT 1 12  224',
  '.PEN_DOWN',
  '  10    0',
  '  10  100',
  '.PEN_UP',
  '.DT 100',
  '',
  '.SEGMENT DIGIT 1-2 ? "7"',
  '.COMMENT 7 3   5',
  '.PEN_DOWN',
  '   0  100',
  '  50  100',
  '.PEN_UP',
  '.DT 300',
  '.PEN_DOWN',
  '  50  100',
  '  20    0',
  '.PEN_UP',
  '.DT 100',
  '',
].join('\n');

const xyt = (stroke: Stroke) => stroke.map((p) => [p.x, p.y, p.t]);

function near(actual: number[][], expected: number[][]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    for (let j = 0; j < expected[i].length; j++)
      assert.ok(
        Math.abs(actual[i][j] - expected[i][j]) < 1e-9,
        `point ${i}[${j}]: ${actual[i][j]}`,
      );
}

test('parseUnipen reads labels, writers, strokes; flips y; centres at 70% of the height', () => {
  const [one, seven, ...rest] = parseUnipen(SMALL, '/some/dir/small.unipen');
  assert.equal(rest.length, 0);
  assert.equal(one.id, 'unipen:small.unipen:0');
  assert.equal(one.label, 1);
  assert.equal(one.group, 'writer-12');
  assert.deepEqual(
    { ...one.drawing, strokes: [] },
    { strokes: [], width: 280, height: 280, brushWidth: 18 },
  );
  // Height 100 → 196 px (0.7 × 280): scale 1.96 about the centre (10, 50) → (140, 140).
  near(xyt(one.drawing.strokes[0]) as number[][], [
    [140, 238, 0],
    [140, 42, 100],
  ]);
  assert.equal(seven.id, 'unipen:small.unipen:1');
  assert.equal(seven.label, 7);
  assert.equal(seven.group, 'writer-3');
  // Box 0…50 × 0…100, centre (25, 50), scale 1.96; .DT 300 between the strokes.
  assert.equal(seven.drawing.strokes.length, 2);
  near(xyt(seven.drawing.strokes[0]) as number[][], [
    [91, 42, 0],
    [189, 42, 100],
  ]);
  near(xyt(seven.drawing.strokes[1]) as number[][], [
    [189, 42, 400],
    [130.2, 238, 500],
  ]);
});

test('options set canvas size, brush, fill and timestamps; wide digits fit by width', () => {
  const [one] = parseUnipen(SMALL, 'small', {
    canvasSize: 28,
    brushWidth: 2,
    fill: 0.5,
    timestamps: false,
  });
  // Height 100 → 14 px (0.5 × 28): scale 0.14 about the centre (14, 14); no timestamps.
  assert.equal(one.drawing.strokes.length, 1);
  assert.ok(one.drawing.strokes[0].every((p) => !('t' in p)));
  near(xyt(one.drawing.strokes[0]).map((p) => p.slice(0, 2)) as number[][], [
    [14, 21],
    [14, 7],
  ]);
  assert.equal(one.drawing.width, 28);
  assert.equal(one.drawing.brushWidth, 2);
  const [, seven] = parseUnipen(SMALL, 'small', { sampleIntervalMs: 10 });
  assert.deepEqual(
    seven.drawing.strokes.flat().map((p) => p.t),
    [0, 10, 310, 320],
  );
  const wide = '.SEGMENT DIGIT 0 ? "7"\n.PEN_DOWN\n 0 0\n 200 10\n.PEN_UP\n';
  const [w] = parseUnipen(wide, 'w', { timestamps: false });
  // Width 200 → 196 px: scale 0.98, so the height is 9.8 px.
  near(xyt(w.drawing.strokes[0]).map((p) => p.slice(0, 2)) as number[][], [
    [42, 144.9],
    [238, 135.1],
  ]);
  assert.equal(w.group, undefined);
  const dot = '\uFEFF.SEGMENT DIGIT 0 ? "0"\r\n.PEN_DOWN\r\n 5 5\r\n.PEN_UP\r\n';
  assert.deepEqual(parseUnipen(dot, 'd')[0].drawing.strokes, [[{ x: 140, y: 140, t: 0 }]]);
  assert.throws(
    () => parseUnipen(SMALL, 's', { fill: 1.5 }),
    /options\.fill: expected a number in \(0, 1\], got 1\.5/,
  );
  assert.throws(() => parseUnipen(SMALL, 's', { canvasSize: 0 }), RangeError);
});

function formatError(text: string, message: string, line: number): void {
  assert.throws(
    () => parseUnipen(text, 'bad.unipen'),
    (error: unknown) => {
      assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
      assert.equal(error.message, message);
      assert.equal(error.line, line);
      return true;
    },
  );
}

test('malformed UNIPEN text is reported with the line and what was expected', () => {
  const seg = '.SEGMENT DIGIT 0 ? "3"\n';
  formatError(
    `${seg}.PEN_DOWN\n 1 2\n`,
    'bad.unipen line 4: expected .PEN_UP before the end of the file',
    4,
  );
  formatError(
    `${seg}.PEN_DOWN\n 1 2\n.PEN_DOWN\n`,
    'bad.unipen line 4: expected .PEN_UP before another .PEN_DOWN',
    4,
  );
  formatError(
    `${seg}.PEN_DOWN\n 1 2\n${seg}`,
    'bad.unipen line 4: expected .PEN_UP before .SEGMENT',
    4,
  );
  formatError(`${seg}.PEN_UP\n`, 'bad.unipen line 2: expected .PEN_DOWN before .PEN_UP', 2);
  formatError('.PEN_DOWN\n', 'bad.unipen line 1: expected a .SEGMENT before .PEN_DOWN', 1);
  formatError(
    `${seg} 1 2\n`,
    'bad.unipen line 2: expected "x y" coordinates only between .PEN_DOWN and .PEN_UP, got "1 2"',
    2,
  );
  formatError(
    `${seg}.PEN_DOWN\n 1 2 3\n.PEN_UP\n`,
    'bad.unipen line 3: expected a .KEYWORD line or "x y" coordinates, got "1 2 3"',
    3,
  );
  formatError(
    `${seg}.PEN_DOWN\n 1 x\n.PEN_UP\n`,
    'bad.unipen line 3: expected a .KEYWORD line or "x y" coordinates, got "1 x"',
    3,
  );
  formatError(
    '.SEGMENT DIGIT 0 ? "x"\n',
    'bad.unipen line 1: expected a label "0"–"9", got "x"',
    1,
  );
  formatError(
    '.SEGMENT WORD 0 ? "12"\n',
    'bad.unipen line 1: expected a .SEGMENT of level DIGIT, got WORD',
    1,
  );
  formatError(
    '.SEGMENT DIGIT "3"\n',
    'bad.unipen line 1: expected .SEGMENT DIGIT <strokes> <quality> "<label>", got ".SEGMENT DIGIT "3""',
    1,
  );
  formatError(
    `${seg}.COMMENT 4 1 1\n`,
    'bad.unipen line 2: expected the label 3 of the .SEGMENT on line 1, got 4',
    2,
  );
  formatError(
    `${seg}.COMMENT hello\n`,
    'bad.unipen line 2: expected .COMMENT <label> <writer> <sample>, got ".COMMENT hello"',
    2,
  );
  formatError(
    `${seg}.PEN_DOWN\n.PEN_UP\n`,
    'bad.unipen line 1: digit 0 ("3"): expected at least one point between .PEN_DOWN and .PEN_UP, got none',
    1,
  );
  formatError(
    `${seg}.DT soon\n`,
    'bad.unipen line 2: expected .DT <milliseconds ≥ 0>, got ".DT soon"',
    2,
  );
  formatError(
    `${seg}.PEN_DOWN\n.X_DIM 5\n`,
    'bad.unipen line 3: expected "x y" coordinates or .PEN_UP, got .X_DIM',
    3,
  );
});

test('the shared pendigits UNIPEN file: 7,494 digits, 30 writers, as the JSONL', {
  skip: skipShared,
}, () => {
  const drawings = parseUnipen(readFileSync(UNIPEN_FILE, 'latin1'), UNIPEN_FILE);
  assert.equal(drawings.length, 7494);
  assert.equal(new Set(drawings.map((d) => d.group)).size, 30);
  assert.deepEqual(
    [...new Set(drawings.map((d) => d.label))].sort(),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(drawings[0].label, 8);
  assert.equal(drawings[0].group, 'writer-12');
  assert.equal(drawings[7493].id, 'unipen:pendigits-train.unipen:7493');
  // Every digit's height spans 70% of the canvas unless it is wider than tall.
  for (const d of drawings) {
    const ys = d.drawing.strokes.flat().map((p) => p.y);
    const xs = d.drawing.strokes.flat().map((p) => p.x);
    const h = Math.max(...ys) - Math.min(...ys);
    const w = Math.max(...xs) - Math.min(...xs);
    assert.ok(Math.abs(Math.max(h, w) - 196) < 1e-6, `${d.id}: ${w}×${h}`);
  }
  if (!existsSync(JSONL_FILE)) return;
  // The JSONL holds the same digits in the same order, flipped and placed by other means: the
  // labels and writers agree, and each drawing is ours up to a positive scale and a shift.
  const lines = readFileSync(JSONL_FILE, 'utf8').trim().split('\n');
  assert.equal(lines.length, drawings.length);
  for (let i = 0; i < lines.length; i += 97) {
    const ref = JSON.parse(lines[i]) as { label: number; writer: string; strokes: number[][][] };
    const ours: LabelledDrawing = drawings[i];
    assert.equal(ours.label, ref.label);
    assert.equal(ours.group, `writer-${Number(ref.writer.replace('train-', ''))}`);
    const a = ours.drawing.strokes.flat();
    const b = ref.strokes.flat();
    assert.equal(a.length, b.length);
    const span = (v: number[]) => Math.max(...v) - Math.min(...v);
    const k = span(a.map((p) => p.y)) / span(b.map((p) => p[1]));
    for (let j = 1; j < a.length; j++) {
      assert.ok(Math.abs(a[j].x - a[0].x - k * (b[j][0] - b[0][0])) < 0.1, `${ours.id} x`);
      assert.ok(Math.abs(a[j].y - a[0].y - k * (b[j][1] - b[0][1])) < 0.1, `${ours.id} y`);
    }
  }
});
