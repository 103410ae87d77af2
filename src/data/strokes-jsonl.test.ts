import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LabelledDrawing } from '../core/types.js';
import { DataFormatError } from './errors.js';
import {
  formatStrokesJsonl,
  parseStrokesJsonl,
  readStrokesJsonl,
  writeStrokesJsonl,
} from './strokes-jsonl.js';

const SHARED_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'pendigits-train.strokes.jsonl',
);
const skipShared = existsSync(SHARED_FILE)
  ? false
  : `shared pen data not found at ${SHARED_FILE} (see /work/shared/data/README.md)`;

const TEXT = [
  '{"id":"a/0","label":8,"writer":"train-12","sample_no":224,"stroke_width":22,"strokes":[[[163.99,41.63],[160.7,29.57]],[[1,2]]]}',
  '',
  '{"id":"b","label":0,"session":"s-9","stroke_width":14.5,"width":300,"height":200,"strokes":[[[1,2,0],[3,4,16.5]]]}\r',
  '{"label":3,"stroke_width":18,"strokes":[[[5,6]]]}',
  '',
].join('\n');

test('parseStrokesJsonl reads drawings, groups, canvas sizes and timestamps', () => {
  const [a, b, c, ...rest] = parseStrokesJsonl(TEXT, '/x/y/pen.jsonl');
  assert.equal(rest.length, 0);
  assert.deepEqual(a, {
    id: 'a/0',
    label: 8,
    group: 'train-12',
    drawing: {
      strokes: [
        [
          { x: 163.99, y: 41.63 },
          { x: 160.7, y: 29.57 },
        ],
        [{ x: 1, y: 2 }],
      ],
      width: 280,
      height: 280,
      brushWidth: 22,
    },
  });
  assert.deepEqual(b, {
    id: 'b',
    label: 0,
    group: 's-9',
    drawing: {
      strokes: [
        [
          { x: 1, y: 2, t: 0 },
          { x: 3, y: 4, t: 16.5 },
        ],
      ],
      width: 300,
      height: 200,
      brushWidth: 14.5,
    },
  });
  assert.equal(c.id, 'strokes:pen.jsonl:2');
  assert.equal(c.group, undefined);
});

test('formatStrokesJsonl writes one object a line and round-trips', () => {
  const drawings = parseStrokesJsonl(TEXT, 'pen.jsonl');
  const text = formatStrokesJsonl(drawings);
  const lines = text.split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[3], '');
  assert.equal(
    lines[1],
    '{"id":"b","label":0,"stroke_width":14.5,"width":300,"height":200,"strokes":[[[1,2,0],[3,4,16.5]]],"writer":"s-9"}',
  );
  assert.deepEqual(parseStrokesJsonl(text, 'again.jsonl'), drawings);
  assert.equal(formatStrokesJsonl([]), '');
});

test('formatStrokesJsonl rejects malformed drawings by index', () => {
  const [good] = parseStrokesJsonl(TEXT, 'pen.jsonl');
  const bad = (patch: Partial<LabelledDrawing>) => [good, { ...good, ...patch }];
  assert.throws(
    () => formatStrokesJsonl(bad({ label: 11 })),
    /drawings\[1\]\.label: expected an integer 0–9, got 11/,
  );
  assert.throws(
    () =>
      formatStrokesJsonl(
        bad({ drawing: { ...good.drawing, strokes: [[{ x: Number.NaN, y: 1 }]] } }),
      ),
    /drawings\[1\]\.drawing\.strokes\[0\]\[0\]: expected finite x, y \(and t\)/,
  );
  assert.throws(
    () => formatStrokesJsonl(bad({ drawing: { ...good.drawing, strokes: [] } })),
    /drawings\[1\]\.drawing\.strokes: expected at least one stroke, got none/,
  );
  assert.throws(() => formatStrokesJsonl({} as LabelledDrawing[]), TypeError);
});

function formatError(line: string, message: string): void {
  const text = `${TEXT.split('\n')[0]}\n${line}\n`;
  assert.throws(
    () => parseStrokesJsonl(text, 'pen.jsonl'),
    (error: unknown) => {
      assert.ok(error instanceof DataFormatError, `expected a DataFormatError, got ${error}`);
      assert.equal(error.message, `pen.jsonl line 2: ${message}`);
      assert.equal(error.line, 2);
      return true;
    },
  );
}

test('malformed lines are reported with the line number and what was expected', () => {
  const ok = '"stroke_width":18,"strokes":[[[1,2]]]';
  assert.throws(
    () => parseStrokesJsonl('{"label":', 'p'),
    /^DataFormatError: p line 1: expected a JSON object, got invalid JSON \(/,
  );
  formatError('[1,2]', 'expected a JSON object, got an array');
  formatError('7', 'expected a JSON object, got 7');
  formatError(`{"label":10,${ok}}`, 'expected "label" to be an integer 0–9, got 10');
  formatError(`{"label":2.5,${ok}}`, 'expected "label" to be an integer 0–9, got 2.5');
  formatError(`{"label":"3",${ok}}`, 'expected "label" to be an integer 0–9, got "3"');
  formatError(`{${ok}}`, 'expected "label" to be an integer 0–9, got undefined');
  formatError(`{"label":1,"id":5,${ok}}`, 'expected "id" to be a string, got 5');
  formatError(
    '{"label":1,"strokes":[[[1,2]]]}',
    'expected "stroke_width" to be a positive number, got undefined',
  );
  formatError(`{"label":1,"width":0,${ok}}`, 'expected "width" to be a positive number, got 0');
  formatError(
    '{"label":1,"stroke_width":18,"strokes":[]}',
    'expected "strokes" to be a non-empty array of strokes, got []',
  );
  formatError(
    '{"label":1,"stroke_width":18,"strokes":[[[1,2]],[]]}',
    'strokes[1]: expected a non-empty array of points, got []',
  );
  formatError(
    '{"label":1,"stroke_width":18,"strokes":[[[1,2],[3,null]]]}',
    'strokes[0][1]: expected [x, y] or [x, y, t] with finite numbers, got [3,null]',
  );
  formatError(
    '{"label":1,"stroke_width":18,"strokes":[[[1,2],[3]]]}',
    'strokes[0][1]: expected [x, y] or [x, y, t] with finite numbers, got [3]',
  );
  formatError(
    `{"label":1,"writer":{},${ok}}`,
    'expected "writer" to be a string or number, got {}',
  );
});

test('writeStrokesJsonl and readStrokesJsonl round-trip through a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-jsonl-'));
  try {
    const drawings = parseStrokesJsonl(TEXT, 'pen.jsonl');
    const path = join(dir, 'out.jsonl');
    writeStrokesJsonl(path, drawings);
    assert.equal(readFileSync(path, 'utf8'), formatStrokesJsonl(drawings));
    assert.deepEqual(readStrokesJsonl(path), drawings);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shared pendigits JSONL: 7,494 drawings, 30 writers, labels 0–9', {
  skip: skipShared,
}, () => {
  const drawings = readStrokesJsonl(SHARED_FILE);
  assert.equal(drawings.length, 7494);
  assert.equal(new Set(drawings.map((d) => d.group)).size, 30);
  assert.deepEqual(
    [...new Set(drawings.map((d) => d.label))].sort(),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(drawings[0].id, 'pendigits-train/00000');
  assert.equal(drawings[0].label, 8);
  assert.equal(drawings[0].group, 'train-12');
  assert.deepEqual(drawings[0].drawing.strokes[0][0], { x: 163.99, y: 41.63 });
  for (const d of drawings) {
    assert.ok(d.drawing.brushWidth >= 14 && d.drawing.brushWidth <= 22, d.id);
    assert.equal(d.drawing.width, 280);
  }
  const some = drawings.slice(0, 500);
  assert.deepEqual(parseStrokesJsonl(formatStrokesJsonl(some), 'rt'), some);
});

test('a field nested 5,000 deep is reported with its line, not a stack overflow', () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const text = `{"label":1,"stroke_width":2,"strokes":[[[1,2]]]}\n{"label":${deep},"stroke_width":2}\n`;
  assert.throws(
    () => parseStrokesJsonl(text, 'deep.jsonl'),
    (err: unknown) => {
      assert.ok(err instanceof DataFormatError, String(err));
      assert.match(
        err.message,
        /^deep\.jsonl line 2: expected "label" to be an integer 0–9, got \[{16}\[…\]/,
      );
      return true;
    },
  );
});
