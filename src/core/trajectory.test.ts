import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DIRECTION_GRID,
  DIRECTIONS,
  TRAJECTORY_LAYOUT as L,
  TRAJECTORY_LENGTH,
  trajectoryFeatures,
} from './trajectory.js';
import type { Stroke } from './types.js';

const MAP = DIRECTION_GRID * DIRECTION_GRID;

function line(x0: number, y0: number, x1: number, y1: number, n: number): Stroke {
  return Array.from({ length: n + 1 }, (_, i) => ({
    x: x0 + ((x1 - x0) * i) / n,
    y: y0 + ((y1 - y0) * i) / n,
  }));
}

/** A circle of radius r about (cx, cy), counter-clockwise on screen from the top, n points. */
function circle(cx: number, cy: number, r: number, n: number): Stroke {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = -Math.PI / 2 - (2 * Math.PI * i) / n;
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
  });
}

function directionMass(f: Float32Array): number[] {
  return Array.from({ length: DIRECTIONS }, (_, b) => {
    let s = 0;
    for (let i = 0; i < MAP; i++) s += f[L.directions + b * MAP + i] ** 2;
    return s;
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

test('the direction of travel is kept: rightwards, leftwards and downwards lines fill their own bin', () => {
  const right = trajectoryFeatures([line(10, 50, 200, 50, 40)]);
  const left = trajectoryFeatures([line(200, 50, 10, 50, 40)]);
  const down = trajectoryFeatures([line(50, 10, 50, 200, 40)]);
  // Bins are 45° apart from rightwards, clockwise on a y-down screen: 0 right, 2 down, 4 left.
  for (const [f, bin] of [
    [right, 0],
    [down, 2],
    [left, 4],
  ] as const) {
    const mass = directionMass(f);
    assert.ok(mass[bin] > 0.999, `bin ${bin} holds ${mass[bin]}`);
  }
  // The pictures are the same line; only the direction differs.
  assert.ok(cosine(right, left) < 0.5);
});

test('sparse tablet points and dense mouse points along the same path give the same features', () => {
  const dense = trajectoryFeatures([circle(140, 140, 80, 720)]);
  const mid = trajectoryFeatures([circle(140, 140, 80, 180)]);
  assert.ok(cosine(dense, mid) > 0.999, `cosine ${cosine(dense, mid)}`);
  // A straight line is the same path however it is sampled.
  const a = trajectoryFeatures([line(20, 30, 220, 250, 3)]);
  const b = trajectoryFeatures([line(20, 30, 220, 250, 97)]);
  for (let i = 0; i < TRAJECTORY_LENGTH; i++)
    assert.ok(Math.abs(a[i] - b[i]) < 1e-3, `feature ${i}`);
});

test('size and position do not matter: a drawing scaled and moved gives the same features', () => {
  const strokes: Stroke[] = [circle(100, 100, 40, 90), line(140, 60, 140, 200, 20)];
  const moved = strokes.map((s) => s.map((p) => ({ x: 3 * p.x + 17, y: 3 * p.y - 40 })));
  const f = trajectoryFeatures(strokes);
  const g = trajectoryFeatures(moved);
  // Equal but for a deposit that rounding may move across a segment's end.
  assert.ok(cosine(f, g) > 0.9999, `cosine ${cosine(f, g)}`);
});

test('stroke count, pen-up moves and the stroke order are in the features', () => {
  const bar = line(20, 20, 200, 20, 10);
  const stem = line(200, 20, 80, 250, 10);
  const one = trajectoryFeatures([[...bar, ...stem.slice(1)]]);
  const two = trajectoryFeatures([bar, line(190, 30, 80, 250, 10)]);
  const countOf = (f: Float32Array) =>
    Array.from({ length: 4 }, (_, i) => f[L.strokeCount + i]).findIndex((v) => v > 0) + 1;
  assert.equal(countOf(one), 1);
  assert.equal(countOf(two), 2);
  const penUp = (f: Float32Array) => f.subarray(L.penUps, L.start).reduce((a, v) => a + v, 0);
  assert.equal(penUp(one), 0);
  assert.ok(penUp(two) > 0);
  // The same two strokes in the other order: same picture, different start and pen-up.
  const reversed = trajectoryFeatures([line(190, 30, 80, 250, 10), bar]);
  assert.ok(cosine(two, reversed) < 0.99);
  const start = (f: Float32Array) => Array.from(f.subarray(L.start, L.end));
  assert.notDeepEqual(start(two), start(reversed));
});

test('nothing to read gives zeros; non-finite points are skipped; a dot is defined', () => {
  const out = new Float32Array(TRAJECTORY_LENGTH).fill(7);
  assert.equal(trajectoryFeatures([], out), out);
  assert.ok(out.every((v) => v === 0));
  assert.ok(trajectoryFeatures([[{ x: Number.NaN, y: 1 }]], out).every((v) => v === 0));
  const clean = trajectoryFeatures([line(0, 0, 100, 100, 10)]);
  const noisy = trajectoryFeatures([[...line(0, 0, 100, 100, 10), { x: Infinity, y: 5 }]]);
  assert.deepEqual(noisy, clean);
  const dot = trajectoryFeatures([[{ x: 5, y: 5 }]]);
  assert.ok(dot.every(Number.isFinite));
  assert.ok(dot[L.strokeCount] > 0);
  assert.throws(() => trajectoryFeatures([], new Float32Array(3)), /out has length 3, expected/);
});
