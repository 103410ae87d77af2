import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitGeometryRange, GEOMETRY_LENGTH, geometryFeatures, outsideRange } from '../junk.js';
import { generateJunkDrawings, JUNK_KINDS } from './junk.js';

test('non-digits: reproducible from the seed, kinds balanced, on the canvas', () => {
  const a = generateJunkDrawings({ count: 150, seed: 4 });
  const b = generateJunkDrawings({ count: 150, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(generateJunkDrawings({ count: 150, seed: 5 }), a);
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
  assert.equal(g[9], 1, 'tiny');
  assert.ok(g[0] < 0.01);
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
  assert.equal(h[9], 0);
  assert.ok(Math.abs(h[0] - 200 / 280) < 1e-6, 'span');
  assert.ok(Math.abs(h[3] - 1 / 20) < 1e-6, 'a straight line is as long as its span');
  assert.equal(h[7], 0, 'no turning');
  assert.equal(h[4], Math.fround(Math.log1p(1) / Math.log1p(100)), 'one stroke');
});

test('geometry range: quantiles of the digits, and the first feature outside them', () => {
  const n = 1000;
  const d = GEOMETRY_LENGTH;
  const data = new Float32Array(n * d);
  // Feature j of row i is i / 999 (0 … 1): quantiles are plain.
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = i / (n - 1);
  const range = fitGeometryRange({ n, d, data }, 0.01);
  assert.equal(range.low[0], Math.fround(9 / 999));
  assert.equal(range.high[4], Math.fround(989 / 999));
  assert.equal(range.low[4], null);
  assert.equal(range.high[0], null);
  const g = new Float32Array(d).fill(0.5);
  assert.equal(outsideRange(g, range), -1);
  g[0] = 0.001;
  assert.equal(outsideRange(g, range), 0, 'too small');
  g[0] = 0.5;
  g[4] = 0.999;
  assert.equal(outsideRange(g, range), 4, 'too many strokes');
});
