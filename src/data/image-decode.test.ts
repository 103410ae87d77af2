import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataFormatError } from './errors.js';
import { decodeImage, detectImageFormat, encodePng } from './image-decode.js';
import {
  confusingJpeg,
  ihdr,
  interlacedBombPng,
  pngChunk,
  pngOf,
  secondHeaderPng,
} from './test-images.js';

/** A PNG of the given RGBA pixels (row-major, 4 bytes each), written with pngjs. */
function rgbaPng(width: number, height: number, rgba: number[]): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png);
}

function close(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `value ${i}: expected ${expected[i]} ± ${tolerance}, got ${actual[i]}`,
    );
}

function formatError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
    assert.equal(error.file, 'up.bin');
    assert.match(error.message, pattern);
    return true;
  });
}

test('an opaque RGBA PNG becomes BT.601 luma in [0, 1]', () => {
  // biome-ignore format: one pixel per group
  const bytes = rgbaPng(3, 2, [
    255, 0, 0, 255,   0, 255, 0, 255,       0, 0, 255, 255, // red, green, blue
    255, 255, 255, 255,   0, 0, 0, 255,   128, 128, 128, 255, // white, black, mid gray
  ]);
  assert.equal(detectImageFormat(bytes), 'png');
  const img = decodeImage(bytes, 'a.png');
  assert.equal(img.width, 3);
  assert.equal(img.height, 2);
  assert.ok(img.data instanceof Float32Array);
  close(img.data, [0.299, 0.587, 0.114, 1, 0, 128 / 255], 1e-6);
});

test('dark strokes on a transparent canvas are composited over white', () => {
  // ink: opaque black; background: fully transparent black (what a cleared canvas exports);
  // one half-transparent black pixel.
  const bytes = rgbaPng(3, 1, [0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 51]);
  close(decodeImage(bytes, 'a.png').data, [0, 1, 1 - 51 / 255], 1e-6);
});

test('light strokes on a transparent canvas are composited over black', () => {
  const bytes = rgbaPng(3, 1, [255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 51]);
  close(decodeImage(bytes, 'a.png').data, [1, 0, 51 / 255], 1e-6);
});

test('an explicit background overrides the automatic one', () => {
  const bytes = rgbaPng(2, 1, [0, 0, 0, 255, 0, 0, 0, 0]);
  close(decodeImage(bytes, 'a.png', { background: 0.25 }).data, [0, 0.25], 1e-6);
  close(decodeImage(bytes, 'a.png', { background: 0 }).data, [0, 0], 1e-6);
  assert.throws(
    () => decodeImage(bytes, 'a.png', { background: 2 }),
    /options\.background: expected 'auto' or a gray level in \[0, 1\], got 2/,
  );
});

test('a grayscale PNG is read as gray', () => {
  const png = new PNG({ width: 2, height: 1 });
  png.data = Buffer.from([0, 200]);
  const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
  close(decodeImage(bytes, 'g.png').data, [0, 200 / 255], 1e-6);
});

test('a JPEG is detected by its magic bytes and decoded', () => {
  // 16×16: left half black, right half white (8×8 blocks, so JPEG keeps the edge exactly enough).
  const rgba = new Uint8Array(16 * 16 * 4);
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 16; x++) {
      const v = x < 8 ? 0 : 255;
      rgba.set([v, v, v, 255], (y * 16 + x) * 4);
    }
  const bytes = new Uint8Array(jpeg.encode({ width: 16, height: 16, data: rgba }, 95).data);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.equal(detectImageFormat(bytes), 'jpeg');
  const img = decodeImage(bytes, 'p.jpg');
  assert.equal(img.width, 16);
  assert.equal(img.height, 16);
  assert.ok(img.data[16 * 4 + 2] < 0.05, `dark side: ${img.data[16 * 4 + 2]}`);
  assert.ok(img.data[16 * 4 + 13] > 0.95, `light side: ${img.data[16 * 4 + 13]}`);
});

test('unknown, empty and broken bytes are DataFormatErrors saying what was expected', () => {
  formatError(
    () => decodeImage(Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1]), 'up.bin'),
    /^up\.bin byte 0: expected a PNG \(89 50 4E 47 0D 0A 1A 0A\) or JPEG \(FF D8 FF\) image, got a GIF image \(47 49 46 38 39 61 01 00\)$/,
  );
  formatError(
    () => decodeImage(new TextEncoder().encode('hello'), 'up.bin'),
    /expected a PNG .* image, got 68 65 6C 6C 6F$/,
  );
  formatError(() => decodeImage(new Uint8Array(0), 'up.bin'), /got an empty file$/);
  const png = rgbaPng(4, 4, new Array(64).fill(200));
  formatError(() => decodeImage(png.subarray(0, 40), 'up.bin'), /^up\.bin: could not decode PNG: /);
  const corrupt = png.slice();
  corrupt[20] ^= 0xff; // inside IHDR: the CRC no longer matches
  formatError(() => decodeImage(corrupt, 'up.bin'), /^up\.bin: could not decode PNG: /);
  const jpg = jpeg.encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4) }, 90).data;
  formatError(
    () => decodeImage(new Uint8Array(jpg.subarray(0, 30)), 'up.bin'),
    /^up\.bin: could not decode JPEG: /,
  );
  assert.throws(() => decodeImage('x' as unknown as Uint8Array, 'up.bin'), TypeError);
});

test('encodePng writes an 8-bit grayscale PNG that decodes to the rounded image', () => {
  const img = { width: 3, height: 2, data: Float32Array.from([0, 0.5, 1, -0.2, 1.7, 0.25]) };
  const bytes = encodePng(img);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(bytes[24], 8, 'bit depth');
  assert.equal(bytes[25], 0, 'color type 0: grayscale');
  const raw = PNG.sync.read(Buffer.from(bytes));
  assert.deepEqual(
    [...raw.data.filter((_, i) => i % 4 === 0)],
    [0, 128, 255, 0, 255, 64], // round(v·255), clamped
  );
  close(decodeImage(bytes, 'round.png').data, [0, 128 / 255, 1, 0, 1, 64 / 255], 1e-6);
  assert.throws(
    () => encodePng({ width: 1, height: 1, data: Float32Array.from([Number.NaN]) }),
    /img\.data\[0\]: expected a finite value in \[0, 1\], got NaN/,
  );
  assert.throws(() => encodePng({ width: 2, height: 2, data: new Float32Array(3) }), RangeError);
});

describe('decompression bombs are refused by the decoder before they are decoded', () => {
  const refusedFast = (bytes: Uint8Array, maxSide: number, pattern: RegExp) => {
    const start = performance.now();
    formatError(() => decodeImage(bytes, 'up.bin', { maxSide }), pattern);
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `refusing took ${ms.toFixed(0)} ms`);
  };

  test('an interlaced 16×16 PNG whose pixels inflate to 64 MiB', () => {
    const bomb = interlacedBombPng(64 * 2 ** 20);
    assert.ok(bomb.length < 100_000, `the bomb is ${bomb.length} bytes`);
    refusedFast(
      bomb,
      2048,
      /could not decode PNG: pixels inflate to more than the \d+ bytes its 16×16 header implies/,
    );
  });

  test('a PNG with a second IHDR declaring 6000×6000', () => {
    refusedFast(secondHeaderPng(6000, 6000), 2048, /could not decode PNG: a second IHDR/);
  });

  test('a PNG whose one IHDR is over the side limit, and one whose first chunk is not IHDR', () => {
    refusedFast(
      pngOf(pngChunk('IHDR', ihdr(3000, 10))),
      2048,
      /3000×10 pixels; each side must be 1–2048/,
    );
    refusedFast(
      pngOf(pngChunk('tEXt', new Uint8Array(4)), pngChunk('IHDR', ihdr(4, 4))),
      2048,
      /IHDR chunk first/,
    );
  });

  test('a JPEG starting FF D8 FF 00 with a 10000×10000 frame', () => {
    refusedFast(confusingJpeg(10000, 10000), 2048, /could not decode JPEG: maxResolutionInMP/);
  });

  test('a JPEG within the pixel budget but wider than the side limit', () => {
    // 4000×16 is 0.064 MP, under 2048², but 4000 > 2048: refused after jpeg-js's bounded decode.
    const img = jpeg.encode(
      { width: 4000, height: 16, data: Buffer.alloc(4000 * 16 * 4, 255) },
      90,
    );
    refusedFast(
      new Uint8Array(img.data),
      2048,
      /could not decode JPEG: it declares 4000×16 pixels/,
    );
  });

  test('an ordinary interlaced PNG within the limits still decodes', () => {
    const rows = Buffer.alloc(pngInflatedSize16x16Interlaced(), 0);
    const png = pngOf(pngChunk('IHDR', ihdr(16, 16, true)), pngChunk('IDAT', deflateSync(rows)));
    const img = decodeImage(png, 'ok.png', { maxSide: 16 });
    assert.equal(img.width, 16);
    assert.equal(img.data[0], 0);
  });
});

/** Filtered scanline bytes of a 16×16 8-bit gray Adam7 PNG (the seven passes' rows + filters). */
function pngInflatedSize16x16Interlaced(): number {
  // Pass sizes (w×h): 2×2, 2×2, 4×2, 4×4, 8×4, 8×8, 16×8; each row has one filter byte.
  const passes = [
    [2, 2],
    [2, 2],
    [4, 2],
    [4, 4],
    [8, 4],
    [8, 8],
    [16, 8],
  ];
  return passes.reduce((sum, [w, h]) => sum + h * (w + 1), 0);
}
