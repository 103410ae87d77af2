import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatFeatureSets, featurizeDrawings, featurizeImageSet } from './dataset.js';
import { extractFeatures } from './features.js';
import { preprocessDrawing } from './preprocess.js';
import type { ImageSet, LabelledDrawing } from './types.js';

const pre = { deskew: true, downscaleTo: 28, rasterSide: 0 };

/** Three 28×28 byte images: a bar, an empty one, a square ring. */
function threeImages(): ImageSet {
  const pixels = new Uint8Array(3 * 784);
  for (let y = 6; y < 22; y++) for (let x = 12; x < 15; x++) pixels[y * 28 + x] = 255;
  for (let y = 8; y < 20; y++) {
    for (let x = 8; x < 20; x++) {
      if (y < 10 || y > 17 || x < 10 || x > 17) pixels[2 * 784 + y * 28 + x] = 200;
    }
  }
  return {
    n: 3,
    width: 28,
    height: 28,
    pixels,
    labels: Uint8Array.of(1, 5, 0),
    groups: ['a', 'b', 'c'],
  };
}

test('featurizeImageSet drops images with no ink, counts them, and keeps labels, groups and source index', () => {
  const fs = featurizeImageSet(threeImages(), { features: 'pixels', preprocessing: pre });
  assert.equal(fs.X.n, 2);
  assert.equal(fs.X.d, 784);
  assert.equal(fs.emptyCount, 1);
  assert.deepEqual([...fs.y], [1, 0]);
  assert.deepEqual(fs.groups, ['a', 'c']);
  assert.deepEqual([...fs.sourceIndex], [0, 2]);
  // Canonical images: the ink's longer side is 20 px, so some pixels are inked, most are not.
  const inked = fs.X.data.subarray(0, 784).filter((v) => v > 0.5).length;
  assert.ok(inked > 20 && inked < 200, `${inked} inked pixels`);
});

test('featurizeDrawings gives the features of preprocessDrawing, row by row', () => {
  const drawing = (dx: number): LabelledDrawing => ({
    id: `d${dx}`,
    label: 7,
    group: 'w1',
    drawing: {
      width: 280,
      height: 280,
      brushWidth: 16,
      strokes: [
        [
          { x: 60 + dx, y: 60 },
          { x: 200 + dx, y: 60 },
          { x: 120 + dx, y: 230 },
        ],
      ],
    },
  });
  const ds = [drawing(0), drawing(30)];
  const fs = featurizeDrawings(ds, { features: 'hog', preprocessing: pre });
  assert.equal(fs.X.n, 2);
  const expected = extractFeatures(preprocessDrawing(ds[1].drawing, pre).canonical, 'hog');
  assert.deepEqual(fs.X.data.subarray(fs.X.d, 2 * fs.X.d), expected);
  assert.deepEqual(fs.groups, ['w1', 'w1']);
});

test('concatFeatureSets stacks rows and rejects different widths', () => {
  const a = featurizeImageSet(threeImages(), { features: 'pixels', preprocessing: pre });
  const both = concatFeatureSets([a, a]);
  assert.equal(both.X.n, 4);
  assert.deepEqual([...both.y], [1, 0, 1, 0]);
  assert.deepEqual(both.X.data.subarray(2 * 784), a.X.data);
  const h = featurizeImageSet(threeImages(), { features: 'hog', preprocessing: pre });
  assert.throws(() => concatFeatureSets([a, h]), /feature width/);
});
