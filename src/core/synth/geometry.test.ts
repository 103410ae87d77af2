import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../random.js';
import type { Point } from '../types.js';
import {
  boundingBox,
  catmullRom,
  distanceToSegment,
  placeOnCanvas,
  polylineLength,
  resampleByArcLength,
  roundStrokes,
  simplify,
} from './geometry.js';

const P = (x: number, y: number): Point => ({ x, y });

function near(a: Point, b: Point, eps = 1e-9): boolean {
  return Math.abs(a.x - b.x) <= eps && Math.abs(a.y - b.y) <= eps;
}

test('catmullRom passes through every control point, in order, from first to last', () => {
  const ctrl = [P(0, 0), P(1, 2), P(3, 3), P(4, 0)];
  const out = catmullRom(ctrl, { step: 0.1 });
  assert.ok(near(out[0], ctrl[0]));
  assert.ok(near(out[out.length - 1], ctrl[3]));
  let from = 0;
  for (const c of ctrl) {
    const k = out.findIndex((p, i) => i >= from && near(p, c));
    assert.ok(k >= 0, `control point ${JSON.stringify(c)} missing`);
    from = k;
  }
});

test('catmullRom through collinear, evenly spaced points stays on the line', () => {
  const out = catmullRom([P(0, 0), P(1, 2), P(2, 4), P(3, 6)], { step: 0.05 });
  for (const p of out) assert.ok(Math.abs(p.y - 2 * p.x) < 1e-9);
  for (let i = 1; i < out.length; i++) assert.ok(out[i].x > out[i - 1].x);
});

test('catmullRom: steps are at most about `step`, and a closed curve ends where it began', () => {
  const square = [P(0, 0), P(1, 0), P(1, 1), P(0, 1)];
  const out = catmullRom(square, { closed: true, step: 0.02 });
  assert.ok(near(out[0], out[out.length - 1]));
  for (let i = 1; i < out.length; i++) {
    assert.ok(Math.hypot(out[i].x - out[i - 1].x, out[i].y - out[i - 1].y) < 0.03);
  }
  // Centripetal splines do not swing far outside their control polygon.
  const box = boundingBox([out])!;
  assert.ok(box.minX > -0.2 && box.maxX < 1.2 && box.minY > -0.2 && box.maxY < 1.2);
});

test('catmullRom rejects a non-positive step and copies fewer than 2 points', () => {
  assert.throws(() => catmullRom([P(0, 0), P(1, 1)], { step: 0 }), RangeError);
  assert.throws(() => catmullRom([P(0, 0), P(1, 1)], { step: 0 }), /step/);
  assert.deepEqual(catmullRom([P(2, 3)]), [P(2, 3)]);
});

test('resampleByArcLength: an L walked 3 units at a time, known points', () => {
  const out = resampleByArcLength([P(0, 0), P(10, 0), P(10, 10)], 3);
  const want = [P(0, 0), P(3, 0), P(6, 0), P(9, 0), P(10, 2), P(10, 5), P(10, 8), P(10, 10)];
  assert.equal(out.length, want.length);
  for (const [i, p] of out.entries()) {
    assert.ok(near(p, want[i]), `${JSON.stringify(p)} ≠ ${JSON.stringify(want[i])}`);
  }
});

test('resampleByArcLength: a spacing function is asked for each new point', () => {
  const asked: number[] = [];
  const out = resampleByArcLength([P(0, 0), P(10, 0)], (i) => {
    asked.push(i);
    return i;
  });
  // Gaps 1, 2, 3 put points at 1, 3, 6; the next gap of 4 would reach 10, the end, kept anyway.
  assert.deepEqual(
    out.map((p) => p.x),
    [0, 1, 3, 6, 10],
  );
  assert.deepEqual(asked, [1, 2, 3, 4]);
});

test('resampleByArcLength: empty, zero-length and bad spacing', () => {
  assert.deepEqual(resampleByArcLength([], 2), []);
  assert.deepEqual(resampleByArcLength([P(1, 1), P(1, 1)], 2), [P(1, 1)]);
  assert.throws(() => resampleByArcLength([P(0, 0), P(5, 0)], 0), /spacing/);
});

test('simplify drops points within epsilon and keeps the corner', () => {
  const pts = [P(0, 0), P(1, 0.05), P(2, 0), P(3, 0), P(3, 1), P(3, 2)];
  assert.deepEqual(simplify(pts, 0.1), [P(0, 0), P(3, 0), P(3, 2)]);
  assert.equal(simplify(pts, 0).length, 5); // only the exactly collinear (3, 1) goes
  assert.throws(() => simplify(pts, -1), /epsilon/);
});

test('distanceToSegment, polylineLength and boundingBox on known shapes', () => {
  assert.equal(distanceToSegment(P(5, 3), P(0, 0), P(10, 0)), 3);
  assert.equal(distanceToSegment(P(13, 4), P(0, 0), P(10, 0)), 5);
  assert.equal(distanceToSegment(P(3, 4), P(0, 0), P(0, 0)), 5);
  assert.equal(polylineLength([P(0, 0), P(3, 4), P(3, 10)]), 11);
  assert.deepEqual(boundingBox([[P(1, 5)], [P(-2, 3), P(4, 9)]]), {
    minX: -2,
    minY: 3,
    maxX: 4,
    maxY: 9,
  });
  assert.equal(boundingBox([[], []]), null);
});

test('placeOnCanvas scales to the target height and keeps the brush inside the canvas', () => {
  const strokes = [[P(0, 0), P(1, 2)], [P(0.5, 1)]];
  for (let seed = 0; seed < 20; seed++) {
    const placed = placeOnCanvas(strokes, 280, 200, 20, createRng(seed));
    const box = boundingBox(placed)!;
    assert.ok(Math.abs(box.maxY - box.minY - 200) < 1e-9);
    assert.ok(Math.abs(box.maxX - box.minX - 100) < 1e-9);
    assert.ok(box.minX >= 10 && box.minY >= 10 && box.maxX <= 270 && box.maxY <= 270);
  }
  // Too wide for the canvas: shrunk to fit the width instead.
  const wide = placeOnCanvas([[P(0, 0), P(10, 1)]], 100, 90, 10, createRng(1));
  const box = boundingBox(wide)!;
  assert.ok(box.maxX - box.minX <= 100 - 10 - 2 + 1e-9);
  assert.ok(box.minX >= 5 && box.maxX <= 95);
});

test('roundStrokes rounds to 2 decimals and keeps times', () => {
  assert.deepEqual(roundStrokes([[{ x: 1.23456, y: 2.98765, t: 7 }]]), [
    [{ x: 1.23, y: 2.99, t: 7 }],
  ]);
});
