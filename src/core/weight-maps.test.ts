import assert from 'node:assert/strict';
import { test } from 'node:test';
import { glyphDirection, hogCellWeights, hogParts } from './weight-maps.js';

test('hogParts: one 4×4-cell part for hog, then a 7×7-cell part at 324 for hog2', () => {
  assert.deepEqual(hogParts('pixels'), []);
  const [hog] = hogParts('hog');
  assert.deepEqual(
    [hog.offset, hog.cellSize, hog.cellsX, hog.cellsY, hog.blockSize, hog.orientations],
    [0, 7, 4, 4, 2, 9],
  );
  const [a, b] = hogParts('hog2');
  assert.deepEqual([a.offset, a.cellsX], [0, 4]);
  assert.deepEqual([b.offset, b.cellSize, b.cellsX, b.cellsY], [324, 4, 7, 7]);
});

test('hogCellWeights: every cell sums over the blocks that hold it', () => {
  const [part] = hogParts('hog');
  // All ones: a corner cell is in 1 block, an edge cell in 2, an inner cell in 4.
  const ones = hogCellWeights(new Float64Array(324).fill(1), part);
  assert.equal(ones.length, 4 * 4 * 9);
  const perCell = Array.from({ length: 16 }, (_, c) => ones[c * 9 + 3]);
  assert.deepEqual(perCell, [1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1]);
  // Negative weights are left out.
  assert.ok(hogCellWeights(new Float64Array(324).fill(-1), part).every((v) => v === 0));
  // Block (row 1, column 2), cell (1, 0) of the block, orientation 5: feature
  // ((1·3 + 2)·4 + 1·2 + 0)·9 + 5 = 203 belongs to cell (2, 2).
  const one = new Float64Array(324);
  one[203] = 0.7;
  const out = hogCellWeights(one, part);
  assert.equal(out[(2 * 4 + 2) * 9 + 5], 0.7);
  assert.equal(
    out.reduce((a, v) => a + v, 0),
    0.7,
  );
  // The second part of hog2 reads from its own offset.
  const [, fine] = hogParts('hog2');
  const w = new Float64Array(1620);
  w[324] = 2;
  assert.equal(hogCellWeights(w, fine)[0], 2);
  assert.throws(() => hogCellWeights(new Float64Array(100), part), RangeError);
});

test('glyphDirection: the edge runs across the gradient', () => {
  // Bin 4 of 9 is centred on 90°: a vertical gradient, so a horizontal edge.
  const [dx, dy] = glyphDirection(4, 9);
  assert.ok(Math.abs(Math.abs(dx) - 1) < 1e-12 && Math.abs(dy) < 1e-12);
  // Bin 0 is centred on 10°: nearly horizontal gradient, nearly vertical edge.
  const [ex, ey] = glyphDirection(0, 9);
  assert.ok(Math.abs(ex) < 0.2 && Math.abs(ey) > 0.98);
});
