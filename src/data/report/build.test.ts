import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { fixtureModel } from '../../core/model-fixture.js';
import type { GrayImage } from '../../core/types.js';
import type { LabelledData } from '../formats.js';
import { buildReport, confusionTable, describeSet, notDigitSection, probability } from './build.js';
import { evaluateForReport, trainingOverlap } from './evaluate.js';

/** A 28×28 image with a filled square of ink, so it is not empty. */
function blob(x0: number): GrayImage {
  const data = new Float32Array(28 * 28);
  for (let y = 8; y < 20; y++) for (let x = x0; x < x0 + 8; x++) data[y * 28 + x] = 1;
  return { width: 28, height: 28, data };
}

// Zero weights and intercepts (0, ln 3, 0, …): every image gets probability 3/12 = 0.25 for digit 1
// and 1/12 for the others, so digit 1 is always predicted with confidence 0.25.
const intercepts = [0, Math.log(3), 0, 0, 0, 0, 0, 0, 0, 0];
const model = fixtureModel({ id: 'aaaa11112222', intercepts, threshold: 0.2 });
const data: LabelledData = {
  kind: 'gray',
  images: [
    blob(4),
    blob(10),
    blob(16),
    blob(6),
    { width: 28, height: 28, data: new Float32Array(784) },
  ],
  labels: new Uint8Array([1, 1, 2, 0, 5]),
  names: ['a', 'b', 'c', 'd', 'empty'],
  source: 'tiny',
};

/** The cells of the first confusion table in `html`, as numbers, row by row. */
function firstConfusion(html: string): number[][] {
  const table = html.slice(html.indexOf('<table class="confusion">'));
  const body = table.slice(table.indexOf('<tbody>'), table.indexOf('</tbody>'));
  return body
    .split('</tr>')
    .filter((r) => r.includes('<td'))
    .map((r) =>
      [...r.matchAll(/<td class="(?:diag|off)[^"]*"[^>]*>(\d+)<\/td>/g)].map((m) => Number(m[1])),
    );
}

test('evaluateForReport: metrics, bins, curve and mistakes of a worked example', () => {
  const [e] = evaluateForReport([model], data, 'tiny.csv');
  assert.equal(e.items, 5);
  assert.equal(e.emptyCount, 1);
  assert.equal(e.metrics.n, 4);
  assert.equal(e.metrics.accuracy, 0.5);
  assert.deepEqual(e.metrics.confusion[1].slice(0, 3), [0, 2, 0]);
  // Confidence 0.25 falls in bin 3, (3/15, 4/15].
  const used = e.reliability.bins.flatMap((b, i) => (b.count ? [[i, b.count, b.accuracy]] : []));
  assert.deepEqual(used, [[3, 4, 0.5]]);
  assert.equal(e.curve.length, 1);
  assert.deepEqual([e.operating.redrawRate, e.operating.acceptedAccuracy], [0, 0.5]);
  // The two wrong rows tie at 0.25, so they come in source order: items 2 (a 2) and 3 (a 0).
  assert.deepEqual(
    e.mistakes.map((x) => [x.index, x.label, x.predicted]),
    [
      [2, 2, 1],
      [3, 0, 1],
    ],
  );
  assert.ok(Math.abs(e.mistakes[0].trueProbability - 1 / 12) < 1e-12);
  assert.equal(e.mistakes[0].canonical.width, 28);
  assert.equal(e.trainingOverlap, undefined);
});

test('trainingOverlap: by content hash, by name, and MNIST aliases', () => {
  const m = fixtureModel({
    training: {
      sources: [{ name: 'mnist', count: 1, hash: 'abc', weight: 1 }],
      n: 1,
      hash: 'x',
      seed: 0,
    },
  });
  assert.match(
    trainingOverlap(m, 'other.csv', 'abc') ?? '',
    /same content as training source mnist/,
  );
  assert.match(trainingOverlap(m, 'mnist-train', 'zzz') ?? '', /same name/);
  assert.equal(trainingOverlap(m, 'mnist-test', 'zzz'), undefined);
});

test('buildReport: one model — the sections, the numbers, self-contained', () => {
  const sets = [evaluateForReport([model], data, 'tiny <b>.csv')];
  const html = buildReport({ models: [{ model, path: 'm.json' }], sets, generatedAt: 'T' });
  assert.match(html, /^<!doctype html>/);
  for (const id of ['accuracy', 'cv', 'set-0', 'stored', 'not-a-digit', 'weights', 'provenance']) {
    assert.ok(html.includes(`<section id="${id}"`), `section ${id}`);
  }
  // Nothing loaded from elsewhere: no scripts, no remote URLs; images are data: URIs.
  assert.doesNotMatch(html, /<script|src="http|href="http|url\(http/);
  assert.ok(!html.includes('<b>.csv'), 'the data set name is escaped');
  assert.ok(html.includes('tiny &lt;b&gt;.csv'));
  // The confusion matrix of the evaluated set: digits 0 and 2 read as 1, both 1s right.
  const rows = firstConfusion(html);
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(rows[1], [0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(rows[2], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.match(html, /data-accuracy="0.5"><strong>50\.00%<\/strong>/);
  // Reliability: one bar of 4 predictions at accuracy 0.5.
  assert.deepEqual(
    [
      ...html.matchAll(
        /<rect class="bin(?: few)?"[^>]*data-count="(\d+)" data-accuracy="([\d.]+)"/g,
      ),
    ].map((m) => [m[1], m[2]]),
    [['4', '0.5']],
  );
  // The redraw curve's operating point: threshold 0.2 accepts all, at accuracy 0.5.
  assert.match(
    html,
    /<circle class="operating"[^>]*data-threshold="0.2" data-redraw="0" data-accuracy="0.5"/,
  );
  // CV: two fold lines, three… two mean points, the chosen C ringed.
  assert.equal(html.match(/<path class="fold"/g)?.length, 2);
  assert.equal(html.match(/<circle class="mean-point"/g)?.length, 2);
  assert.match(html, /class="chosen-ring"[^>]*data-c="1"/);
  // Two mistakes as inline PNGs, then ten pixel weight maps.
  const mistakes = [
    ...html.matchAll(
      /<figure class="mistake" data-label="(\d)" data-predicted="(\d)"><div class="pics"><img src="data:image\/png;base64,/g,
    ),
  ];
  assert.deepEqual(
    mistakes.map((m) => [m[1], m[2]]),
    [
      ['2', '1'],
      ['0', '1'],
    ],
  );
  assert.equal(html.match(/<figure class="wmap"><img src="data:image\/png;base64,/g)?.length, 10);
  // Why each mistake: the pair it confused, and the log-odds of the digit said over the true one
  // (positive: it was said) — the model's own probabilities of the two.
  const whys = [
    ...html.matchAll(
      /<figure class="why" data-said="(\d)" data-true="(\d)" data-log-odds="([-\d.e]+)"/g,
    ),
  ];
  assert.deepEqual(
    whys.map((w) => [w[1], w[2]]),
    [
      ['1', '2'],
      ['1', '0'],
    ],
  );
  for (const w of whys) assert.ok(Number(w[3]) > 0, `log-odds ${w[3]}`);
  assert.match(html, /Model id<\/th><td><code>aaaa11112222<\/code>/);
});

test('buildReport: HOG weights become one glyph per positive (cell, orientation)', () => {
  const weights = Array.from({ length: 10 }, () => new Array(324).fill(0));
  weights[3][203] = 0.7; // block (1, 2), its cell (1, 0): canonical cell (2, 2), orientation 5
  weights[3][204] = -0.5; // negative: not drawn
  weights[7][0] = 0.2;
  weights[7][9 * 4 * 1] = 0.1; // block (0, 1), cell (0, 0): canonical cell (0, 1), orientation 0
  const hog = fixtureModel({ features: 'hog', nFeatures: 324, weights, id: 'hhhh' });
  const html = buildReport({ models: [{ model: hog }], sets: [] });
  const glyphSvgs = html.split('<svg class="glyphs"').slice(1);
  assert.equal(glyphSvgs.length, 10);
  const lines = glyphSvgs.map(
    (s) => (s.slice(0, s.indexOf('</svg>')).match(/<line class="glyph"/g) ?? []).length,
  );
  assert.deepEqual(lines, [0, 0, 0, 1, 0, 0, 0, 2, 0, 0]);
  // The one line of digit 3 is centred in cell (2, 2) of 7 px: at (17.5, 17.5).
  const [x1, y1, x2, y2] = [...glyphSvgs[3].matchAll(/[xy][12]="([\d.]+)"/g)]
    .slice(-4)
    .map((m) => Number(m[1]));
  assert.ok(Math.abs((x1 + x2) / 2 - 17.5) < 1e-6 && Math.abs((y1 + y2) / 2 - 17.5) < 1e-6);
});

test('buildReport: two models side by side with a comparison table', () => {
  const b = fixtureModel({
    id: 'bbbb33334444',
    intercepts: [0, 0, Math.log(3), 0, 0, 0, 0, 0, 0, 0],
  });
  const sets = [evaluateForReport([model, b], data, 'tiny.csv')];
  const html = buildReport({ models: [{ model }, { model: b }], sets });
  assert.match(html, /A · aaaa11112222/);
  assert.match(html, /B · bbbb33334444/);
  // B predicts 2 for everything: 1 of 4 right, 25 points below A's 50%.
  assert.match(
    html,
    /<td>50\.00%<\/td><td>25\.00%<\/td><td class="worse">−25\.00 pp<\/td><td>2<\/td><td>1<\/td>/,
  );
  assert.equal(html.match(/<table class="confusion">/g)?.length, 2);
  assert.equal(html.match(/<svg class="chart reliability-chart"/g)?.length, 2);
  // One redraw chart with both curves.
  assert.equal(html.match(/<svg class="chart redraw-chart"/g)?.length, 1);
  assert.equal(html.match(/<path class="curve"/g)?.length, 2);
  assert.throws(
    () => buildReport({ models: [{ model }, { model: b }], sets: [[sets[0][0]]] }),
    RangeError,
  );
});

test('confusionTable and describeSet', () => {
  const html = confusionTable(
    {
      confusion: [
        [3, 1],
        [0, 4],
      ],
    } as never,
    'c',
  );
  assert.match(
    html,
    /<td class="diag[^"]*"[^>]*>3<\/td><td class="off[^"]*"[^>]*>1<\/td><td class="total n">4<\/td><td class="total">75\.0<\/td>/,
  );
  assert.match(html, /<td class="off zero"[^>]*>0<\/td>/);
  // Precision per column: 3 of the 3 predicted 0s, 4 of the 5 predicted 1s.
  assert.deepEqual(
    [...html.matchAll(/<td class="total prec">([^<]+)</g)].map((m) => m[1]),
    ['100.0', '80.0'],
  );
  assert.deepEqual(describeSet('mnist-test'), { dataSet: 'MNIST', split: 'test split' });
  assert.deepEqual(describeSet('cv-out-of-fold', model), {
    dataSet: 'training data (x)',
    split: 'out-of-fold, 2 stratified folds',
  });
});

test('probability: enough digits to tell a probability from 0 or 1', () => {
  assert.equal(probability(0.97), '97.0%');
  assert.equal(probability(0.99996), '99.996%');
  assert.equal(probability(0.9999999), '>99.9999%');
  assert.equal(probability(4e-5), '0.0040%');
  assert.equal(probability(1e-9), '<0.0001%');
  assert.equal(probability(1), '100%');
  assert.equal(probability(Number.NaN), '–');
});

test('the CV chart zooms on the best scores and marks the C values below the axis', () => {
  const cv = {
    Cs: [1e-4, 1e-2, 1, 100],
    scoring: 'accuracy' as const,
    foldKind: 'stratified' as const,
    nFolds: 2,
    scores: [
      [0.5, 0.95, 0.97, 0.96],
      [0.52, 0.96, 0.98, 0.97],
    ],
    meanScores: [0.51, 0.955, 0.975, 0.965],
    bestC: 1,
  };
  const html = buildReport({ models: [{ model: fixtureModel({ cv }) }], sets: [] });
  // Only C = 1e-4 (mean 51%) is more than 3 points below the best mean of 97.5%.
  assert.equal(html.match(/<path class="off-axis"/g)?.length, 1);
  assert.match(html, /1 C value below the axis \(mean down to 51\.0%\)/);
  // Powers of ten label the log axis: 10⁻⁴, 0.01, 1, 100.
  for (const label of ['10⁻⁴', '>0.01<', '>1<', '>100<']) assert.ok(html.includes(label), label);
});

test('the CV chart labels close scores with enough decimals that no two ticks read the same', () => {
  // Scores within 0.05 points of each other, as on 80,000 rows: ticks every 0.01 points.
  const cv = {
    Cs: [0.3, 1, 3],
    scoring: 'accuracy' as const,
    foldKind: 'stratified' as const,
    nFolds: 2,
    scores: [
      [0.9879, 0.9882, 0.9881],
      [0.9878, 0.9883, 0.9882],
    ],
    meanScores: [0.98785, 0.98825, 0.98815],
    bestC: 1,
  };
  const html = buildReport({ models: [{ model: fixtureModel({ cv }) }], sets: [] });
  // With no data sets, the CV chart is the only chart with percentage ticks on a left axis.
  const ticks = [...html.matchAll(/<text class="tick"[^>]*text-anchor="end"[^>]*>([^<]*%)</g)].map(
    (m) => m[1],
  );
  assert.ok(ticks.length >= 3, `y ticks: ${ticks}`);
  assert.equal(new Set(ticks).size, ticks.length, `distinct y ticks: ${ticks}`);
  assert.ok(ticks.includes('98.80%'), `ticks in hundredths of a point: ${ticks}`);
});

test('mistakes name their items; a training overlap is flagged', () => {
  const drawings: LabelledData = {
    kind: 'drawings',
    drawings: [3, 1].map((label, i) => ({
      id: `pen/${i}`,
      label,
      drawing: {
        width: 100,
        height: 100,
        brushWidth: 8,
        strokes: [
          [
            { x: 20 + 10 * i, y: 20 },
            { x: 60, y: 80 },
          ],
        ],
      },
    })),
    source: 'pen.jsonl',
  };
  const m = fixtureModel({
    intercepts,
    training: {
      sources: [{ name: 'pen.jsonl', count: 2, hash: 'h', weight: 1 }],
      n: 2,
      hash: 'h',
      seed: 0,
    },
  });
  const sets = [evaluateForReport([m], drawings, 'pen.jsonl')];
  assert.deepEqual(
    sets[0][0].mistakes.map((x) => x.item),
    ['pen/0'],
  );
  const html = buildReport({ models: [{ model: m }], sets });
  assert.match(html, /<span class="muted item">pen\/0<\/span>/);
  // The drawing as drawn beside the canonical image: its one stroke, in its brush width.
  assert.match(
    html,
    /<figure class="mistake with-drawing"[^>]*><div class="pics"><svg class="drawing" viewBox="0 0 100 100"[^>]*><rect class="paper"[^>]*\/><g class="ink" stroke-width="8"><polyline points="20,20 60,80"\/><\/g><\/svg><img src="data:image\/png/,
  );
  assert.match(
    html,
    /⚠ This data may overlap the training data \(same name as training source pen\.jsonl\)/,
  );
});

test('a data set with no ink anywhere gives a report with dashes, not NaN', () => {
  const blank: LabelledData = {
    kind: 'gray',
    images: [{ width: 28, height: 28, data: new Float32Array(784) }],
    labels: new Uint8Array([3]),
    names: ['blank.png'],
    source: 'blank',
  };
  const sets = [evaluateForReport([model], blank, 'blank')];
  assert.equal(sets[0][0].metrics.n, 0);
  assert.equal(sets[0][0].emptyCount, 1);
  const html = buildReport({ models: [{ model }], sets });
  // NaN may sit in data-* attributes for machines, never in the text people read.
  const text = html.replace(/<[^>]*>/g, ' ');
  assert.doesNotMatch(text, /NaN/);
  assert.match(text, /ECE – · n = 0/);
  assert.match(text, /1 items without ink were not classified/);
});

test('reliability bins with fewer than 20 predictions are pale', () => {
  // The tiny set puts 4 predictions in one bin.
  const html = buildReport({ models: [{ model }], sets: [evaluateForReport([model], data, 'x')] });
  assert.equal(html.match(/<rect class="bin few"/g)?.length, 1);
});

test('pixel weight maps: the diverging colours of known weights, scaled to the 99th percentile', () => {
  const weights = Array.from({ length: 10 }, () => new Array(784).fill(0.5));
  weights[0][0] = 100; // one extreme weight does not set the scale
  weights[0][1] = -0.25; // half way to blue
  weights[0][2] = 0; // white
  const html = buildReport({ models: [{ model: fixtureModel({ weights }) }], sets: [] });
  assert.match(html, /<span>≤ −0\.50<\/span>.*<span>≥ \+0\.50<\/span>/);
  const uri = html.match(/<figure class="wmap"><img src="data:image\/png;base64,([^"]+)"/)?.[1];
  assert.ok(uri);
  const png = PNG.sync.read(Buffer.from(uri, 'base64'));
  assert.deepEqual([png.width, png.height], [28, 28]);
  const rgb = (i: number) => [...png.data.subarray(4 * i, 4 * i + 3)];
  assert.deepEqual(rgb(0), [178, 24, 43]); // clipped at full red
  assert.deepEqual(rgb(1), [140, 175, 210]); // (247, 247, 247) half way to (33, 102, 172)
  assert.deepEqual(rgb(2), [247, 247, 247]);
  assert.deepEqual(rgb(3), [178, 24, 43]); // 0.5 is the end of the scale
});

test("the not-a-digit section: the reader's out-of-fold figures and kinds, or that there is none", async () => {
  const { tinyJunkModel } = await import('../junk-fixture.js');
  const junkModel = tinyJunkModel();
  const j = junkModel.junk;
  assert.ok(j);
  const html = notDigitSection(junkModel);
  assert.match(
    html,
    new RegExp(
      `data-digits-rejected="${j.outOfFold.digitsRejected}" data-non-digits-passed="${j.outOfFold.nonDigitsPassed}"`,
    ),
  );
  const kinds = [...html.matchAll(/<tr data-kind="([a-z-]+)" data-passed="([\d.e-]+)"/g)];
  assert.deepEqual(
    kinds.map((m) => [m[1], Number(m[2])]).sort(),
    Object.entries(j.outOfFold.passedByKind).sort(),
  );
  assert.match(html, new RegExp(`threshold \\(${j.threshold.toFixed(3)} on P\\(not a digit\\)\\)`));
  assert.match(notDigitSection(model), /has no not-a-digit reader/);
});
