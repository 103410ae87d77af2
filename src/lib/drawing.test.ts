import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDrawing } from './drawing.js';

const canvas = { width: 280, height: 280, brushWidth: 18 };

test('points as [x, y, t] arrays or {x, y, t} objects give the same checked drawing', () => {
  const a = checkDrawing({
    ...canvas,
    strokes: [
      [
        [1, 2],
        [3, 4, 16],
      ],
    ],
  });
  const b = checkDrawing({
    ...canvas,
    strokes: [
      [
        { x: 1, y: 2 },
        { x: 3, y: 4, t: 16 },
      ],
    ],
  });
  assert.deepEqual(a, b);
  assert.deepEqual(a.strokes, [
    [
      { x: 1, y: 2 },
      { x: 3, y: 4, t: 16 },
    ],
  ]);
});

test('an empty drawing is valid (it is recognised as empty)', () => {
  assert.deepEqual(checkDrawing({ ...canvas, strokes: [] }).strokes, []);
});

test('each mistake is named with the field and what was expected', () => {
  const bad: [unknown, RegExp, ErrorConstructor][] = [
    [null, /drawing must be an object \{strokes, width, height, brushWidth\}, got null/, TypeError],
    [
      { ...canvas, width: 7 },
      /drawing\.width must be an integer in \[8, 1024\] px, got 7/,
      RangeError,
    ],
    [
      { ...canvas, strokes: 'x' },
      /drawing\.strokes must be an array of strokes, got string/,
      TypeError,
    ],
    [
      { ...canvas, strokes: [[[1, Number.NaN]]] },
      /drawing\.strokes\[0\]\[0\]\.y must be a finite number/,
      TypeError,
    ],
    [
      { ...canvas, strokes: [[[900, 1]]] },
      /drawing\.strokes\[0\]\[0\]\.x must be in \[-280, 560\], got 900/,
      RangeError,
    ],
    [
      { ...canvas, strokes: [[[1, 1, -5]]] },
      /drawing\.strokes\[0\]\[0\]\.t must be in \[0, 3600000\] ms/,
      RangeError,
    ],
    [
      { ...canvas, strokes: Array.from({ length: 101 }, () => []) },
      /has 101 strokes, at most 100/,
      RangeError,
    ],
    [
      { ...canvas, strokes: [Array.from({ length: 10_001 }, () => [1, 1])] },
      /more than 10000 points/,
      RangeError,
    ],
  ];
  for (const [value, message, type] of bad)
    assert.throws(
      () => checkDrawing(value),
      (err: Error) => err instanceof type && message.test(err.message),
    );
});
