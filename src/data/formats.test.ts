import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { formatDigitCsv } from './csv.js';
import { DataFormatError } from './errors.js';
import { DATA_FORMATS, detectFormat, idxPairPaths, readLabelledData } from './formats.js';
import { encodeIdxImages, encodeIdxLabels } from './idx.js';
import { encodePng } from './image-decode.js';

const root = mkdtempSync(join(tmpdir(), 'digitrec-formats-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SET = {
  n: 2,
  width: 28,
  height: 28,
  pixels: Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 251),
  labels: Uint8Array.from([4, 2]),
};
const UNIPEN =
  '.HIERARCHY DIGIT\n\n.SEGMENT DIGIT 0 ? "5"\n.COMMENT 5 7 1\n.PEN_DOWN\n 1 1\n 2 3\n.PEN_UP\n';
const JSONL = '{"id":"d0","label":1,"writer":"w","stroke_width":18,"strokes":[[[1,2],[3,4]]]}\n';

function file(name: string, content: string | Uint8Array): string {
  const path = join(root, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const paths = {
  csv: file('digits.csv', formatDigitCsv(SET)),
  jsonl: file('pen.jsonl', JSONL),
  ndjson: file('pen.ndjson', JSONL),
  unipen: file('pen.unipen', UNIPEN),
  dat: file('pen.dat', UNIPEN),
  unipenTxt: file('pen-raw.txt', `\n${UNIPEN}`),
  idxImages: file('mnist/train-images-idx3-ubyte', encodeIdxImages(SET)),
  idxLabels: file('mnist/train-labels-idx1-ubyte', encodeIdxLabels(SET.labels)),
  gzImages: file('gz/t10k-images.idx3-ubyte.gz', gzipSync(encodeIdxImages(SET))),
  gzLabels: file('gz/t10k-labels.idx1-ubyte.gz', gzipSync(encodeIdxLabels(SET.labels))),
  shortImages: file('short/x.idx3', encodeIdxImages(SET)),
  shortLabels: file('short/x.idx1', encodeIdxLabels(SET.labels)),
  lonely: file('lonely/train-images-idx3-ubyte', encodeIdxImages(SET)),
  mystery: file('mystery.bin', 'hello, world'),
  folder: join(root, 'folder'),
};
file('folder/labels.csv', 'file,label,writer\na.png,6,w1\n');
file('folder/a.png', encodePng({ width: 2, height: 2, data: Float32Array.from([0, 1, 1, 0]) }));

function formatError(fn: () => unknown, pattern: RegExp, file: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
    assert.match(error.message, pattern);
    assert.equal(error.file, file);
    return true;
  });
}

test('detectFormat by folder, extension and first bytes', () => {
  assert.equal(detectFormat(paths.folder), 'folder');
  assert.equal(detectFormat(paths.csv), 'csv');
  assert.equal(detectFormat(paths.jsonl), 'strokes-jsonl');
  assert.equal(detectFormat(paths.ndjson), 'strokes-jsonl');
  assert.equal(detectFormat(paths.unipen), 'unipen');
  assert.equal(detectFormat(paths.dat), 'unipen');
  assert.equal(detectFormat(paths.unipenTxt), 'unipen');
  assert.equal(detectFormat(paths.idxImages), 'idx');
  assert.equal(detectFormat(paths.idxLabels), 'idx');
  assert.equal(detectFormat(paths.gzImages), 'idx');
  assert.equal(detectFormat(paths.shortImages), 'idx');
  assert.equal(detectFormat(file('sniff/data', JSONL)), 'strokes-jsonl');
  assert.equal(detectFormat(file('sniff/table', formatDigitCsv(SET))), 'csv');
});

test('idxPairPaths finds the sibling by MNIST naming, from either file, with or without .gz', () => {
  assert.deepEqual(idxPairPaths(paths.idxImages), {
    images: paths.idxImages,
    labels: paths.idxLabels,
  });
  assert.deepEqual(idxPairPaths(paths.idxLabels), {
    images: paths.idxImages,
    labels: paths.idxLabels,
  });
  assert.deepEqual(idxPairPaths(paths.gzImages), {
    images: paths.gzImages,
    labels: paths.gzLabels,
  });
  assert.deepEqual(idxPairPaths(paths.shortLabels), {
    images: paths.shortImages,
    labels: paths.shortLabels,
  });
  formatError(
    () => detectFormat(paths.lonely),
    /train-images-idx3-ubyte: expected the IDX labels file beside it, tried train-labels-idx1-ubyte, train-labels-idx1-ubyte\.gz$/,
    paths.lonely,
  );
});

test('readLabelledData returns each kind', () => {
  for (const path of [
    paths.csv,
    paths.idxImages,
    paths.idxLabels,
    paths.gzLabels,
    paths.shortImages,
  ]) {
    const data = readLabelledData(path);
    assert.equal(data.kind, 'images', path);
    if (data.kind !== 'images') continue;
    assert.deepEqual(data.set, SET, path);
    assert.equal(data.source, path);
  }
  const gray = readLabelledData(paths.folder);
  assert.equal(gray.kind, 'gray');
  if (gray.kind === 'gray') {
    assert.deepEqual(gray.names, ['a.png']);
    assert.deepEqual([...gray.labels], [6]);
    assert.deepEqual(gray.groups, ['w1']);
    assert.deepEqual([...gray.images[0].data], [0, 1, 1, 0]);
  }
  for (const path of [paths.unipen, paths.dat, paths.unipenTxt]) {
    const data = readLabelledData(path, undefined, { unipen: { canvasSize: 100 } });
    assert.equal(data.kind, 'drawings');
    if (data.kind !== 'drawings') continue;
    assert.equal(data.drawings.length, 1);
    assert.equal(data.drawings[0].label, 5);
    assert.equal(data.drawings[0].group, 'writer-7');
    assert.equal(data.drawings[0].drawing.width, 100);
  }
  const jsonl = readLabelledData(paths.jsonl);
  assert.equal(jsonl.kind, 'drawings');
  if (jsonl.kind === 'drawings') assert.equal(jsonl.drawings[0].id, 'd0');
  // An explicit format wins over the name.
  const forced = readLabelledData(paths.unipenTxt, 'unipen');
  assert.equal(forced.kind, 'drawings');
});

test('unknown formats and unreadable paths list the supported formats', () => {
  const all = Object.keys(DATA_FORMATS);
  assert.deepEqual(all, ['idx', 'csv', 'folder', 'strokes-jsonl', 'unipen']);
  const listsAll = (message: string) => all.every((f) => message.includes(`  ${f}: `));
  formatError(
    () => detectFormat(paths.mystery),
    /mystery\.bin: expected labelled data in a known format, got a file whose name and first bytes match none; supported formats:\n {2}idx: /,
    paths.mystery,
  );
  const missing = join(root, 'nothing-here.csv');
  formatError(
    () => readLabelledData(missing),
    /nothing-here\.csv: cannot read labelled data: no such file or folder; supported formats:/,
    missing,
  );
  formatError(
    () => readLabelledData(missing, 'csv'),
    /cannot read labelled data: no such file or folder/,
    missing,
  );
  formatError(
    () => readLabelledData(paths.csv, 'xlsx' as 'csv'),
    /digits\.csv: expected a known format, got "xlsx"; supported formats:/,
    paths.csv,
  );
  assert.throws(
    () => detectFormat(paths.mystery),
    (error: Error) => listsAll(error.message),
  );
  // A reader's own error passes through unchanged.
  formatError(
    () => readLabelledData(paths.mystery, 'csv'),
    /mystery\.bin line 1: expected the header/,
    paths.mystery,
  );
  assert.throws(() => detectFormat(''), TypeError);
});
