import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../random.js';
import type { LabelledDrawing, Point, Stroke } from '../types.js';
import { augmentDrawing, fitInside, resampleByTime } from './augment.js';
import { boundingBox } from './geometry.js';

function labelled(strokes: Stroke[], brushWidth = 18): LabelledDrawing {
  return {
    id: 'pen/7',
    label: 7,
    group: 'writer-3',
    drawing: { strokes, width: 280, height: 280, brushWidth },
  };
}

const line = labelled([
  [
    { x: 40, y: 100 },
    { x: 240, y: 100 },
  ],
]);
const seven = labelled([
  [
    { x: 60, y: 50 },
    { x: 200, y: 52 },
    { x: 150, y: 150 },
    { x: 110, y: 240 },
  ],
  [
    { x: 100, y: 140 },
    { x: 190, y: 140 },
  ],
]);
/** No bending, no jitter: only the resampling acts. */
const still = {
  maxRotation: 0,
  maxShear: 0,
  scale: [1, 1],
  aspect: [1, 1],
  jitter: 0,
  brushWidth: null,
} as const;

function gaps(s: Point[]): number[] {
  return s.slice(1).map((p, i) => Math.hypot(p.x - s[i].x, p.y - s[i].y));
}

test('augmentDrawing keeps label, group, canvas and strokes; names the copy', () => {
  const out = augmentDrawing(seven, createRng(1));
  assert.equal(out.label, 7);
  assert.equal(out.group, 'writer-3');
  assert.equal(out.id, 'pen/7/aug');
  assert.equal(out.drawing.width, 280);
  assert.equal(out.drawing.height, 280);
  assert.equal(out.drawing.strokes.length, 2);
  assert.ok(out.drawing.brushWidth >= 14 && out.drawing.brushWidth <= 22);
  assert.equal(augmentDrawing(seven, createRng(1), { id: 'other' }).id, 'other');
  assert.equal(augmentDrawing(seven, createRng(1), { brushWidth: null }).drawing.brushWidth, 18);
  // The input is not modified.
  assert.deepEqual(seven.drawing.strokes[1], [
    { x: 100, y: 140 },
    { x: 190, y: 140 },
  ]);
});

test('augmentDrawing is seeded by its rng', () => {
  assert.deepEqual(augmentDrawing(seven, createRng(5)), augmentDrawing(seven, createRng(5)));
  assert.notDeepEqual(augmentDrawing(seven, createRng(5)), augmentDrawing(seven, createRng(6)));
});

test('dense resampling puts a point every 3–6 px on the original path', () => {
  const out = augmentDrawing(line, createRng(2), { ...still, sparse: 0, dense: 1 });
  const [s] = out.drawing.strokes;
  assert.deepEqual(s[0], { x: 40, y: 100 });
  assert.deepEqual(s[s.length - 1], { x: 240, y: 100 });
  for (const p of s) assert.equal(p.y, 100);
  const g = gaps(s).slice(0, -1);
  assert.ok(g.every((d) => d >= 3 * 0.8 - 0.02 && d <= 6 * 1.2 + 0.02));
  assert.ok(s.length >= 200 / 7.2 && s.length <= 200 / 2.4 + 2);
});

test('sparse resampling leaves long straight segments, 8–20 px apart', () => {
  const path = labelled([
    Array.from({ length: 101 }, (_, i) => ({ x: 40 + 2 * i, y: 100 + 30 * Math.sin(i / 20) })),
  ]);
  const out = augmentDrawing(path, createRng(3), { ...still, sparse: 1, dense: 0 });
  const [s] = out.drawing.strokes;
  assert.ok(s.length < 40 && s.length >= 10, `${s.length} points`);
  const g = gaps(s).slice(0, -1);
  assert.ok(g.every((d) => d >= 8 * 0.7 * 0.9 && d <= 20 * 1.3 + 0.02));
});

test('sparse resampling of timed strokes takes a point every 100 ms', () => {
  const timed = labelled([
    Array.from({ length: 51 }, (_, i) => ({ x: 40 + 4 * i, y: 120, t: 10 * i })),
  ]);
  const out = augmentDrawing(timed, createRng(3), { ...still, sparse: 1, dense: 0 });
  const [s] = out.drawing.strokes;
  assert.deepEqual(
    s.map((p) => p.t),
    [0, 100, 200, 300, 400, 500],
  );
  assert.deepEqual(
    s.map((p) => p.x),
    [40, 80, 120, 160, 200, 240],
  );
});

test('keeping the points: with every effect off the drawing comes back the same', () => {
  const out = augmentDrawing(seven, createRng(4), { ...still, sparse: 0, dense: 0 });
  assert.deepEqual(out.drawing, seven.drawing);
});

test('the ink stays inside the canvas even when scaled up and near an edge', () => {
  const edge = labelled([
    [
      { x: 12, y: 12 },
      { x: 268, y: 268 },
    ],
    [{ x: 268, y: 12 }],
  ]);
  for (let seed = 0; seed < 30; seed++) {
    const out = augmentDrawing(edge, createRng(seed), { scale: [1.3, 1.5], maxRotation: 20 });
    const r = out.drawing.brushWidth / 2;
    const box = boundingBox(out.drawing.strokes)!;
    assert.ok(box.minX >= r && box.minY >= r && box.maxX <= 280 - r && box.maxY <= 280 - r);
    // A one-point stroke (a dot) stays a dot.
    assert.equal(out.drawing.strokes[1].length, 1);
  }
});

test('rotation turns the drawing by at most maxRotation', () => {
  for (let seed = 0; seed < 20; seed++) {
    const out = augmentDrawing(line, createRng(seed), {
      ...still,
      maxRotation: 10,
      sparse: 0,
      dense: 0,
    });
    const [a, b] = out.drawing.strokes[0];
    const deg = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
    assert.ok(Math.abs(deg) <= 10 + 0.01);
    assert.ok(Math.abs(Math.hypot(b.x - a.x, b.y - a.y) - 200) < 0.05);
  }
});

test('resampleByTime: known points every 50 ms', () => {
  const out = resampleByTime(
    [
      { x: 0, y: 0, t: 0 },
      { x: 10, y: 0, t: 100 },
      { x: 10, y: 10, t: 300 },
    ],
    50,
  );
  assert.deepEqual(out, [
    { x: 0, y: 0, t: 0 },
    { x: 5, y: 0, t: 50 },
    { x: 10, y: 0, t: 100 },
    { x: 10, y: 2.5, t: 150 },
    { x: 10, y: 5, t: 200 },
    { x: 10, y: 7.5, t: 250 },
    { x: 10, y: 10, t: 300 },
  ]);
  assert.throws(() => resampleByTime(out, 0), /interval/);
});

test('fitInside shrinks about the centre and shifts inside; fitting strokes are unchanged', () => {
  const wide = [
    [
      { x: -20, y: 50 },
      { x: 120, y: 50 },
    ],
  ];
  const out = fitInside(wide, 100, 100, 10);
  // Room 100 − 10 − 0.02 for a width of 140: scale 89.98 / 140, centred at x = 50.
  assert.ok(Math.abs(out[0][0].x - (50 - 89.98 / 2)) < 1e-9);
  assert.ok(Math.abs(out[0][1].x - (50 + 89.98 / 2)) < 1e-9);
  assert.equal(out[0][0].y, 50);
  const fits = [[{ x: 30, y: 40, t: 5 }]];
  assert.deepEqual(fitInside(fits, 100, 100, 10), fits);
});

test('augmentDrawing rejects impossible options', () => {
  assert.throws(() => augmentDrawing(seven, createRng(1), { sparse: 0.8, dense: 0.5 }), /dense/);
  assert.throws(() => augmentDrawing(seven, createRng(1), { scale: [2, 1] }), /scale/);
  assert.throws(() => augmentDrawing(seven, createRng(1), { jitter: -1 }), /jitter/);
});
