import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalise } from './canonicalise.js';
import { deskew } from './deskew.js';
import {
  DEFAULT_PREPROCESS,
  imageFromBytes,
  imageToBytes,
  preprocessDrawing,
  preprocessImage,
} from './preprocess.js';
import { randomDrawings, referencePreprocessDrawing, sameImage } from './preprocess-reference.js';
import { rasterise } from './rasterise.js';
import type { Drawing } from './types.js';

// A slanted "1" with a flag: deskewing changes it.
const drawing: Drawing = {
  width: 280,
  height: 280,
  brushWidth: 16,
  strokes: [
    [
      { x: 120, y: 90 },
      { x: 160, y: 40 },
      { x: 110, y: 230 },
    ],
  ],
};

test('preprocessDrawing is rasterise with maxSide rasterSide, then preprocessImage', () => {
  const full = { deskew: false, downscaleTo: 0, rasterSide: 0 };
  for (const options of [DEFAULT_PREPROCESS, full, { ...full, rasterSide: 30 }]) {
    const a = preprocessDrawing(drawing, options);
    const b = preprocessImage(rasterise(drawing, { maxSide: options.rasterSide }), options);
    assert.deepEqual(a, b);
    assert.equal(a.empty, false);
    assert.deepEqual([a.canonical.width, a.canonical.height], [28, 28]);
  }
  // Drawn 64 px tall (about a third of the resolution), the same digit is a different picture,
  // close to the full one.
  const half = preprocessDrawing(drawing, { ...full, rasterSide: 64 }).canonical.data;
  const whole = preprocessDrawing(drawing, full).canonical.data;
  let diff = 0;
  for (let i = 0; i < 784; i++) diff += Math.abs(half[i] - whole[i]);
  assert.ok(diff > 0 && diff / 784 < 0.03, `mean difference ${diff / 784}`);
});

test('preprocessImage canonicalises, then deskews when asked', () => {
  const img = rasterise(drawing);
  const canonical = canonicalise(img, { downscaleTo: 28 }).image;
  const options = { deskew: false, downscaleTo: 28, rasterSide: 0 };
  assert.deepEqual(preprocessImage(img, options).canonical, canonical);
  const straight = preprocessImage(img, { ...options, deskew: true }).canonical;
  assert.deepEqual(straight, deskew(canonical));
  assert.notDeepEqual(straight, canonical);
});

test('the default is deskew, drawing the ink at most 64 px a side and canonicalising at that size', () => {
  assert.deepEqual(DEFAULT_PREPROCESS, { deskew: true, downscaleTo: 0, rasterSide: 64 });
  assert.ok(Object.isFrozen(DEFAULT_PREPROCESS));
});

test('an empty canvas is empty, with an all-zero canonical image', () => {
  const out = preprocessDrawing({ ...drawing, strokes: [] }, DEFAULT_PREPROCESS);
  assert.equal(out.empty, true);
  assert.deepEqual(out.canonical.data, new Float32Array(784));
});

test('bytes ↔ [0, 1]: 255 is 1, rounding and clamping on the way back', () => {
  const bytes = Uint8Array.from([9, 9, 0, 255, 51, 128, 9]);
  const img = imageFromBytes(bytes, 2, 2, 2);
  assert.deepEqual([img.width, img.height], [2, 2]);
  assert.deepEqual(Array.from(img.data), [0, 1, 0.20000000298023224, 0.501960813999176]);
  assert.deepEqual(imageToBytes(img), Uint8Array.from([0, 255, 51, 128]));
  const odd = { width: 5, height: 1, data: Float32Array.from([0.5, -0.1, 1.2, 0.001, 0.999]) };
  assert.deepEqual(imageToBytes(odd), Uint8Array.from([128, 0, 255, 0, 255]));
  // Every byte survives the round trip.
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(imageToBytes(imageFromBytes(all, 16, 16)), all);
});

test('bad arguments are rejected', () => {
  const bytes = new Uint8Array(10);
  assert.throws(() => imageFromBytes([1, 2] as never, 1, 2), TypeError);
  assert.throws(
    () => imageFromBytes(bytes, 3, 3, 2),
    /RangeError: offset must leave room for 3×3 bytes in 10, got 2/,
  );
  assert.throws(() => imageFromBytes(bytes, 0, 3), /RangeError: width/);
  assert.throws(
    () => preprocessDrawing(drawing, { deskew: 'yes' as never, downscaleTo: 28, rasterSide: 0 }),
    /TypeError: options.deskew/,
  );
  assert.throws(
    () => preprocessImage(rasterise(drawing), { deskew: true, downscaleTo: -1, rasterSide: 0 }),
    /RangeError: options.downscaleTo/,
  );
  for (const rasterSide of [-1, 0.5, 4097, Number.NaN, '64' as never]) {
    assert.throws(
      () => preprocessDrawing(drawing, { ...DEFAULT_PREPROCESS, rasterSide }),
      /RangeError: options.rasterSide must be an integer from 0 to 4096, got /,
    );
  }
});

test('preprocessDrawing gives the reference full-canvas preprocessing, bit for bit', () => {
  let digits = 0;
  for (const [i, d] of randomDrawings(5, 1500).entries()) {
    for (const rasterSide of [0, DEFAULT_PREPROCESS.rasterSide, 7]) {
      const got = preprocessDrawing(d, { ...DEFAULT_PREPROCESS, rasterSide });
      const want = referencePreprocessDrawing(d, rasterSide);
      assert.equal(got.empty, want.empty, `drawing ${i} at ${rasterSide}`);
      assert.ok(sameImage(got.canonical, want.canonical), `drawing ${i} at ${rasterSide}`);
      if (!got.empty && rasterSide === 0) digits++;
    }
    // Every other preprocessing takes the same path as an image.
    const options = { deskew: false, downscaleTo: 28, rasterSide: 0 };
    const image = preprocessImage(rasterise(d), options);
    assert.ok(sameImage(preprocessDrawing(d, options).canonical, image.canonical), `drawing ${i}`);
  }
  assert.ok(digits > 800, `only ${digits} drawings are not empty`);
});
