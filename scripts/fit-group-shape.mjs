// Fits the group-shape cue of number reading (GROUP_SHAPE in src/core/segment.ts): a logistic
// P(one digit | a candidate group's height and width in line heights and its stroke count) over
// every candidate group (runs of 1–3 strokes in reading order) of numbers composed from synthetic
// digits (templates and re-stroked MNIST training digits; no pen drawings), labelled by whether
// the group is exactly one digit. Deterministic; needs `npm run build` first.
//
//   node scripts/fit-group-shape.mjs [--digits 6000] [--numbers 4000] [--seed 11]
import { parseArgs } from 'node:util';
import { fitLogisticRegression } from '../dist/core/logistic.js';
import { groupShapeFeatures, layoutStrokes, unionBox } from '../dist/core/segment.js';
import { composeNumbers } from '../dist/data/numbers.js';
import { syntheticDrawings } from '../dist/data/synthetic.js';

const { values } = parseArgs({
  options: {
    digits: { type: 'string', default: '6000' },
    numbers: { type: 'string', default: '4000' },
    seed: { type: 'string', default: '11' },
  },
});
const seed = Number(values.seed);
// Synthetic drawings have no writers: deal them into 40 pretend writers so that every number is
// composed from one pool, as numbers of the pen drawings are composed by writer.
const drawings = syntheticDrawings(Number(values.digits), seed).map((d, i) => ({
  ...d,
  group: `synthetic-writer-${i % 40}`,
}));
const numbers = composeNumbers(drawings, { count: Number(values.numbers), seed: seed + 1 });
const rows = [];
const labels = [];
for (const s of numbers) {
  const layout = layoutStrokes(s.drawing);
  const truth = new Set(s.groups.map((g) => [...g].sort((a, b) => a - b).join(',')));
  const n = layout.order.length;
  for (let start = 0; start < n; start++)
    for (let end = start + 1; end <= Math.min(n, start + 3); end++) {
      const idx = layout.order.slice(start, end).sort((a, b) => a - b);
      const box = unionBox(idx.map((i) => layout.boxes[i]));
      rows.push(groupShapeFeatures(box, idx.length, layout.lineHeight));
      labels.push(truth.has(idx.join(',')) ? 1 : 0);
    }
}
const d = rows[0].length;
const X = { n: rows.length, d, data: Float32Array.from(rows.flat()) };
const y = Uint8Array.from(labels);
const model = fitLogisticRegression(X, y, { C: 100, maxIter: 500, tol: 1e-6 });
const w = model.weights;
const b = model.intercepts;
const coef = Array.from({ length: d }, (_, j) => Number((w[d + j] - w[j]).toPrecision(6)));
const intercept = Number((b[1] - b[0]).toPrecision(6));
console.log(
  `${rows.length} candidate groups (${labels.filter((v) => v === 1).length} one digit) of ${numbers.length} numbers; training accuracy ${(100 * model.score(X, y)).toFixed(2)}%; converged: ${model.converged}`,
);
console.log(JSON.stringify({ intercept, coef }));
