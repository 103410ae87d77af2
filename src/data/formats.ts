/**
 * One entry point for every labelled-data format: `detectFormat` tells them apart by path (and,
 * for names that say nothing, by the first bytes), `readLabelledData` reads any of them.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { GrayImage, ImageSet, LabelledDrawing } from '../core/types.js';
import { readDigitCsv } from './csv.js';
import { DataFormatError } from './errors.js';
import { IMAGE_HEADER_MAGIC, LABEL_HEADER_MAGIC, readIdxPair } from './idx.js';
import type { DecodeImageOptions } from './image-decode.js';
import { readImageFolder } from './image-folder.js';
import { readStrokesJsonl } from './strokes-jsonl.js';
import { readUnipen, type UnipenOptions } from './unipen.js';

/** The labelled-data formats `readLabelledData` reads. */
export type DataFormat = 'idx' | 'csv' | 'folder' | 'strokes-jsonl' | 'unipen';

/** Each format with how it is recognised, for help texts and error messages. */
export const DATA_FORMATS: Readonly<Record<DataFormat, string>> = {
  idx: 'MNIST IDX: *-images-idx3-ubyte or *.idx3 (optionally .gz) with its *-labels-idx1-ubyte beside it',
  csv: 'digit CSV: *.csv with the header label,p0,…,p783',
  folder: 'image folder: a directory with labels.csv or subfolders 0 … 9 of PNG/JPEG images',
  'strokes-jsonl': 'stroke JSON Lines: *.jsonl or *.ndjson, one drawing per line',
  unipen: 'UNIPEN pen trajectories: *.unipen, *.dat, or a file starting with .KEYWORD lines',
};

/** Data read by `readLabelledData`, by kind: byte images, grayscale images, or drawings. */
export type LabelledData =
  | { kind: 'images'; set: ImageSet; source: string }
  | {
      kind: 'gray';
      images: GrayImage[];
      labels: Uint8Array;
      names: string[];
      groups?: string[];
      source: string;
    }
  | { kind: 'drawings'; drawings: LabelledDrawing[]; source: string };

/** Options passed on to the readers that take any. */
export interface ReadLabelledDataOptions {
  /** How UNIPEN digits are mapped onto a canvas. */
  unipen?: UnipenOptions;
  /** How folder images with transparency are composited. */
  image?: DecodeImageOptions;
}

/** Bytes read from the start of a file whose name does not give its format away. */
export const SNIFF_BYTES = 4096;

function supported(): string {
  return `supported formats:\n${Object.entries(DATA_FORMATS)
    .map(([name, how]) => `  ${name}: ${how}`)
    .join('\n')}`;
}

function unreadable(path: string, error: unknown): DataFormatError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or folder' : (error as Error).message;
  return new DataFormatError({ file: path }, `cannot read labelled data: ${why}; ${supported()}`, {
    cause: error,
  });
}

const IDX_IMAGES_NAME = /idx3(-ubyte)?(\.gz)?$/i;
const IDX_LABELS_NAME = /idx1(-ubyte)?(\.gz)?$/i;

/** Replaces the last occurrence of `from` (case-insensitive) in `text`. */
function replaceLast(text: string, from: string, to: string): string {
  const i = text.toLowerCase().lastIndexOf(from);
  return i < 0 ? text : text.slice(0, i) + to + text.slice(i + from.length);
}

/**
 * The image and label files of an IDX pair, given either of them, by MNIST's naming:
 * `train-images-idx3-ubyte` ↔ `train-labels-idx1-ubyte`, `x.idx3` ↔ `x.idx1`, with or without
 * `.gz` (both spellings are tried). `DataFormatError` naming the candidates when none exists.
 */
export function idxPairPaths(path: string): { images: string; labels: string } {
  const name = basename(path);
  const isLabels = IDX_LABELS_NAME.test(name) && !IDX_IMAGES_NAME.test(name);
  const [from, to, fromDim, toDim] = isLabels
    ? ['labels', 'images', 'idx1', 'idx3']
    : ['images', 'labels', 'idx3', 'idx1'];
  const sibling = replaceLast(replaceLast(name, fromDim, toDim), from, to);
  const plain = sibling.replace(/\.gz$/i, '');
  const candidates = [...new Set([sibling, plain, `${plain}.gz`])]
    .filter((c) => c !== name)
    .map((c) => join(dirname(path), c));
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new DataFormatError(
      { file: path },
      `expected the IDX ${to} file beside it, tried ${candidates.map((c) => basename(c)).join(', ') || 'no name (the name has no idx3/idx1)'}`,
    );
  return isLabels ? { images: found, labels: path } : { images: path, labels: found };
}

function sniff(path: string): DataFormat | undefined {
  const bytes = new Uint8Array(SNIFF_BYTES);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, bytes, 0, SNIFF_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const head = bytes.subarray(0, n);
  if (n >= 4) {
    const magic = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
    if (magic === IMAGE_HEADER_MAGIC || magic === LABEL_HEADER_MAGIC) return 'idx';
  }
  const text = new TextDecoder('latin1')
    .decode(head)
    .replace(/^\uFEFF|^ï»¿/, '')
    .trimStart();
  if (/^\.[A-Z_]+\b/.test(text)) return 'unipen';
  if (text.startsWith('{')) return 'strokes-jsonl';
  if (/^label\s*,/i.test(text)) return 'csv';
  return undefined;
}

/**
 * The format of the data at `path`: a directory is a `folder`; otherwise the extension decides
 * (`.csv`, `.jsonl`/`.ndjson`, `.unipen`/`.dat`, `-idx3-ubyte`/`.idx3` and their label twins,
 * `.gz` allowed for IDX), and for other names the first bytes (IDX magic, `.KEYWORD` lines, `{`,
 * a `label,` header). IDX also needs its sibling file. `DataFormatError` listing the supported
 * formats when the path cannot be read or recognised.
 */
export function detectFormat(path: string): DataFormat {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`path: expected a non-empty string, got ${JSON.stringify(path)}`);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw unreadable(path, error);
  }
  if (isDirectory) return 'folder';
  const name = basename(path).toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'strokes-jsonl';
  if (name.endsWith('.unipen') || name.endsWith('.dat')) return 'unipen';
  let format: DataFormat | undefined;
  if (IDX_IMAGES_NAME.test(name) || IDX_LABELS_NAME.test(name)) format = 'idx';
  else {
    try {
      format = sniff(path);
    } catch (error) {
      throw unreadable(path, error);
    }
  }
  if (format === 'idx') {
    idxPairPaths(path); // throws when the sibling is missing
    return 'idx';
  }
  if (format) return format;
  throw new DataFormatError(
    { file: path },
    `expected labelled data in a known format, got a file whose name and first bytes match none; ${supported()}`,
  );
}

/**
 * Reads labelled data of any supported format (detected when `format` is not given): byte images
 * (`idx`, `csv`), grayscale images with their file names (`folder`) or drawings (`strokes-jsonl`,
 * `unipen`). Every failure is a `DataFormatError` naming the file.
 */
export function readLabelledData(
  path: string,
  format?: DataFormat,
  options: ReadLabelledDataOptions = {},
): LabelledData {
  if (format !== undefined && !Object.hasOwn(DATA_FORMATS, format))
    throw new DataFormatError(
      { file: path },
      `expected a known format, got "${format}"; ${supported()}`,
    );
  const fmt = format ?? detectFormat(path);
  try {
    switch (fmt) {
      case 'idx': {
        const pair = idxPairPaths(path);
        return { kind: 'images', set: readIdxPair(pair.images, pair.labels), source: path };
      }
      case 'csv':
        return { kind: 'images', set: readDigitCsv(path), source: path };
      case 'folder':
        return { kind: 'gray', ...readImageFolder(path, options.image), source: path };
      case 'strokes-jsonl':
        return { kind: 'drawings', drawings: readStrokesJsonl(path), source: path };
      case 'unipen':
        return { kind: 'drawings', drawings: readUnipen(path, options.unipen), source: path };
    }
  } catch (error) {
    if (error instanceof DataFormatError || !(error as NodeJS.ErrnoException)?.code) throw error;
    throw unreadable(path, error);
  }
}
