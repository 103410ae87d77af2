#!/usr/bin/env node
// Writes the README's example files (after `npm run build`; deterministic, so the same bytes
// every time): `four.json`, a 4 drawn as two strokes on the app's 280×280 canvas; `four.png`, that
// drawing through the app's rasteriser, dark ink on white paper as a screenshot of the pad would
// be; `digits.csv`, 50 MNIST test images (the first five of each digit) as a digit CSV.
// Usage: node examples/make-examples.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rasterise } from '../dist/core/rasterise.js';
import { formatDigitCsv } from '../dist/data/csv.js';
import { encodePng } from '../dist/data/image-decode.js';
import { loadMnist } from '../dist/data/mnist.js';

const here = import.meta.dirname;

/** A polyline through `corners`, a point every 6 px (as pointer events would give). */
function polyline(corners) {
  const out = [corners[0]];
  for (let i = 1; i < corners.length; i++) {
    const [ax, ay] = corners[i - 1];
    const [bx, by] = corners[i];
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / 6));
    for (let k = 1; k <= n; k++)
      out.push([Math.round(ax + ((bx - ax) * k) / n), Math.round(ay + ((by - ay) * k) / n)]);
  }
  return out;
}

// A 4: the slanted arm and the bar in one stroke, then the stem.
const strokes = [
  polyline([
    [150, 40],
    [70, 170],
    [215, 170],
  ]),
  polyline([
    [170, 95],
    [170, 245],
  ]),
];
// Laid out as the formatter lays out JSON (one point a line), so `npm run lint` keeps it as is.
const points = (s) => s.map(([x, y]) => `      [${x}, ${y}]`).join(',\n');
writeFileSync(
  join(here, 'four.json'),
  `{\n  "width": 280,\n  "height": 280,\n  "brushWidth": 18,\n  "strokes": [\n${strokes
    .map((s) => `    [\n${points(s)}\n    ]`)
    .join(',\n')}\n  ]\n}\n`,
);
const ink = rasterise({
  width: 280,
  height: 280,
  brushWidth: 18,
  strokes: strokes.map((s) => s.map(([x, y]) => ({ x, y }))),
});
const paper = { ...ink, data: ink.data.map((v) => 1 - v) };
writeFileSync(join(here, 'four.png'), encodePng(paper));

const test = loadMnist('test');
const size = test.width * test.height;
const chosen = [];
for (let d = 0; d < 10; d++) {
  for (let i = 0, found = 0; found < 5; i++) {
    if (test.labels[i] === d) {
      chosen.push(i);
      found++;
    }
  }
}
chosen.sort((a, b) => a - b);
const pixels = new Uint8Array(chosen.length * size);
chosen.forEach((i, k) => {
  pixels.set(test.pixels.subarray(i * size, (i + 1) * size), k * size);
});
const n = chosen.length;
writeFileSync(
  join(here, 'digits.csv'),
  formatDigitCsv({
    n,
    width: test.width,
    height: test.height,
    pixels,
    labels: Uint8Array.from(chosen, (i) => test.labels[i]),
  }),
);
console.log(`wrote four.json, four.png and digits.csv (${n} MNIST test images) in ${here}`);
