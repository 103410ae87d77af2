import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  neighbourCount,
  removeStaircases,
  skeletonize,
  threshold,
  upscale,
  zhangSuen,
} from './skeleton.js';

/** A binary image from rows of '#' (set) and '.' (clear). */
function art(rows: string[]): { img: Uint8Array; w: number; h: number } {
  const w = rows[0].length;
  const img = new Uint8Array(w * rows.length);
  rows.forEach((r, y) => {
    for (let x = 0; x < w; x++) img[y * w + x] = r[x] === '#' ? 1 : 0;
  });
  return { img, w, h: rows.length };
}

function show(img: Uint8Array, w: number): string[] {
  const rows: string[] = [];
  for (let y = 0; y < img.length / w; y++) {
    rows.push(Array.from(img.subarray(y * w, (y + 1) * w), (v) => (v ? '#' : '.')).join(''));
  }
  return rows;
}

/** Grayscale 0/255 image with `fill(x, y)` deciding the ink. */
function gray(w: number, h: number, fill: (x: number, y: number) => boolean): Uint8Array {
  const img = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = fill(x, y) ? 255 : 0;
  return img;
}

test('threshold sets pixels at or above the level', () => {
  assert.deepEqual(threshold([0, 127, 128, 255], 2, 2, 128), Uint8Array.from([0, 0, 1, 1]));
  assert.throws(() => threshold([0, 1, 2], 2, 2, 1), /pixels must hold width × height = 4/);
});

test('zhangSuen thins a 3×3 block to its centre pixel', () => {
  const { img, w, h } = art(['.....', '.###.', '.###.', '.###.', '.....']);
  assert.deepEqual(show(zhangSuen(img, w, h), w), ['.....', '.....', '..#..', '.....', '.....']);
});

test('the skeleton of a thick bar is one pixel wide and spans nearly its length', () => {
  // A 5-pixel-thick horizontal bar, 20 long, in a 12 × 30 image.
  const img = gray(30, 12, (x, y) => x >= 5 && x < 25 && y >= 4 && y < 9);
  const sk = skeletonize(img, 30, 12);
  const rows = new Set<number>();
  const cols: number[] = [];
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    rows.add(Math.floor(i / 30));
    cols.push(i % 30);
  }
  assert.deepEqual([...rows], [6]);
  // Thinning eats about half the thickness at each end: 20 − 5 = 15 pixels remain.
  assert.ok(Math.max(...cols) - Math.min(...cols) + 1 >= 15);
  assert.ok(Math.min(...cols) >= 5 && Math.max(...cols) <= 24);
  // No gaps: one pixel in every column of the span.
  assert.equal(cols.length, Math.max(...cols) - Math.min(...cols) + 1);
});

test('a thick diagonal thins to a simple path: two ends, no pixel with 3 neighbours', () => {
  const img = gray(24, 24, (x, y) => Math.abs(x - y) <= 1.5 && x > 2 && x < 21);
  const sk = skeletonize(img, 24, 24);
  let ends = 0;
  let total = 0;
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    total++;
    const n = neighbourCount(sk, 24, 24, i % 24, Math.floor(i / 24));
    assert.ok(n >= 1 && n <= 2, `pixel ${i} has ${n} neighbours`);
    if (n === 1) ends++;
  }
  assert.equal(ends, 2);
  assert.ok(total >= 14);
});

test('a thick ring thins to a closed curve between its inner and outer radius', () => {
  const img = gray(28, 28, (x, y) => {
    const r = Math.hypot(x - 13.5, y - 13.5);
    return r >= 6 && r <= 9.5;
  });
  const sk = skeletonize(img, 28, 28);
  let total = 0;
  for (let i = 0; i < sk.length; i++) {
    if (!sk[i]) continue;
    total++;
    const x = i % 28;
    const y = Math.floor(i / 28);
    assert.equal(neighbourCount(sk, 28, 28, x, y), 2, `pixel (${x}, ${y})`);
    const r = Math.hypot(x - 13.5, y - 13.5);
    assert.ok(r >= 6 && r <= 9.5);
  }
  assert.ok(total >= 2 * Math.PI * 6.5);
});

test('removeStaircases: a step loses its redundant pixel, an L keeps its corner', () => {
  const step = art(['#..', '##.', '.##']);
  assert.deepEqual(show(removeStaircases(step.img, 3, 3), 3), ['#..', '.#.', '.##']);
  const l = art(['#..', '#..', '###']);
  assert.deepEqual(show(removeStaircases(l.img, 3, 3), 3), ['#..', '#..', '###']);
  // A T's junction pixel stays; the bar's middle pixel above it is the one that goes.
  const t = art(['###', '.#.', '.#.']);
  assert.deepEqual(show(removeStaircases(t.img, 3, 3), 3), ['#.#', '.#.', '.#.']);
});

test('upscale by 2 keeps the value range and the centre of mass', () => {
  const img = gray(6, 6, (x, y) => x === 2 && y === 3);
  const big = upscale(img, 6, 6, 2);
  assert.equal(big.length, 144);
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < big.length; i++) {
    assert.ok(big[i] >= 0 && big[i] <= 255);
    m += big[i];
    mx += big[i] * ((i % 12) + 0.5);
    my += big[i] * (Math.floor(i / 12) + 0.5);
  }
  assert.ok(Math.abs(mx / m / 2 - 2.5) < 1e-6 && Math.abs(my / m / 2 - 3.5) < 1e-6);
  assert.deepEqual(Array.from(upscale([7, 9], 2, 1, 1)), [7, 9]);
  assert.throws(() => upscale(img, 6, 6, 0), /factor/);
});
