/**
 * MNIST's IDX files (http://yann.lecun.com/exdb/mnist/): a big-endian header followed by raw
 * unsigned bytes. Images: magic 2051, count, rows, columns, then `count × rows × columns` pixels
 * (0–255, ink high). Labels: magic 2049, count, then `count` bytes (0–9).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ImageSet } from '../core/types.js';
import { checkBytes, checkSource, DataFormatError, describeValue } from './errors.js';

/** Magic number of an IDX image file: type 0x08 (unsigned byte), 3 dimensions. */
export const IMAGE_HEADER_MAGIC = 2051;
/** Magic number of an IDX label file: type 0x08 (unsigned byte), 1 dimension. */
export const LABEL_HEADER_MAGIC = 2049;
/** Bytes before the pixels of an image file: magic, count, rows, columns (uint32 each). */
export const IMAGE_HEADER_BYTES = 16;
/** Bytes before the labels of a label file: magic, count (uint32 each). */
export const LABEL_HEADER_BYTES = 8;
/** Labels are digits. */
export const MAX_LABEL = 9;
/** First two bytes of a gzip stream; `readIdxPair` inflates `.gz` files transparently. */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The images of an IDX image file: `n` images of `width × height` bytes, image after image. */
export interface IdxImages {
  n: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Names of the two files of an IDX pair, for error messages. */
export interface IdxSources {
  images: string;
  labels: string;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] << 24) |
      (bytes[offset + 1] << 16) |
      (bytes[offset + 2] << 8) |
      bytes[offset + 3]) >>>
    0
  );
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

function magicName(magic: number): string {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (magic === IMAGE_HEADER_MAGIC) return `${magic} (${hex}, an image file)`;
  if (magic === LABEL_HEADER_MAGIC) return `${magic} (${hex}, a label file)`;
  return `${magic} (${hex})`;
}

function checkHeader(
  bytes: Uint8Array,
  source: string,
  magic: number,
  headerBytes: number,
  kind: string,
): void {
  // The magic number is checked first (when there are 4 bytes), so a label file given as an
  // image file is reported as such rather than as a short header.
  if (bytes.length >= 4) {
    const found = readUint32(bytes, 0);
    if (found !== magic)
      throw new DataFormatError(
        { file: source, offset: 0 },
        `expected IDX ${kind} magic number ${magicName(magic)}, got ${magicName(found)}`,
      );
  }
  if (bytes.length < headerBytes)
    throw new DataFormatError(
      { file: source, offset: bytes.length },
      `file ends after ${bytes.length} bytes, expected an IDX ${kind} header of ${headerBytes} bytes`,
    );
}

/** Parses an IDX image file (magic 2051). Pure; the returned pixels are a copy. */
export function parseIdxImages(bytes: Uint8Array, source: string): IdxImages {
  checkBytes('bytes', bytes);
  checkSource(source);
  checkHeader(bytes, source, IMAGE_HEADER_MAGIC, IMAGE_HEADER_BYTES, 'image');
  const n = readUint32(bytes, 4);
  const height = readUint32(bytes, 8);
  const width = readUint32(bytes, 12);
  if (height === 0 || width === 0)
    throw new DataFormatError(
      { file: source, offset: height === 0 ? 8 : 12 },
      `expected positive image dimensions, got ${height} rows × ${width} columns`,
    );
  const expected = IMAGE_HEADER_BYTES + n * width * height;
  if (bytes.length !== expected)
    throw new DataFormatError(
      { file: source, offset: Math.min(bytes.length, expected) },
      `expected ${expected} bytes for ${n} images of ${height}×${width} (header ${IMAGE_HEADER_BYTES} + pixels), got ${bytes.length}`,
    );
  return { n, width, height, pixels: new Uint8Array(bytes.subarray(IMAGE_HEADER_BYTES)) };
}

/** Parses an IDX label file (magic 2049), checking every label is 0–9. Pure; returns a copy. */
export function parseIdxLabels(bytes: Uint8Array, source: string): Uint8Array {
  checkBytes('bytes', bytes);
  checkSource(source);
  checkHeader(bytes, source, LABEL_HEADER_MAGIC, LABEL_HEADER_BYTES, 'label');
  const n = readUint32(bytes, 4);
  const expected = LABEL_HEADER_BYTES + n;
  if (bytes.length !== expected)
    throw new DataFormatError(
      { file: source, offset: Math.min(bytes.length, expected) },
      `expected ${expected} bytes for ${n} labels (header ${LABEL_HEADER_BYTES} + labels), got ${bytes.length}`,
    );
  const labels = new Uint8Array(bytes.subarray(LABEL_HEADER_BYTES));
  for (let i = 0; i < n; i++) {
    if (labels[i] > MAX_LABEL)
      throw new DataFormatError(
        { file: source, offset: LABEL_HEADER_BYTES + i },
        `label ${i}: expected a digit 0–${MAX_LABEL}, got ${labels[i]}`,
      );
  }
  return labels;
}

/**
 * Parses an IDX image file and its label file into one `ImageSet`, checking the counts agree.
 * `source` names both files (a string is used for both, e.g. a directory name).
 */
export function parseIdxPair(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  source: string | IdxSources,
): ImageSet {
  const names = typeof source === 'string' ? { images: source, labels: source } : source;
  if (typeof names?.images !== 'string' || typeof names.labels !== 'string')
    throw new TypeError(
      `source: expected a string or { images, labels } names, got ${describeValue(source)}`,
    );
  checkBytes('imageBytes', imageBytes);
  checkBytes('labelBytes', labelBytes);
  const images = parseIdxImages(imageBytes, names.images);
  const labels = parseIdxLabels(labelBytes, names.labels);
  if (labels.length !== images.n)
    throw new DataFormatError(
      { file: names.labels, offset: 4 },
      `expected ${images.n} labels, one for each image in ${names.images}, got ${labels.length}`,
    );
  return { ...images, labels };
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`${name}: expected an integer 0–4294967295, got ${value}`);
}

/** Encodes the images of a set as an IDX image file (magic 2051, rows = height, columns = width). */
export function encodeIdxImages(
  set: Pick<ImageSet, 'n' | 'width' | 'height' | 'pixels'>,
): Uint8Array {
  if (typeof set !== 'object' || set === null)
    throw new TypeError(`set: expected an ImageSet, got ${describeValue(set)}`);
  checkCount('set.n', set.n);
  checkCount('set.width', set.width);
  checkCount('set.height', set.height);
  checkBytes('set.pixels', set.pixels);
  const size = set.n * set.width * set.height;
  if (set.pixels.length !== size)
    throw new RangeError(
      `set.pixels: expected ${size} bytes (n × width × height = ${set.n} × ${set.width} × ${set.height}), got ${set.pixels.length}`,
    );
  const out = new Uint8Array(IMAGE_HEADER_BYTES + size);
  writeUint32(out, 0, IMAGE_HEADER_MAGIC);
  writeUint32(out, 4, set.n);
  writeUint32(out, 8, set.height);
  writeUint32(out, 12, set.width);
  out.set(set.pixels, IMAGE_HEADER_BYTES);
  return out;
}

/** Encodes labels (each 0–9) as an IDX label file (magic 2049). */
export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  checkBytes('labels', labels);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > MAX_LABEL)
      throw new RangeError(`labels[${i}]: expected a digit 0–${MAX_LABEL}, got ${labels[i]}`);
  }
  const out = new Uint8Array(LABEL_HEADER_BYTES + labels.length);
  writeUint32(out, 0, LABEL_HEADER_MAGIC);
  writeUint32(out, 4, labels.length);
  out.set(labels, LABEL_HEADER_BYTES);
  return out;
}

/** Inflates gzip bytes (the form MNIST is usually downloaded in); other bytes pass through. */
export function gunzipIfCompressed(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new DataFormatError(
      { file: source },
      `starts like gzip (1F 8B) but does not inflate: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Reads an IDX image file and its label file (either may be gzip-compressed) into an `ImageSet`. */
export function readIdxPair(imagesPath: string, labelsPath: string): ImageSet {
  const imageBytes = gunzipIfCompressed(readFileSync(imagesPath), imagesPath);
  const labelBytes = gunzipIfCompressed(readFileSync(labelsPath), labelsPath);
  return parseIdxPair(imageBytes, labelBytes, { images: imagesPath, labels: labelsPath });
}

/** Writes a set as an uncompressed IDX image file and label file. */
export function writeIdxPair(imagesPath: string, labelsPath: string, set: ImageSet): void {
  if (set?.labels?.length !== set?.n)
    throw new RangeError(`set.labels: expected ${set?.n} labels, got ${set?.labels?.length}`);
  const images = encodeIdxImages(set);
  const labels = encodeIdxLabels(set.labels);
  writeFileSync(imagesPath, images);
  writeFileSync(labelsPath, labels);
}
