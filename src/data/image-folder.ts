/**
 * A folder of labelled digit images, in either of the two layouts people make by hand:
 * a `labels.csv` next to the images (header with at least `file,label`; other columns allowed, in
 * any order), or subfolders `0` … `9` holding the images of each digit. Images are decoded to
 * grayscale as they are; canonicalisation is the core's job.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, normalize, sep } from 'node:path';
import type { GrayImage } from '../core/types.js';
import { checkSource, checkText, DataFormatError } from './errors.js';
import { type DecodeImageOptions, decodeImage } from './image-decode.js';

/** Name of the label file of the `labels.csv` layout. */
export const LABELS_FILE = 'labels.csv';
/** Columns `labels.csv` must have (matched case-insensitively). */
export const REQUIRED_LABEL_COLUMNS = ['file', 'label'] as const;
/** Optional columns giving a writer / session id for group-aware cross-validation, first found wins. */
export const GROUP_COLUMNS = ['group', 'writer', 'session'] as const;
/** Extensions of the image files picked up in the `0` … `9` layout (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
/** The digit subfolders of the second layout. */
export const DIGIT_FOLDERS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Labelled images read from a folder, in file order; `names` are paths relative to the folder. */
export interface ImageFolder {
  images: GrayImage[];
  labels: Uint8Array;
  names: string[];
  /** Writer / session id per image, when `labels.csv` has a `group`, `writer` or `session` column. */
  groups?: string[];
}

/** One row of `labels.csv`. */
export interface LabelsCsvEntry {
  /** Image path relative to the folder, as written in the file. */
  file: string;
  label: number;
  group?: string;
  /** 1-based line in `labels.csv`, for error messages. */
  line: number;
}

/** Splits one CSV line into fields: commas separate, `"…"` quotes, `""` is a quote inside quotes. */
function splitCsvLine(line: string, where: { file: string; line: number }): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length)
          throw new DataFormatError(where, 'expected a closing quote before the end of the line');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',')
        throw new DataFormatError(where, `expected a comma after a quoted field, got "${line[i]}"`);
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end < 0 ? line.length : end).trim();
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/**
 * Parses the text of a `labels.csv`. Pure. Errors name the line: missing `file`/`label` columns,
 * a wrong field count, an empty file name, a path outside the folder, a label that is not 0–9.
 */
export function parseLabelsCsv(text: string, source: string): LabelsCsvEntry[] {
  checkText('text', text);
  checkSource(source);
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const header = splitCsvLine(lines[0].replace(/\r$/, ''), { file: source, line: 1 }).map((h) =>
    h.toLowerCase(),
  );
  const column = (name: string) => header.indexOf(name);
  for (const name of REQUIRED_LABEL_COLUMNS) {
    if (column(name) < 0)
      throw new DataFormatError(
        { file: source, line: 1 },
        `expected a header with columns ${REQUIRED_LABEL_COLUMNS.join(',')} (others allowed, any order), got "${lines[0].replace(/\r$/, '').slice(0, 80)}"`,
      );
  }
  const fileCol = column('file');
  const labelCol = column('label');
  const groupCol = GROUP_COLUMNS.map(column).find((c) => c >= 0) ?? -1;
  const entries: LabelsCsvEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const where = { file: source, line: i + 1 };
    const fields = splitCsvLine(line, where);
    if (fields.length !== header.length)
      throw new DataFormatError(
        where,
        `expected ${header.length} comma-separated fields as in the header, got ${fields.length}`,
      );
    const file = fields[fileCol];
    if (file === '')
      throw new DataFormatError(where, 'expected an image file name, got an empty field');
    const normal = normalize(file);
    if (
      isAbsolute(file) ||
      normal === '..' ||
      normal.startsWith(`..${sep}`) ||
      normal.startsWith('../')
    )
      throw new DataFormatError(where, `expected an image path inside the folder, got "${file}"`);
    const labelText = fields[labelCol];
    if (!/^[0-9]$/.test(labelText))
      throw new DataFormatError(where, `expected a label 0–9, got ${JSON.stringify(labelText)}`);
    const entry: LabelsCsvEntry = { file, label: Number(labelText), line: i + 1 };
    if (groupCol >= 0) entry.group = fields[groupCol];
    entries.push(entry);
  }
  return entries;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads a folder of labelled images: `labels.csv` when present, otherwise subfolders `0` … `9`
 * (files with a `.png`, `.jpg` or `.jpeg` extension, hidden files skipped, sorted by name).
 * A `DataFormatError` names `labels.csv` and the line of an image that is missing, or the image
 * that cannot be decoded.
 */
export function readImageFolder(dir: string, options?: DecodeImageOptions): ImageFolder {
  checkText('dir', dir);
  if (!isDirectory(dir))
    throw new DataFormatError({ file: dir }, 'expected a folder of images, got no such folder');
  const labelsPath = join(dir, LABELS_FILE);
  if (existsSync(labelsPath)) {
    const entries = parseLabelsCsv(readFileSync(labelsPath, 'utf8'), labelsPath);
    const images = entries.map((entry) => {
      const path = join(dir, entry.file);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new DataFormatError(
          { file: labelsPath, line: entry.line },
          `expected the image "${entry.file}" in ${dir}, ${code === 'ENOENT' ? 'found no such file' : `could not read it (${code})`}`,
          { cause: error },
        );
      }
      return decodeImage(bytes, path, options);
    });
    const folder: ImageFolder = {
      images,
      labels: Uint8Array.from(entries, (e) => e.label),
      names: entries.map((e) => e.file),
    };
    if (entries.some((e) => e.group !== undefined))
      folder.groups = entries.map((e) => e.group ?? '');
    return folder;
  }
  const digitDirs = DIGIT_FOLDERS.filter((d) => isDirectory(join(dir, d)));
  if (digitDirs.length === 0)
    throw new DataFormatError(
      { file: dir },
      `expected a ${LABELS_FILE} or subfolders named 0 … 9 with images, found neither`,
    );
  const images: GrayImage[] = [];
  const labels: number[] = [];
  const names: string[] = [];
  for (const digit of digitDirs) {
    const files = readdirSync(join(dir, digit))
      .filter((name) => !name.startsWith('.') && !isDirectory(join(dir, digit, name)))
      .filter((name) =>
        (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase()),
      )
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of files) {
      const path = join(dir, digit, name);
      images.push(decodeImage(readFileSync(path), path, options));
      labels.push(Number(digit));
      names.push(`${digit}/${name}`);
    }
  }
  return { images, labels: Uint8Array.from(labels), names };
}
