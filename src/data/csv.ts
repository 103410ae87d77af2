/**
 * The CSV of Streamlit / Kaggle digit apps: a header `label,p0,…,p783` (Kaggle spells the pixel
 * columns `pixel0,…,pixel783`; both are read, `p` is written), then one 28×28 image per row: the
 * label 0–9 and 784 row-major pixel values 0–255, white ink on black. Digits are not necessarily
 * centred.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CANONICAL_SIZE, type ImageSet } from '../core/types.js';
import { checkSource, checkText, DataFormatError, describeValue } from './errors.js';

/** Side of every image in the CSV. */
export const CSV_IMAGE_SIDE = CANONICAL_SIZE;
/** Pixel columns per row (28 × 28). */
export const CSV_PIXEL_COUNT = CSV_IMAGE_SIDE * CSV_IMAGE_SIDE;
/** Values per row: the label, then the pixels. */
export const CSV_COLUMN_COUNT = 1 + CSV_PIXEL_COUNT;
/** Name of the first column. */
export const CSV_LABEL_COLUMN = 'label';
/** Prefix of the pixel column names this module writes (`p0` … `p783`). */
export const CSV_PIXEL_PREFIX = 'p';
/** Pixel column prefixes accepted when reading (`p0…` and Kaggle's `pixel0…`). */
export const CSV_PIXEL_PREFIXES = [CSV_PIXEL_PREFIX, 'pixel'] as const;
/** Largest pixel value. */
export const CSV_MAX_PIXEL = 255;
/** Largest label. */
export const CSV_MAX_LABEL = 9;

const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const NINE = 57;
const BOM = '\uFEFF';

function headerFor(prefix: string): string[] {
  const names = [CSV_LABEL_COLUMN];
  for (let i = 0; i < CSV_PIXEL_COUNT; i++) names.push(`${prefix}${i}`);
  return names;
}

function checkHeader(line: string, source: string): void {
  const found = line.split(',').map((name) => name.trim());
  const shown = line.length > 40 ? `${line.slice(0, 40)}…` : line;
  const where = { file: source, line: 1 };
  const expectation = `expected the header "${CSV_LABEL_COLUMN},${CSV_PIXEL_PREFIX}0,…,${CSV_PIXEL_PREFIX}${CSV_PIXEL_COUNT - 1}"`;
  if (found.length !== CSV_COLUMN_COUNT)
    throw new DataFormatError(
      where,
      `${expectation} (${CSV_COLUMN_COUNT} columns), got ${found.length} columns: "${shown}"`,
    );
  const prefix = CSV_PIXEL_PREFIXES.find((p) => found[1] === `${p}0`) ?? CSV_PIXEL_PREFIX;
  const expected = headerFor(prefix);
  for (let i = 0; i < CSV_COLUMN_COUNT; i++) {
    if (found[i] !== expected[i])
      throw new DataFormatError(
        where,
        `${expectation}, got "${found[i]}" in column ${i + 1} where "${expected[i]}" belongs`,
      );
  }
}

/** Explains why a row the fast scanner stopped at is malformed (the slow path, errors only). */
function rowError(source: string, lineNo: number, line: string): DataFormatError {
  const where = { file: source, line: lineNo };
  const values = line.split(',');
  if (values.length !== CSV_COLUMN_COUNT)
    return new DataFormatError(
      where,
      `expected ${CSV_COLUMN_COUNT} comma-separated values, got ${values.length}`,
    );
  for (let i = 0; i < values.length; i++) {
    const value = values[i].trim();
    const max = i === 0 ? CSV_MAX_LABEL : CSV_MAX_PIXEL;
    if (/^[0-9]+$/.test(value) && Number(value) <= max) continue;
    const column = i === 0 ? CSV_LABEL_COLUMN : `${CSV_PIXEL_PREFIX}${i - 1}`;
    const kind = i === 0 ? `a label 0–${max}` : `an integer 0–${max}`;
    return new DataFormatError(
      where,
      `column ${i + 1} (${column}): expected ${kind}, got ${JSON.stringify(values[i])}`,
    );
  }
  return new DataFormatError(where, `malformed row ${JSON.stringify(line.slice(0, 40))}`);
}

/**
 * Parses digit CSV text into an `ImageSet` of 28×28 images. Tolerates CRLF line ends, a UTF-8
 * byte-order mark, blank lines, a trailing newline and spaces around values. Pure.
 */
export function parseDigitCsv(text: string, source: string): ImageSet {
  checkText('text', text);
  checkSource(source);
  let pos = text.startsWith(BOM) ? 1 : 0;
  const headerEnd = text.indexOf('\n', pos);
  const headerLine = text.slice(pos, headerEnd < 0 ? text.length : headerEnd).replace(/\r$/, '');
  if (headerLine.trim() === '')
    throw new DataFormatError(
      { file: source, line: 1 },
      `expected the header "${CSV_LABEL_COLUMN},${CSV_PIXEL_PREFIX}0,…", got ${headerEnd < 0 ? 'an empty file' : 'an empty line'}`,
    );
  checkHeader(headerLine, source);
  if (headerEnd < 0) return emptySet();

  // One row per line at most: count lines to allocate once, trim at the end if some were blank.
  let capacity = 1;
  for (let i = text.indexOf('\n', headerEnd + 1); i >= 0; i = text.indexOf('\n', i + 1)) capacity++;
  const pixels = new Uint8Array(capacity * CSV_PIXEL_COUNT);
  const labels = new Uint8Array(capacity);
  const length = text.length;
  let n = 0;
  let lineNo = 1;
  pos = headerEnd + 1;

  // Hand-rolled scanner: no per-row split into strings, so 60,000 rows parse in well under a second.
  while (pos < length) {
    lineNo++;
    const lineStart = pos;
    let c = text.charCodeAt(pos);
    while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++pos);
    if (c === LF || pos >= length) {
      pos++;
      continue; // blank line
    }
    pos = lineStart;
    const base = n * CSV_PIXEL_COUNT - 1;
    for (let col = 0; col < CSV_COLUMN_COUNT; col++) {
      c = text.charCodeAt(pos);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++pos);
      let value = 0;
      const digitsStart = pos;
      while (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        c = text.charCodeAt(++pos);
      }
      const max = col === 0 ? CSV_MAX_LABEL : CSV_MAX_PIXEL;
      if (pos === digitsStart || value > max)
        throw rowError(source, lineNo, lineAt(text, lineStart));
      while (c === SPACE || c === TAB) c = text.charCodeAt(++pos);
      if (col === 0) labels[n] = value;
      else pixels[base + col] = value;
      if (col < CSV_COLUMN_COUNT - 1) {
        if (c !== COMMA) throw rowError(source, lineNo, lineAt(text, lineStart));
        pos++;
      } else {
        if (c === CR) c = text.charCodeAt(++pos);
        if (c === LF) pos++;
        else if (pos < length) throw rowError(source, lineNo, lineAt(text, lineStart));
      }
    }
    n++;
  }
  return {
    n,
    width: CSV_IMAGE_SIDE,
    height: CSV_IMAGE_SIDE,
    pixels: n === capacity ? pixels : pixels.slice(0, n * CSV_PIXEL_COUNT),
    labels: n === capacity ? labels : labels.slice(0, n),
  };
}

function lineAt(text: string, start: number): string {
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

function emptySet(): ImageSet {
  return {
    n: 0,
    width: CSV_IMAGE_SIDE,
    height: CSV_IMAGE_SIDE,
    pixels: new Uint8Array(0),
    labels: new Uint8Array(0),
  };
}

/** Checks a set can be written as digit CSV: 28×28, sizes consistent, labels 0–9. */
function checkCsvSet(set: ImageSet): void {
  if (typeof set !== 'object' || set === null)
    throw new TypeError(`set: expected an ImageSet, got ${describeValue(set)}`);
  if (set.width !== CSV_IMAGE_SIDE || set.height !== CSV_IMAGE_SIDE)
    throw new RangeError(
      `set: expected ${CSV_IMAGE_SIDE}×${CSV_IMAGE_SIDE} images for digit CSV, got ${set.width}×${set.height}`,
    );
  if (!Number.isInteger(set.n) || set.n < 0)
    throw new RangeError(`set.n: expected a count ≥ 0, got ${set.n}`);
  if (!(set.pixels instanceof Uint8Array) || set.pixels.length !== set.n * CSV_PIXEL_COUNT)
    throw new RangeError(
      `set.pixels: expected a Uint8Array of ${set.n * CSV_PIXEL_COUNT} bytes, got ${set.pixels?.length}`,
    );
  if (!(set.labels instanceof Uint8Array) || set.labels.length !== set.n)
    throw new RangeError(
      `set.labels: expected a Uint8Array of ${set.n} labels, got ${set.labels?.length}`,
    );
  for (let i = 0; i < set.n; i++) {
    if (set.labels[i] > CSV_MAX_LABEL)
      throw new RangeError(
        `set.labels[${i}]: expected a digit 0–${CSV_MAX_LABEL}, got ${set.labels[i]}`,
      );
  }
}

/** Writes the decimal digits of `value` (0–255) at `pos`; returns the position after them. */
function putNumber(out: Uint8Array, pos: number, value: number): number {
  if (value >= 100) {
    out[pos++] = ZERO + Math.floor(value / 100);
    out[pos++] = ZERO + (Math.floor(value / 10) % 10);
  } else if (value >= 10) out[pos++] = ZERO + Math.floor(value / 10);
  out[pos++] = ZERO + (value % 10);
  return pos;
}

/** Encodes a 28×28 set as digit CSV bytes (ASCII, LF line ends, trailing newline). */
export function encodeDigitCsv(set: ImageSet): Uint8Array {
  checkCsvSet(set);
  const header = Buffer.from(`${headerFor(CSV_PIXEL_PREFIX).join(',')}\n`, 'latin1');
  // At most 3 digits and a separator per value.
  const out = new Uint8Array(header.length + set.n * CSV_COLUMN_COUNT * 4);
  out.set(header);
  let pos = header.length;
  for (let i = 0; i < set.n; i++) {
    pos = putNumber(out, pos, set.labels[i]);
    const base = i * CSV_PIXEL_COUNT;
    for (let j = 0; j < CSV_PIXEL_COUNT; j++) {
      out[pos++] = COMMA;
      pos = putNumber(out, pos, set.pixels[base + j]);
    }
    out[pos++] = LF;
  }
  return out.subarray(0, pos);
}

/** Formats a 28×28 set as digit CSV text; `RangeError` for any other size. */
export function formatDigitCsv(set: ImageSet): string {
  const bytes = encodeDigitCsv(set);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** Reads a digit CSV file (UTF-8 or ASCII). */
export function readDigitCsv(path: string): ImageSet {
  return parseDigitCsv(readFileSync(path, 'utf8'), path);
}

/** Writes a 28×28 set as a digit CSV file. */
export function writeDigitCsv(path: string, set: ImageSet): void {
  writeFileSync(path, encodeDigitCsv(set));
}
