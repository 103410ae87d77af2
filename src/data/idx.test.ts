import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataFormatError } from './errors.js';
import {
  encodeIdxImages,
  encodeIdxLabels,
  parseIdxImages,
  parseIdxLabels,
  parseIdxPair,
  readIdxPair,
  writeIdxPair,
} from './idx.js';

// Two images of 2 rows × 3 columns, written byte by byte.
// biome-ignore format: one row of bytes per header field and image row
const IMAGES = Uint8Array.from([
  0x00, 0x00, 0x08, 0x03, // magic 2051: unsigned bytes, 3 dimensions
  0x00, 0x00, 0x00, 0x02, // 2 images
  0x00, 0x00, 0x00, 0x02, // 2 rows
  0x00, 0x00, 0x00, 0x03, // 3 columns
  0, 1, 2, // image 0, row 0
  3, 4, 5, // image 0, row 1
  255, 128, 0, // image 1, row 0
  7, 8, 9, // image 1, row 1
]);
// biome-ignore format: one row of bytes per header field
const LABELS = Uint8Array.from([
  0x00, 0x00, 0x08, 0x01, // magic 2049: unsigned bytes, 1 dimension
  0x00, 0x00, 0x00, 0x02, // 2 labels
  7, 3,
]);

function formatError(fn: () => unknown, pattern: RegExp, offset?: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
    assert.match(error.message, pattern);
    if (offset !== undefined) assert.equal(error.offset, offset);
    return true;
  });
}

test('parseIdxImages reads the header big-endian and the pixels row-major', () => {
  const images = parseIdxImages(IMAGES, 'x-images');
  assert.equal(images.n, 2);
  assert.equal(images.height, 2);
  assert.equal(images.width, 3);
  assert.deepEqual([...images.pixels], [0, 1, 2, 3, 4, 5, 255, 128, 0, 7, 8, 9]);
});

test('parseIdxImages copies, so the caller may reuse its buffer', () => {
  const bytes = IMAGES.slice();
  const images = parseIdxImages(bytes, 'x');
  bytes[16] = 99;
  assert.equal(images.pixels[0], 0);
});

test('parseIdxPair returns an ImageSet', () => {
  const set = parseIdxPair(IMAGES, LABELS, 'pair');
  assert.equal(set.n, 2);
  assert.equal(set.width, 3);
  assert.equal(set.height, 2);
  assert.deepEqual([...set.labels], [7, 3]);
  assert.equal(set.pixels.length, 12);
});

test('a large count is read unsigned big-endian', () => {
  const bytes = Uint8Array.from([0, 0, 8, 1, 0x00, 0x01, 0x00, 0x00]);
  // 65536 labels promised, none present: the length check reports the big-endian count.
  formatError(() => parseIdxLabels(bytes, 'l'), /expected 65544 bytes for 65536 labels/);
});

test('encodeIdxImages and encodeIdxLabels write exactly the hand-written bytes', () => {
  const set = parseIdxPair(IMAGES, LABELS, 'pair');
  assert.deepEqual(encodeIdxImages(set), IMAGES);
  assert.deepEqual(encodeIdxLabels(set.labels), LABELS);
});

test('wrong magic numbers are named with what was expected', () => {
  formatError(
    () => parseIdxImages(LABELS, 'train-labels-idx1-ubyte'),
    /^train-labels-idx1-ubyte byte 0: expected IDX image magic number 2051 \(0x00000803, an image file\), got 2049 \(0x00000801, a label file\)$/,
    0,
  );
  formatError(
    () => parseIdxLabels(IMAGES, 'imgs'),
    /^imgs byte 0: expected IDX label magic number 2049 .*, got 2051/,
    0,
  );
});

test('a short header, a truncated or padded body and zero dimensions are rejected', () => {
  formatError(
    () => parseIdxImages(IMAGES.subarray(0, 10), 'short'),
    /^short byte 10: file ends after 10 bytes, expected an IDX image header of 16 bytes$/,
    10,
  );
  formatError(
    () => parseIdxImages(IMAGES.subarray(0, 27), 'cut'),
    /^cut byte 27: expected 28 bytes for 2 images of 2×3 .*, got 27$/,
    27,
  );
  const padded = new Uint8Array(29);
  padded.set(IMAGES);
  formatError(() => parseIdxImages(padded, 'pad'), /^pad byte 28: expected 28 bytes .*got 29$/, 28);
  formatError(
    () => parseIdxLabels(LABELS.subarray(0, 9), 'lab'),
    /^lab byte 9: expected 10 bytes for 2 labels/,
  );
  const zeroRows = IMAGES.slice();
  zeroRows[11] = 0;
  formatError(
    () => parseIdxImages(zeroRows, 'z'),
    /^z byte 8: expected positive image dimensions, got 0 rows × 3 columns$/,
    8,
  );
});

test('labels outside 0–9 are rejected at their byte offset', () => {
  const bad = LABELS.slice();
  bad[9] = 10;
  formatError(
    () => parseIdxLabels(bad, 'lab'),
    /^lab byte 9: label 1: expected a digit 0–9, got 10$/,
    9,
  );
});

test('parseIdxPair rejects counts that disagree, naming the label file', () => {
  const one = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 4]);
  formatError(
    () => parseIdxPair(IMAGES, one, { images: 'i.idx3', labels: 'l.idx1' }),
    /^l\.idx1 byte 4: expected 2 labels, one for each image in i\.idx3, got 1$/,
    4,
  );
});

test('API boundaries reject the wrong kinds and sizes', () => {
  assert.throws(() => parseIdxImages([0, 0, 8, 3] as unknown as Uint8Array, 's'), TypeError);
  assert.throws(() => parseIdxImages(IMAGES, 3 as unknown as string), /source: expected/);
  assert.throws(
    () => encodeIdxImages({ n: 2, width: 3, height: 2, pixels: new Uint8Array(11) }),
    /set\.pixels: expected 12 bytes .*got 11/,
  );
  assert.throws(
    () => encodeIdxImages({ n: 1.5, width: 3, height: 2, pixels: new Uint8Array(9) }),
    RangeError,
  );
  assert.throws(
    () => encodeIdxLabels(Uint8Array.from([1, 12])),
    /labels\[1\]: expected a digit 0–9, got 12/,
  );
});

test('readIdxPair and writeIdxPair round-trip through files, gzip included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-idx-'));
  try {
    const set = parseIdxPair(IMAGES, LABELS, 'pair');
    const imagesPath = join(dir, 'x-images-idx3-ubyte');
    const labelsPath = join(dir, 'x-labels-idx1-ubyte');
    writeIdxPair(imagesPath, labelsPath, set);
    assert.deepEqual(readIdxPair(imagesPath, labelsPath), set);
    writeFileSync(`${imagesPath}.gz`, gzipSync(IMAGES));
    writeFileSync(`${labelsPath}.gz`, gzipSync(LABELS));
    assert.deepEqual(readIdxPair(`${imagesPath}.gz`, `${labelsPath}.gz`), set);
    writeFileSync(`${imagesPath}.bad.gz`, Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
    formatError(
      () => readIdxPair(`${imagesPath}.bad.gz`, labelsPath),
      /starts like gzip \(1F 8B\) but does not inflate/,
    );
    const mismatch = { ...set, labels: new Uint8Array(1) };
    assert.throws(
      () => writeIdxPair(imagesPath, labelsPath, mismatch),
      /set\.labels: expected 2 labels, got 1/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
