import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDrawingJson } from './drawing-json.js';
import { DataFormatError } from './errors.js';

test('parseDrawingJson reads array and object points, times, and defaults', () => {
  const d = parseDrawingJson(
    '{"strokes": [[[1, 2], [3, 4, 16]], [{"x": 5, "y": 6}]], "brushWidth": 12}',
    'd.json',
  );
  assert.deepEqual(d, {
    strokes: [
      [
        { x: 1, y: 2 },
        { x: 3, y: 4, t: 16 },
      ],
      [{ x: 5, y: 6 }],
    ],
    width: 280,
    height: 280,
    brushWidth: 12,
  });
});

test('parseDrawingJson names the file, stroke and point that are wrong', () => {
  const bad = (text: string, re: RegExp) =>
    assert.throws(
      () => parseDrawingJson(text, 'd.json'),
      (e: Error) => e instanceof DataFormatError && re.test(e.message),
    );
  bad('{"strokes": [', /^d\.json: not valid JSON/);
  bad('[1]', /d\.json: expected an object with a "strokes" array/);
  bad('{"strokes": [5]}', /stroke 0 must be an array of points/);
  bad('{"strokes": [[[1, 2], [1, "x"]]]}', /stroke 0 point 1 must be \[x, y\]/);
  bad('{"strokes": [[[1, 2, "late"]]]}', /stroke 0 point 0 has a non-numeric time/);
  bad('{"strokes": [], "width": -3}', /"width" must be a positive number, got -3/);
  bad('{"strokes": [[[1, 1e999]]]}', /stroke 0 point 0 must be/);
});
