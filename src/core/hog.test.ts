import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hog, hogCellHistograms, hogLength } from './hog.js';
import { createRng } from './random.js';
import type { GrayImage } from './types.js';

function fromFn(w: number, h: number, f: (x: number, y: number) => number): GrayImage {
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(x, y);
  return { width: w, height: h, data };
}

function assertClose(actual: Float32Array, expected: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) < tol,
      `feature ${i} is ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

test('the default layout on 28×28 is 4×4 cells, 3×3 blocks: 324 features', () => {
  assert.equal(hogLength(28, 28), 324);
  assert.equal(hogLength(28, 28, { cellSize: 4 }), 6 * 6 * 4 * 9);
  assert.equal(hogLength(28, 28, { orientations: 12, blockSize: 1 }), 16 * 12);
  // 30×30 still has 4×4 whole cells of 7 px: the spare pixels are ignored.
  assert.equal(hogLength(30, 30), 324);
});

test('with both interpolations off it matches scikit-image 0.19 exactly', () => {
  // skimage.feature.hog(im, orientations=9, pixels_per_cell=(7, 7), cells_per_block=(2, 2),
  // block_norm='L2-Hys') on this 14×14 image, printed to 6 decimals.
  const img = fromFn(14, 14, (x, y) => ((x * x * 3 + y * 7 + x * y) % 11) / 10);
  const skimage = [
    0.237971, 0.237971, 0.202972, 0.237971, 0.18158, 0.030557, 0, 0, 0, 0.237971, 0.179499,
    0.237971, 0.237971, 0.237971, 0.061115, 0, 0.091551, 0.107664, 0.237971, 0.146352, 0.130713,
    0.237971, 0.237971, 0.025377, 0.074006, 0.132415, 0, 0.205217, 0.237971, 0.041112, 0.111528,
    0.237971, 0.096964, 0.164061, 0.07613, 0.169968,
  ];
  assertClose(hog(img, { interpolate: false, spatial: false }), skimage, 1e-6);
});

test('a vertical edge votes 0°, split between the bins centred at 170° and 10°', () => {
  // 14×14 = one block of 2×2 cells. Columns 7… are 1: gx = 1 at x = 6 and 7 on every row, one
  // column of 7 votes in each cell. Interpolated, each vote splits evenly between bins 8 and 0:
  // 8 equal non-zero values, each 1/√8 after L2 (above the 0.2 clip, so the same after Hys).
  const edge = fromFn(14, 14, (x) => (x >= 7 ? 1 : 0));
  const expected = new Array(36).fill(0);
  for (let cell = 0; cell < 4; cell++) {
    expected[cell * 9] = 1 / Math.sqrt(8);
    expected[cell * 9 + 8] = 1 / Math.sqrt(8);
  }
  assertClose(hog(edge), expected);
  // Hard votes (scikit-image's rule): all in bin 0 [0°, 20°); 4 values of 1/2.
  const hard = new Array(36).fill(0);
  for (let cell = 0; cell < 4; cell++) hard[cell * 9] = 0.5;
  assertClose(hog(edge, { interpolate: false }), hard);
  // Without spatial interpolation each column of votes stays in its own cells: the same here.
  assertClose(hog(edge, { spatial: false }), expected);
});

test('a horizontal edge votes 90°, the centre of bin 4', () => {
  const edge = fromFn(14, 14, (_, y) => (y >= 7 ? 1 : 0));
  const expected = new Array(36).fill(0);
  for (let cell = 0; cell < 4; cell++) expected[cell * 9 + 4] = 0.5;
  assertClose(hog(edge), expected);
  assertClose(hog(edge, { interpolate: false }), expected);
});

test('a 45° gradient splits between the 30° and 50° bins in proportion to closeness', () => {
  // A diagonal step edge: interior votes are at 45° (gx = gy = 1), border ones at 0° or 90°.
  // Bins 1 and 2 (centres 30°, 50°) hold only the 45° votes, split sin 15° : sin 5° ≈ 0.748 :
  // 0.252 (linear interpolation in angle would give 0.75 : 0.25).
  const img = fromFn(7, 7, (x, y) => (x + y >= 8 ? 1 : 0));
  const h = hogCellHistograms(img, { cellSize: 7, blockSize: 1, spatial: false });
  assert.equal(h.length, 9);
  const sin = (deg: number) => Math.sin((deg * Math.PI) / 180);
  const ratio = h[2] / (h[1] + h[2]);
  assert.ok(Math.abs(ratio - sin(15) / (sin(15) + sin(5))) < 1e-12, `ratio ${ratio}`);
  // 7 interior pixels (1 ≤ x, y ≤ 5) on x + y ∈ {7, 8} have |g| = √2; each cell value is a mean over 49 pixels.
  assert.ok(Math.abs(h[1] + h[2] - (7 * Math.SQRT2) / 49) < 1e-12);
});

test('spatial interpolation splits a vote between the cells whose centres surround the pixel', () => {
  // A lone bright pixel at (9, 10) in 21×21 (3×3 cells of 7): gradients of magnitude 1 at 0° at
  // (8, 10) and (10, 10), at 90° at (9, 9) and (9, 11). In cell units a pixel centre x sits at
  // (x + 0.5) / 7 − 0.5: 8 → 5/7, 9 → 6/7, 10 → 1, 11 → 8/7, so e.g. column 8 gives 2/7 of its
  // vote to cell column 0 and 5/7 to column 1.
  const img = fromFn(21, 21, (x, y) => (x === 9 && y === 10 ? 1 : 0));
  const h = hogCellHistograms(img, { blockSize: 1 });
  const expected = new Array(81).fill(0);
  const put = (r: number, c: number, bin: number, v: number) => {
    expected[(r * 3 + c) * 9 + bin] += v / 49;
  };
  // 0° votes split evenly between bins 8 and 0 (centres 170° and 10°).
  for (const bin of [0, 8]) {
    put(1, 0, bin, 2 / 7 / 2);
    put(1, 1, bin, (5 / 7 + 1) / 2);
  }
  // 90° votes: column 9 → 1/7 : 6/7; rows 9 and 11 → (1/7 : 6/7) and (6/7 : 1/7).
  for (const [r, wr] of [
    [0, 1 / 7],
    [1, 6 / 7],
    [1, 6 / 7],
    [2, 1 / 7],
  ]) {
    put(r, 0, 4, wr / 7);
    put(r, 1, 4, (wr * 6) / 7);
  }
  for (let i = 0; i < 81; i++)
    assert.ok(Math.abs(h[i] - expected[i]) < 1e-12, `value ${i}: ${h[i]} vs ${expected[i]}`);
});

test('inverting the image (dark ↔ light) leaves unsigned orientations unchanged', () => {
  const rng = createRng(3);
  const img = fromFn(28, 28, () => rng());
  const inv = { ...img, data: img.data.map((v) => 1 - v) };
  assertClose(hog(inv), hog(img), 1e-7);
});

test('a mirror image has mirrored cells and reversed bins', () => {
  const rng = createRng(11);
  const img = fromFn(28, 28, () => rng());
  const flipped = fromFn(28, 28, (x, y) => img.data[y * 28 + 27 - x]);
  const a = hog(img);
  const b = hog(flipped);
  // Mirroring maps block column bx → 2 − bx, cell column c → 1 − c and angle θ → 180° − θ, i.e.
  // bin k → 8 − k.
  const expected = new Float32Array(324);
  for (let by = 0; by < 3; by++)
    for (let bx = 0; bx < 3; bx++)
      for (let r = 0; r < 2; r++)
        for (let c = 0; c < 2; c++)
          for (let k = 0; k < 9; k++)
            expected[(((by * 3 + (2 - bx)) * 2 + r) * 2 + (1 - c)) * 9 + (8 - k)] =
              a[(((by * 3 + bx) * 2 + r) * 2 + c) * 9 + k];
  assertClose(b, expected, 1e-6);
});

test('flat images have no gradients and give all-zero features; values stay in [0, 1]', () => {
  assert.deepEqual(hog(fromFn(28, 28, () => 0)), new Float32Array(324));
  assert.deepEqual(hog(fromFn(28, 28, () => 0.7)), new Float32Array(324));
  const rng = createRng(5);
  const f = hog(fromFn(28, 28, () => rng()));
  assert.ok(f.every((v) => v >= 0 && v <= 1));
});

test('hog writes into out when given and checks it', () => {
  const img = fromFn(28, 28, (x, y) => ((x - 14) ** 2 + (y - 14) ** 2 < 40 ? 1 : 0));
  const out = new Float32Array(324);
  assert.equal(hog(img, undefined, out), out);
  assert.deepEqual(out, hog(img));
  assert.throws(
    () => hog(img, undefined, new Float32Array(10)),
    /RangeError: out has length 10, expected 324/,
  );
  assert.throws(() => hog(fromFn(10, 10, () => 0)), /RangeError: a 10×10 image has 1×1 cells/);
  assert.throws(() => hog(img, { orientations: 0 }), /RangeError: options.orientations/);
});
