import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PNG } from 'pngjs';
import { DataFormatError } from './errors.js';
import { parseLabelsCsv, readImageFolder } from './image-folder.js';

const root = mkdtempSync(join(tmpdir(), 'digitrec-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes a 2×1 gray PNG whose two pixels are `a` and `b` (0–255). */
function writePng(path: string, a: number, b: number): void {
  const png = new PNG({ width: 2, height: 1 });
  png.data = Buffer.from([a, a, a, 255, b, b, b, 255]);
  writeFileSync(path, PNG.sync.write(png));
}

function folder(name: string, files: Record<string, string | [number, number]>): string {
  const dir = join(root, name);
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else writePng(path, content[0], content[1]);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

function formatError(fn: () => unknown, pattern: RegExp, file: string, line?: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
    assert.match(error.message, pattern);
    assert.equal(error.file, file);
    assert.equal(error.line, line);
    return true;
  });
}

test('labels.csv: columns in any order, extra columns, quotes, groups from a writer column', () => {
  const dir = folder('csv', {
    'labels.csv':
      'writer,label,note,file\r\nw1,7,"a, b",a.png\r\nw2,3,,"odd ""name"", here.png"\r\n\r\n',
    'a.png': [0, 255],
    'odd "name", here.png': [255, 64],
  });
  const set = readImageFolder(dir);
  assert.deepEqual(set.names, ['a.png', 'odd "name", here.png']);
  assert.deepEqual([...set.labels], [7, 3]);
  assert.deepEqual(set.groups, ['w1', 'w2']);
  assert.equal(set.images[0].width, 2);
  assert.deepEqual([...set.images[0].data], [0, 1]);
  assert.deepEqual([...set.images[1].data], [1, 64 / 255].map(Math.fround));
});

test('labels.csv without a group column gives no groups', () => {
  const dir = folder('csv-plain', {
    'labels.csv': 'file,label\nsub/x.png,0\n',
    'sub/x.png': [1, 2],
  });
  const set = readImageFolder(dir);
  assert.deepEqual(set.names, ['sub/x.png']);
  assert.equal(set.groups, undefined);
});

test('a missing image is reported with labels.csv and its line', () => {
  const dir = folder('missing', {
    'labels.csv': 'file,label\na.png,1\nb.png,2\n',
    'a.png': [0, 0],
  });
  formatError(
    () => readImageFolder(dir),
    /labels\.csv line 3: expected the image "b\.png" in .*missing, found no such file$/,
    join(dir, 'labels.csv'),
    3,
  );
});

test('an undecodable image is reported by its own path', () => {
  const dir = folder('broken', { 'labels.csv': 'file,label\nx.png,1\n', 'x.png': 'not an image' });
  formatError(
    () => readImageFolder(dir),
    /x\.png byte 0: expected a PNG .* or JPEG .* image, got 6E 6F 74/,
    join(dir, 'x.png'),
  );
});

test('parseLabelsCsv rejects bad headers, field counts, labels, names and paths with the line', () => {
  formatError(
    () => parseLabelsCsv('name,label\n', 'labels.csv'),
    /^labels\.csv line 1: expected a header with columns file,label \(others allowed, any order\), got "name,label"$/,
    'labels.csv',
    1,
  );
  formatError(
    () => parseLabelsCsv('file,label\na.png,1,x\n', 'labels.csv'),
    /^labels\.csv line 2: expected 2 comma-separated fields as in the header, got 3$/,
    'labels.csv',
    2,
  );
  formatError(
    () => parseLabelsCsv('file,label\na.png,1\nb.png,12\n', 'labels.csv'),
    /^labels\.csv line 3: expected a label 0–9, got "12"$/,
    'labels.csv',
    3,
  );
  formatError(
    () => parseLabelsCsv('file,label\n,1\n', 'labels.csv'),
    /line 2: expected an image file name, got an empty field$/,
    'labels.csv',
    2,
  );
  formatError(
    () => parseLabelsCsv('file,label\n../secret.png,1\n', 'labels.csv'),
    /line 2: expected an image path inside the folder, got "\.\.\/secret\.png"$/,
    'labels.csv',
    2,
  );
  formatError(
    () => parseLabelsCsv('file,label\n/etc/x.png,1\n', 'labels.csv'),
    /line 2: expected an image path inside the folder/,
    'labels.csv',
    2,
  );
  formatError(
    () => parseLabelsCsv('file,label\n"a.png,1\n', 'labels.csv'),
    /line 2: expected a closing quote before the end of the line$/,
    'labels.csv',
    2,
  );
  assert.deepEqual(parseLabelsCsv('\uFEFFFile,Label\n', 'labels.csv'), []);
});

test('subfolders 0 … 9: sorted images, other files skipped', () => {
  const dir = folder('digits', {
    '3/b.png': [10, 20],
    '3/a.PNG': [30, 40],
    '3/.hidden.png': 'x',
    '3/notes.txt': 'x',
    '0/z.png': [50, 60],
    'other/y.png': [1, 1],
  });
  mkdirSync(join(dir, '3', 'nested.png'));
  const set = readImageFolder(dir);
  assert.deepEqual(set.names, ['0/z.png', '3/a.PNG', '3/b.png']);
  assert.deepEqual([...set.labels], [0, 3, 3]);
  assert.deepEqual([...set.images[1].data], [30 / 255, 40 / 255].map(Math.fround));
  assert.equal(set.groups, undefined);
});

test('a folder with neither layout, or no folder, is a DataFormatError', () => {
  const dir = folder('empty', { 'readme.txt': 'hi' });
  formatError(
    () => readImageFolder(dir),
    /expected a labels\.csv or subfolders named 0 … 9 with images, found neither$/,
    dir,
  );
  const none = join(root, 'nope');
  formatError(
    () => readImageFolder(none),
    /nope: expected a folder of images, got no such folder$/,
    none,
  );
});
