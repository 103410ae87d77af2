import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fitGeometryRange,
  GEOMETRY,
  GEOMETRY_LENGTH,
  geometryFeatures,
  outsideRange,
} from '../junk.js';
import { generateJunkDrawings, JUNK_KINDS } from './junk.js';

test('non-digits: reproducible from the seed, kinds balanced, on the canvas', () => {
  const a = generateJunkDrawings({ count: 160, seed: 4 });
  const b = generateJunkDrawings({ count: 160, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(generateJunkDrawings({ count: 160, seed: 5 }), a);
  for (const kind of JUNK_KINDS) assert.equal(a.filter((j) => j.kind === kind).length, 10, kind);
  for (const j of a) {
    assert.ok(j.drawing.strokes.length > 0 && j.drawing.strokes.every((s) => s.length > 0), j.id);
    for (const p of j.drawing.strokes.flat()) {
      assert.ok(p.x >= 0 && p.y >= 0 && p.x <= 280 && p.y <= 280, `${j.id} (${p.x}, ${p.y})`);
    }
    assert.match(j.id, new RegExp(`^junk/4/\\d+/${j.kind}/`));
  }
  const only = generateJunkDrawings({ count: 6, seed: 1, kinds: ['star', 'letter'] });
  assert.deepEqual(
    only.map((j) => j.kind),
    ['star', 'letter', 'star', 'letter', 'star', 'letter'],
  );
  assert.throws(
    () => generateJunkDrawings({ count: 1, seed: 1, kinds: ['circle' as never] }),
    /kinds: unknown kind "circle"; kinds are tap, dots/,
  );
});

test('geometry: a tap spans under 5% of the canvas, a digit-sized stroke does not', () => {
  const tap = {
    strokes: [
      [
        { x: 100, y: 100 },
        { x: 101, y: 101 },
      ],
    ],
    width: 280,
    height: 280,
    brushWidth: 18,
  };
  const g = geometryFeatures(tap);
  assert.equal(g.length, GEOMETRY_LENGTH);
  assert.equal(g[GEOMETRY.tiny], 1, 'tiny');
  assert.ok(g[GEOMETRY.size] < 0.02);
  const line = {
    strokes: [
      [
        { x: 140, y: 40 },
        { x: 140, y: 240 },
      ],
    ],
    width: 280,
    height: 280,
    brushWidth: 18,
  };
  const h = geometryFeatures(line);
  assert.equal(h[GEOMETRY.tiny], 0);
  assert.equal(h[GEOMETRY.size], 1, 'a span over a quarter of the canvas saturates');
  assert.ok(Math.abs(h[GEOMETRY.length] - 1 / 20) < 1e-6, 'a straight line is as long as its span');
  assert.equal(h[GEOMETRY.turning], 0, 'no turning');
  assert.equal(h[GEOMETRY.corners], 0, 'no corners');
  assert.equal(h[GEOMETRY.strokes], Math.fround(Math.log1p(1) / Math.log1p(100)), 'one stroke');
  const small = geometryFeatures(line, undefined, 0.25);
  assert.ok(
    Math.abs(small[GEOMETRY.size] - (0.25 * 200) / 280 / 0.25) < 1e-6,
    'drawn a quarter as big',
  );
  assert.equal(small[GEOMETRY.length], h[GEOMETRY.length], 'the rest does not depend on size');
});

/** A square drawn in one stroke, with `perSide` points on each side, at `scale` about (140, 140). */
function square(perSide: number, scale: number) {
  const corners = [
    [60, 60],
    [220, 60],
    [220, 220],
    [60, 220],
    [60, 60],
  ];
  const stroke: { x: number; y: number }[] = [];
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < perSide; i++) {
      const f = i / perSide;
      const x = corners[c][0] + (corners[c + 1][0] - corners[c][0]) * f;
      const y = corners[c][1] + (corners[c + 1][1] - corners[c][1]) * f;
      stroke.push({ x: 140 + (x - 140) * scale, y: 140 + (y - 140) * scale });
    }
  }
  stroke.push({ x: 140 + (60 - 140) * scale, y: 140 + (60 - 140) * scale });
  return { strokes: [stroke], width: 280, height: 280, brushWidth: 18 };
}

test('geometry: the same shape gives the same features at any sampling density, and any size above a quarter of the canvas', () => {
  const sparse = geometryFeatures(square(4, 1));
  const dense = geometryFeatures(square(80, 1));
  for (let j = 0; j < GEOMETRY_LENGTH; j++) {
    assert.ok(Math.abs(sparse[j] - dense[j]) < 0.02, `feature ${j}: ${sparse[j]} vs ${dense[j]}`);
  }
  assert.equal(sparse[GEOMETRY.corners], 3 / 16, 'a square drawn from a corner turns at three');
  const half = geometryFeatures(square(20, 0.5));
  for (let j = 0; j < GEOMETRY_LENGTH; j++) {
    assert.ok(Math.abs(half[j] - dense[j]) < 0.02, `feature ${j} at half size`);
  }
  const dots = geometryFeatures({
    strokes: [
      [{ x: 50, y: 50 }],
      [{ x: 200, y: 200 }],
      [
        { x: 50, y: 200 },
        { x: 200, y: 50 },
      ],
    ],
    width: 280,
    height: 280,
    brushWidth: 18,
  });
  assert.equal(dots[GEOMETRY.dots], Math.fround(2 / 3), 'two of three strokes are dots');
  assert.ok(dots[GEOMETRY.penUp] > 0, 'pen-up travel between strokes');
});

test('geometry range: quantiles of the digits, and the first feature outside them', () => {
  const n = 1000;
  const d = GEOMETRY_LENGTH;
  const data = new Float32Array(n * d);
  // Feature j of row i is i / 999 (0 … 1): quantiles are plain.
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = i / (n - 1);
  const range = fitGeometryRange({ n, d, data }, 0.01);
  assert.equal(range.low[GEOMETRY.size], Math.fround(9 / 999));
  assert.equal(range.high[GEOMETRY.length], Math.fround(989 / 999));
  assert.equal(range.low[GEOMETRY.length], null);
  assert.equal(range.high[GEOMETRY.size], null);
  assert.equal(range.high[GEOMETRY.aspect], null, 'aspect is not bounded');
  const g = new Float32Array(d).fill(0.5);
  assert.equal(outsideRange(g, range), -1);
  g[GEOMETRY.size] = 0.001;
  assert.equal(outsideRange(g, range), GEOMETRY.size, 'too small');
  g[GEOMETRY.size] = 0.5;
  g[GEOMETRY.strokes] = 0.999;
  assert.equal(outsideRange(g, range), GEOMETRY.strokes, 'too many strokes');
});

test('geometry range: the stroke bound never refuses three strokes, even if no digit had them', () => {
  const n = 100;
  const d = GEOMETRY_LENGTH;
  const data = new Float32Array(n * d);
  // Every digit has one stroke.
  for (let i = 0; i < n; i++) data[i * d + GEOMETRY.strokes] = Math.log1p(1) / Math.log1p(100);
  const range = fitGeometryRange({ n, d, data }, 0.01);
  const g = new Float32Array(d);
  g[GEOMETRY.strokes] = Math.log1p(3) / Math.log1p(100);
  assert.equal(outsideRange(g, range), -1, 'three strokes');
  g[GEOMETRY.strokes] = Math.log1p(4) / Math.log1p(100);
  assert.equal(outsideRange(g, range), GEOMETRY.strokes, 'four strokes');
});

/** A drawing of straight strokes, each given as its two ends. */
function lines(...strokes: [number, number, number, number][]) {
  return {
    strokes: strokes.map(([x0, y0, x1, y1]) => [
      { x: x0, y: y0 },
      { x: x1, y: y1 },
    ]),
    width: 280,
    height: 280,
    brushWidth: 18,
  };
}

test('geometry: the side gap is 0 for strokes that overlap left to right or nearly meet, and measures marks side by side', () => {
  // A 4 as two strokes: the arm crosses the stem.
  const crossing = lines([60, 40, 60, 140], [60, 140, 180, 140], [150, 40, 150, 240]);
  assert.equal(geometryFeatures(crossing)[GEOMETRY.gap], 0);
  // The arm stops 10 px (a twentieth of the 200-px height) short of the stem: inside the dead zone.
  const short = lines([60, 40, 60, 140], [60, 140, 140, 140], [150, 40, 150, 240]);
  assert.equal(geometryFeatures(short)[GEOMETRY.gap], 0);
  // Two marks 100 px apart, 100 px tall: the gap is the height, 1 − 0.1 of it counted, halved.
  const apart = lines([40, 90, 40, 190], [60, 90, 80, 190], [180, 90, 240, 190]);
  assert.ok(Math.abs(geometryFeatures(apart)[GEOMETRY.gap] - 0.9 / 2) < 1e-6);
  // The widest of several gaps counts, whatever the order the strokes were drawn in.
  const reversed = lines([180, 90, 240, 190], [60, 90, 80, 190], [40, 90, 40, 190]);
  assert.equal(geometryFeatures(reversed)[GEOMETRY.gap], geometryFeatures(apart)[GEOMETRY.gap]);
  // Far apart, short marks: saturates at 1.
  assert.equal(geometryFeatures(lines([10, 100, 10, 110], [270, 100, 270, 110]))[GEOMETRY.gap], 1);
});
