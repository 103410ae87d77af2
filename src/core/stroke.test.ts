import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inkBoundingBox } from './crop.js';
import { rasterise } from './rasterise.js';
import { normaliseStrokeWidth, strokeWidth, thicken } from './stroke.js';
import type { GrayImage } from './types.js';

function rect(w: number, h: number, x0: number, y0: number, rw: number, rh: number): GrayImage {
  const data = new Float32Array(w * h);
  for (let y = y0; y < y0 + rh; y++) for (let x = x0; x < x0 + rw; x++) data[y * w + x] = 1;
  return { width: w, height: h, data };
}

test('strokeWidth of a lone pixel is 1, by hand; translation and the image edge do not matter', () => {
  // Only its four neighbours see a difference, ±1/2 each: perimeter 2, ink 1, width 2 · 1 / 2.
  assert.equal(strokeWidth(rect(5, 5, 2, 2, 1, 1)), 1);
  assert.equal(strokeWidth(rect(1, 1, 0, 0, 1, 1)), 1);
  const bar = rect(60, 10, 4, 3, 50, 3);
  assert.equal(strokeWidth(rect(70, 12, 11, 5, 50, 3)), strokeWidth(bar));
  assert.equal(strokeWidth(rect(50, 3, 0, 0, 50, 3)), strokeWidth(bar));
  assert.equal(strokeWidth(rect(5, 5, 0, 0, 0, 0)), 0);
});

test('strokeWidth reads a wide bar within a few percent, in any direction', () => {
  const line = (brush: number, x1: number, y1: number) =>
    rasterise({
      width: 140,
      height: 140,
      brushWidth: brush,
      strokes: [
        [
          { x: 20, y: 20 },
          { x: x1, y: y1 },
        ],
      ],
    });
  for (const brush of [3, 4, 8]) {
    for (const [x1, y1] of [
      [120, 20],
      [110, 110],
      [50, 120],
    ]) {
      const w = strokeWidth(line(brush, x1, y1));
      assert.ok(Math.abs(w - brush) < 0.1 * brush, `brush ${brush} to (${x1}, ${y1}): ${w}`);
    }
  }
  // Thin strokes read about 2: the estimate cannot resolve below the differences' reach.
  const thin = strokeWidth(line(1, 120, 20));
  assert.ok(thin > 1.5 && thin < 2.1, `brush 1: ${thin}`);
});

test('thicken grows a pixel into an anti-aliased disc', () => {
  const dot = rect(1, 1, 0, 0, 1, 1);
  const d = 2 - Math.SQRT2;
  const out = thicken(dot, 1);
  assert.deepEqual([out.width, out.height], [3, 3]);
  [d, 1, d, 1, 1, 1, d, 1, d].forEach((v, i) => {
    assert.ok(Math.abs(out.data[i] - v) < 1e-6, `pixel ${i}`);
  });
  // Radius 0.5: neighbours half covered, diagonal ones 1.5 − √2.
  const half = thicken(dot, 0.5);
  assert.ok(
    Math.abs(half.data[1] - 0.5) < 1e-6 && Math.abs(half.data[0] - (1.5 - Math.SQRT2)) < 1e-6,
  );
  assert.deepEqual(thicken(dot, 0), dot);
  assert.throws(() => thicken(dot, -1), /RangeError: radius .* got -1/);
});

test('normaliseStrokeWidth widens thin strokes to the target and keeps the 20-px box', () => {
  const thin = rasterise({
    width: 14,
    height: 20,
    brushWidth: 1.2,
    strokes: [
      [
        { x: 1, y: 1 },
        { x: 13, y: 1 },
        { x: 4, y: 19 },
      ],
    ],
  });
  assert.ok(strokeWidth(thin) < 2.1, `thin ${strokeWidth(thin)}`);
  const out = normaliseStrokeWidth(thin, 3, 20);
  assert.ok(Math.abs(strokeWidth(out) - 3) < 0.3, `width ${strokeWidth(out)}`);
  const box = inkBoundingBox(out, 0);
  assert.equal(Math.max(box?.width ?? 0, box?.height ?? 0), 20);
  assert.equal(Math.max(...out.data), 1);
  // Strokes already as wide are left alone.
  const thick = rect(20, 20, 2, 0, 5, 20);
  assert.equal(normaliseStrokeWidth(thick, 2.5, 20), thick);
  assert.throws(() => normaliseStrokeWidth(thin, 25, 20), /RangeError: target stroke width/);
});
