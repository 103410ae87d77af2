import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Point } from '../types.js';
import { traceSkeleton } from './trace.js';

/** A binary image from rows of '#' (set) and '.' (clear). */
function art(rows: string[]): [Uint8Array, number, number] {
  const w = rows[0].length;
  const img = new Uint8Array(w * rows.length);
  rows.forEach((r, y) => {
    for (let x = 0; x < w; x++) img[y * w + x] = r[x] === '#' ? 1 : 0;
  });
  return [img, w, rows.length];
}

const pts = (...xy: [number, number][]): Point[] => xy.map(([x, y]) => ({ x, y }));

function byFirstPoint(paths: Point[][]): Point[][] {
  return [...paths].sort((a, b) => a[0].y - b[0].y || a[0].x - b[0].x);
}

test('an L traces to one polyline from its top end through the corner', () => {
  const paths = traceSkeleton(
    ...art(['.......', '.#.....', '.#.....', '.#.....', '.####..', '.......']),
  );
  assert.deepEqual(paths, [pts([1, 1], [1, 2], [1, 3], [1, 4], [2, 4], [3, 4], [4, 4])]);
});

test('a staircase diagonal is one path, not a chain of junctions', () => {
  const paths = traceSkeleton(...art(['#...', '##..', '.##.', '..##']));
  assert.deepEqual(paths, [pts([0, 0], [0, 1], [1, 1], [1, 2], [2, 2], [2, 3], [3, 3])]);
});

test('a ring traces to one closed loop through all its pixels', () => {
  const paths = traceSkeleton(
    ...art(['.......', '..###..', '.#...#.', '.#...#.', '..###..', '.......']),
  );
  assert.equal(paths.length, 1);
  const [loop] = paths;
  assert.deepEqual(loop[0], loop[loop.length - 1]);
  assert.equal(loop.length, 10 + 1);
  const seen = new Set(loop.map((p) => `${p.x},${p.y}`));
  assert.equal(seen.size, 10);
  // Consecutive points are neighbours.
  for (let i = 1; i < loop.length; i++) {
    assert.ok(Math.abs(loop[i].x - loop[i - 1].x) <= 1 && Math.abs(loop[i].y - loop[i - 1].y) <= 1);
  }
});

test('a 9 (loop on a stem) is one stroke: from the junction around the loop, then down', () => {
  const paths = traceSkeleton(
    ...art([
      '.......',
      '.#####.',
      '.#...#.',
      '.#...#.',
      '.#####.',
      '.....#.',
      '.....#.',
      '.....#.',
    ]),
  );
  assert.deepEqual(paths, [
    pts(
      [5, 4],
      [4, 4],
      [3, 4],
      [2, 4],
      [1, 4],
      [1, 3],
      [1, 2],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
      [5, 2],
      [5, 3],
      [5, 4],
      [5, 5],
      [5, 6],
      [5, 7],
    ),
  ]);
});

test('a crossing splits into the two straight strokes through it', () => {
  const paths = traceSkeleton(
    ...art(['...#...', '...#...', '...#...', '#######', '...#...', '...#...', '...#...']),
  );
  assert.deepEqual(byFirstPoint(paths), [
    pts([3, 0], [3, 1], [3, 2], [3, 3], [3, 4], [3, 5], [3, 6]),
    pts([0, 3], [1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [6, 3]),
  ]);
});

test('a T: the bar goes straight through, the stem is a stroke of its own', () => {
  const paths = traceSkeleton(...art(['.......', '#######', '...#...', '...#...', '...#...']));
  assert.deepEqual(byFirstPoint(paths), [
    pts([0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]),
    pts([3, 1], [3, 2], [3, 3], [3, 4]),
  ]);
});

test('a short spur is pruned and the line it hung on stays whole', () => {
  const paths = traceSkeleton(...art(['..........', '....#.....', '##########', '..........']));
  assert.deepEqual(paths, [
    pts([0, 2], [1, 2], [2, 2], [3, 2], [4, 2], [5, 2], [6, 2], [7, 2], [8, 2], [9, 2]),
  ]);
  // With spur pruning off, the spur is a stroke.
  const kept = traceSkeleton(...art(['..........', '....#.....', '##########', '..........']), {
    minSpur: 0,
    minLength: 0,
  });
  assert.equal(kept.length, 2);
});

test('specks and tiny paths are dropped; a blank image gives no paths', () => {
  const paths = traceSkeleton(...art(['#.....', '......', '..##..', '......', '.#####']));
  assert.deepEqual(paths, [pts([1, 4], [2, 4], [3, 4], [4, 4], [5, 4])]);
  assert.deepEqual(traceSkeleton(new Uint8Array(12), 4, 3), []);
});

test('a junction of several pixels is met at its centroid by the strokes through it', () => {
  // A plus whose centre is three junction pixels, (3, 2), (3, 3) and (4, 3).
  const plus = art(['...#....', '...#....', '...##...', '######..', '...#....', '...#....']);
  const c = { x: 10 / 3, y: 8 / 3 };
  assert.deepEqual(byFirstPoint(traceSkeleton(...plus, { minSpur: 0 })), [
    [...pts([3, 0], [3, 1]), c, ...pts([3, 4], [3, 5])],
    [...pts([0, 3], [1, 3], [2, 3]), c, ...pts([5, 3])],
  ]);
  // All four arms are shorter than 3 but the left one: pruning takes the two shortest (right,
  // down) and stops there, so the junction keeps two branches.
  assert.deepEqual(traceSkeleton(...plus), [
    [...pts([3, 0], [3, 1]), c, ...pts([2, 3], [1, 3], [0, 3])],
  ]);
});

test('traceSkeleton checks its sizes', () => {
  assert.throws(() => traceSkeleton(new Uint8Array(5), 2, 2), /skeleton must hold/);
  assert.throws(() => traceSkeleton(new Uint8Array(4), 2, 2, { joinAngle: 200 }), /joinAngle/);
});
