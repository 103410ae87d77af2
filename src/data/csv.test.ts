import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImageSet } from '../core/types.js';
import { formatDigitCsv, parseDigitCsv, readDigitCsv, writeDigitCsv } from './csv.js';
import { DataFormatError } from './errors.js';

const HEADER = `label,${Array.from({ length: 784 }, (_, i) => `p${i}`).join(',')}`;

/** A row: the label, then 784 pixels that are all 0 except the given positions. */
function row(label: number | string, set: Record<number, number | string> = {}): string {
  const values: (number | string)[] = new Array(784).fill(0);
  for (const [i, v] of Object.entries(set)) values[Number(i)] = v;
  return `${label},${values.join(',')}`;
}

function formatError(fn: () => unknown, message: string, line: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
    assert.equal(error.message, message);
    assert.equal(error.file, 'digits.csv');
    assert.equal(error.line, line);
    return true;
  });
}

test('parseDigitCsv reads labels and row-major pixels', () => {
  const text = `${HEADER}\n${row(3, { 0: 255, 29: 7, 783: 1 })}\n${row(9, { 1: 128 })}\n`;
  const set = parseDigitCsv(text, 'digits.csv');
  assert.equal(set.n, 2);
  assert.equal(set.width, 28);
  assert.equal(set.height, 28);
  assert.deepEqual([...set.labels], [3, 9]);
  assert.equal(set.pixels.length, 2 * 784);
  assert.equal(set.pixels[0], 255);
  assert.equal(set.pixels[29], 7); // row 1, column 1
  assert.equal(set.pixels[783], 1);
  assert.equal(set.pixels[784 + 1], 128);
  const sum = set.pixels.reduce((a, b) => a + b, 0);
  assert.equal(sum, 255 + 7 + 1 + 128);
});

test('CRLF, a BOM, blank lines, spaces and a missing final newline are tolerated', () => {
  const text = `\uFEFF${HEADER}\r\n${row(1, { 5: ' 42 ' })}\r\n\r\n  \n${row(2, { 6: 9 })}`;
  const set = parseDigitCsv(text, 'digits.csv');
  assert.deepEqual([...set.labels], [1, 2]);
  assert.equal(set.pixels[5], 42);
  assert.equal(set.pixels[784 + 6], 9);
});

test("Kaggle's pixel0…pixel783 header is accepted; a header alone is an empty set", () => {
  const kaggle = `label,${Array.from({ length: 784 }, (_, i) => `pixel${i}`).join(',')}\n`;
  const set = parseDigitCsv(`${kaggle}${row(4)}\n`, 'k.csv');
  assert.deepEqual([...set.labels], [4]);
  assert.equal(parseDigitCsv(`${HEADER}\n`, 'h.csv').n, 0);
  assert.equal(parseDigitCsv(HEADER, 'h.csv').pixels.length, 0);
});

test('a wrong or missing header is rejected on line 1', () => {
  formatError(
    () => parseDigitCsv('', 'digits.csv'),
    'digits.csv line 1: expected the header "label,p0,…", got an empty file',
    1,
  );
  formatError(
    () => parseDigitCsv(`${row(1)}\n`, 'digits.csv'),
    'digits.csv line 1: expected the header "label,p0,…,p783", got "1" in column 1 where "label" belongs',
    1,
  );
  formatError(
    () => parseDigitCsv(`${HEADER.replace('p2,', 'p3,')}\n`, 'digits.csv'),
    'digits.csv line 1: expected the header "label,p0,…,p783", got "p3" in column 4 where "p2" belongs',
    1,
  );
  formatError(
    () => parseDigitCsv('label,p0,p1\n', 'digits.csv'),
    'digits.csv line 1: expected the header "label,p0,…,p783" (785 columns), got 3 columns: "label,p0,p1"',
    1,
  );
});

test('a wrong value count is reported with the line', () => {
  const short = row(1).slice(0, -2); // drop the last ",0"
  formatError(
    () => parseDigitCsv(`${HEADER}\n${row(1)}\n${short}\n`, 'digits.csv'),
    'digits.csv line 3: expected 785 comma-separated values, got 784',
    3,
  );
  formatError(
    () => parseDigitCsv(`${HEADER}\r\n${row(1)},0\r\n`, 'digits.csv'),
    'digits.csv line 2: expected 785 comma-separated values, got 786',
    2,
  );
});

test('non-integers, out-of-range pixels and labels are reported with line and column', () => {
  formatError(
    () => parseDigitCsv(`${HEADER}\n${row(1, { 3: '2.5' })}\n`, 'digits.csv'),
    'digits.csv line 2: column 5 (p3): expected an integer 0–255, got "2.5"',
    2,
  );
  formatError(
    () => parseDigitCsv(`${HEADER}\n\n${row(1, { 0: 256 })}\n`, 'digits.csv'),
    'digits.csv line 3: column 2 (p0): expected an integer 0–255, got "256"',
    3,
  );
  formatError(
    () => parseDigitCsv(`${HEADER}\n${row(1, { 10: -1 })}\n`, 'digits.csv'),
    'digits.csv line 2: column 12 (p10): expected an integer 0–255, got "-1"',
    2,
  );
  formatError(
    () => parseDigitCsv(`${HEADER}\n${row(1, { 783: '' })}\n`, 'digits.csv'),
    'digits.csv line 2: column 785 (p783): expected an integer 0–255, got ""',
    2,
  );
  formatError(
    () => parseDigitCsv(`${HEADER}\n${row(10)}\n`, 'digits.csv'),
    'digits.csv line 2: column 1 (label): expected a label 0–9, got "10"',
    2,
  );
  formatError(
    () => parseDigitCsv(`${HEADER}\n${row('x')}\n`, 'digits.csv'),
    'digits.csv line 2: column 1 (label): expected a label 0–9, got "x"',
    2,
  );
});

function smallSet(): ImageSet {
  const n = 3;
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  return { n, width: 28, height: 28, pixels, labels: Uint8Array.from([0, 5, 9]) };
}

test('formatDigitCsv writes the header and rows, and round-trips', () => {
  const set = smallSet();
  const text = formatDigitCsv(set);
  const lines = text.split('\n');
  assert.equal(lines.length, 5); // header, 3 rows, '' after the trailing newline
  assert.equal(lines[0], HEADER);
  assert.equal(lines[4], '');
  assert.ok(lines[1].startsWith('0,0,37,74,111,148,185,222,3,40,'));
  assert.deepEqual(parseDigitCsv(text, 'rt.csv'), set);
  const empty = {
    n: 0,
    width: 28,
    height: 28,
    pixels: new Uint8Array(0),
    labels: new Uint8Array(0),
  };
  assert.equal(formatDigitCsv(empty), `${HEADER}\n`);
});

test('formatDigitCsv rejects sets that are not 28×28 or inconsistent', () => {
  const set = smallSet();
  assert.throws(
    () => formatDigitCsv({ ...set, width: 20, height: 20, pixels: new Uint8Array(3 * 400) }),
    { name: 'RangeError', message: 'set: expected 28×28 images for digit CSV, got 20×20' },
  );
  assert.throws(
    () => formatDigitCsv({ ...set, pixels: new Uint8Array(10) }),
    /set\.pixels: expected a Uint8Array of 2352 bytes, got 10/,
  );
  assert.throws(
    () => formatDigitCsv({ ...set, labels: Uint8Array.from([1, 2, 10]) }),
    /set\.labels\[2\]: expected a digit 0–9, got 10/,
  );
  assert.throws(() => parseDigitCsv(42 as unknown as string, 'x'), TypeError);
});

test('writeDigitCsv and readDigitCsv round-trip through a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-csv-'));
  try {
    const path = join(dir, 'digits.csv');
    const set = smallSet();
    writeDigitCsv(path, set);
    assert.equal(readFileSync(path, 'latin1'), formatDigitCsv(set));
    assert.deepEqual(readDigitCsv(path), set);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
