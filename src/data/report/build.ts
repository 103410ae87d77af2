/**
 * The evaluation report: one self-contained HTML page (inline CSS and SVG, images as data: URIs,
 * no scripts, no external assets) about one model, or two side by side. `buildReport` only
 * formats; `evaluateForReport` computes what it shows.
 */
import { basename } from 'node:path';
import type { CvTable, Metrics, ModelFile } from '../../core/contracts.js';
import { featureLength } from '../../core/features.js';
import { DIRECTION_GRID, DIRECTIONS, TRAJECTORY_LAYOUT } from '../../core/trajectory.js';
import { hogCellWeights, hogParts } from '../../core/weight-maps.js';
import { explain } from '../../core/why.js';
import type { SetEvaluation } from './evaluate.js';
import { DIVERGING_CSS, inkOnPaperUri, weightMapUri } from './images.js';
import {
  cvChart,
  drawingSvg,
  esc,
  fixed,
  formatC,
  formatScore,
  hogGlyphs,
  pct,
  redrawChart,
  reliabilityChart,
} from './svg.js';

/** A model in the report and where it was read from. */
export interface ReportModel {
  model: ModelFile;
  /** The model file's path, shown in the report. */
  path?: string;
}

/** Everything a report shows. */
export interface ReportInput {
  /** One model, or two to compare (the first is A, the second B). */
  models: ReportModel[];
  /** sets[s][m]: data set s evaluated with model m (from `evaluateForReport`). */
  sets: SetEvaluation[][];
  /** When the report was made (shown; pass it in so the same input gives the same page). */
  generatedAt?: string;
}

/** Line colours of model A and B. */
export const MODEL_COLOURS = ['#1f5fbf', '#c2530a'];
const CSS_INK = '#1d2430';

function modelName(input: ReportInput, m: number): string {
  const id = input.models[m].model.id;
  return input.models.length > 1 ? `${'AB'[m]} · ${id}` : `model ${id}`;
}

/** A short description of where a metrics entry's data came from: data set and split. */
export function describeSet(name: string, model?: ModelFile): { dataSet: string; split: string } {
  if (name === 'mnist-test') return { dataSet: 'MNIST', split: 'test split' };
  if (name === 'mnist' || name === 'mnist-train')
    return { dataSet: 'MNIST', split: 'training split' };
  if (name === 'cv-out-of-fold' && model) {
    const sources = model.training.sources.map((s) => s.name).join(' + ');
    return {
      dataSet: `training data (${sources})`,
      split: `out-of-fold, ${model.cv.nFolds} ${model.cv.foldKind} folds`,
    };
  }
  return { dataSet: basename(name) || name, split: 'all items' };
}

const int = (n: number) => n.toLocaleString('en-US');

/**
 * A probability as a percentage with the digits that tell it from 0 or 1: 99.996%, not 100.0%;
 * 0.0040%, not 0.0%.
 */
export function probability(p: number): string {
  if (!Number.isFinite(p)) return '–';
  if (p >= 1) return '100%';
  if (p <= 0) return '0%';
  if (p < 1e-6) return '<0.0001%';
  if (p < 0.001) return `${(100 * p).toPrecision(2)}%`;
  if (p > 0.999999) return '>99.9999%';
  const digits = Math.max(1, Math.min(4, Math.floor(-Math.log10(1 - p)) - 1));
  return pct(p, digits);
}

function overlapNote(set: SetEvaluation[]): string {
  const why = set.map((e, m) => (e.trainingOverlap ? `${'AB'[m]}: ${e.trainingOverlap}` : ''));
  if (!why.some(Boolean)) return '';
  const text = set.length > 1 ? why.filter(Boolean).join('; ') : set[0].trainingOverlap;
  return `<p class="warn">⚠ This data may overlap the training data (${esc(text ?? '')}): its accuracy is optimistic.</p>`;
}

function pair(cells: string[]): string {
  return `<div class="pair${cells.length > 1 ? ' two' : ''}">${cells.join('')}</div>`;
}

function column(input: ReportInput, m: number, body: string): string {
  const head =
    input.models.length > 1
      ? `<h4 class="model-tag" style="--c:${MODEL_COLOURS[m]}">${esc(modelName(input, m))}</h4>`
      : '';
  return `<div class="col">${head}${body}</div>`;
}

function metricsRow(cells: string[], cls = ''): string {
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
}

function accuracyTable(input: ReportInput): string {
  const compare = input.models.length > 1;
  const head = [
    'Data set · split',
    ...(compare ? ['Model'] : []),
    'Accuracy',
    'n',
    'Accepted accuracy',
    'Redraw',
    'Threshold',
    'Macro F1',
    'ECE',
  ];
  const row = (
    name: string,
    now: boolean,
    m: number,
    metrics: Metrics,
    model: ModelFile,
    overlap?: string,
  ) => {
    const { dataSet, split } = describeSet(name, model);
    const warn = overlap
      ? `<span class="warn" title="${esc(overlap)}">⚠ may overlap training data (${esc(overlap)})</span>`
      : '';
    const when = now ? 'evaluated now' : 'at training (model file)';
    return metricsRow(
      [
        `<th scope="row" class="set"><b>${esc(dataSet)}</b><span class="split">${esc(split)} · ${when}</span>${warn}</th>`,
        ...(compare
          ? [
              `<td class="text"><span class="swatch" style="--c:${MODEL_COLOURS[m]}"></span>${'AB'[m]}</td>`,
            ]
          : []),
        `<td class="acc" data-accuracy="${metrics.accuracy}"><strong>${pct(metrics.accuracy, 2)}</strong></td>`,
        `<td>${int(metrics.n)}</td>`,
        `<td>${pct(metrics.acceptedAccuracy, 2)}</td>`,
        `<td>${pct(metrics.redrawRate)}</td>`,
        `<td>${metrics.threshold.toFixed(3)}</td>`,
        `<td>${pct(metrics.macroF1, 2)}</td>`,
        `<td>${fixed(metrics.ece, 4)}</td>`,
      ],
      now ? '' : 'stored',
    );
  };
  const rows: string[] = [];
  const readerNotes: string[] = [];
  for (const set of input.sets) {
    set.forEach((e, m) => {
      rows.push(row(e.name, true, m, e.metrics, input.models[m].model, e.trainingOverlap));
      if (e.readers) {
        const { dataSet, split } = describeSet(e.name, input.models[m].model);
        readerNotes.push(
          `<li class="readers" data-image="${e.readers.image}" data-online="${e.readers.online}" data-agreement="${e.readers.agreement}">${compare ? `${'AB'[m]}, ` : ''}${esc(dataSet)} (${esc(split)}): image reader alone ${pct(e.readers.image, 2)}, online reader alone ${pct(e.readers.online, 2)}, both fused ${pct(e.metrics.accuracy, 2)}; the readers agree on ${pct(e.readers.agreement, 1)} of the drawings and are then right ${pct(e.readers.agreedAccuracy, 2)}.</li>`,
        );
      }
    });
  }
  // Stored results grouped by data set, then model.
  const names = [...new Set(input.models.flatMap(({ model }) => Object.keys(model.metrics)))];
  for (const name of names) {
    input.models.forEach(({ model }, m) => {
      if (Object.hasOwn(model.metrics, name))
        rows.push(row(name, false, m, model.metrics[name], model));
    });
  }
  const readers =
    readerNotes.length > 0
      ? `<h3>The two readers</h3><p class="hint">Drawings are read by the image reader (HOG of the 28×28 picture) and the online reader (the strokes' directions, pen-ups and order), fused; plain images by the image reader alone.</p><ul class="readers">${readerNotes.join('')}</ul>`
      : '';
  return `${readers}<div class="scroll"><table class="metrics"><thead><tr>${head.map((h, i) => `<th scope="col"${i < (compare ? 2 : 1) ? ' class="text"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="hint">Accepted accuracy: accuracy on the predictions whose confidence reaches the model's threshold; Redraw: the share below it (the app asks for a redraw). ECE: expected calibration error over 15 equal-width confidence bins.</p>`;
}

/** Items both models classified that only A got right, and that only B got right. */
export function discordant(a: SetEvaluation, b: SetEvaluation): [number, number] {
  const aRight = new Map<number, number>();
  a.rows.sourceIndex.forEach((item, r) => {
    aRight.set(item, a.rows.correct[r]);
  });
  let onlyA = 0;
  let onlyB = 0;
  b.rows.sourceIndex.forEach((item, r) => {
    const ra = aRight.get(item);
    if (ra === undefined) return;
    if (ra && !b.rows.correct[r]) onlyA++;
    if (!ra && b.rows.correct[r]) onlyB++;
  });
  return [onlyA, onlyB];
}

function comparisonTable(input: ReportInput): string {
  if (input.models.length < 2 || input.sets.length === 0) return '';
  const rows = input.sets.map((set) => {
    const [a, b] = set;
    const d = b.metrics.accuracy - a.metrics.accuracy;
    const delta = `${d >= 0 ? '+' : '−'}${(Math.abs(d) * 100).toFixed(2)} pp`;
    const [onlyA, onlyB] = discordant(a, b);
    return `<tr><th scope="row">${esc(describeSet(a.name).dataSet)} <span class="muted">${esc(describeSet(a.name).split)}</span></th><td>${pct(a.metrics.accuracy, 2)}</td><td>${pct(b.metrics.accuracy, 2)}</td><td class="${d > 0 ? 'better' : d < 0 ? 'worse' : ''}">${delta}</td><td>${int(onlyA)}</td><td>${int(onlyB)}</td><td>${pct(a.operating.redrawRate)} → ${pct(a.operating.acceptedAccuracy, 2)}</td><td>${pct(b.operating.redrawRate)} → ${pct(b.operating.acceptedAccuracy, 2)}</td></tr>`;
  });
  return `<h3>A against B, evaluated now</h3><div class="scroll"><table class="metrics compare"><thead><tr><th scope="col" class="text">Data set</th><th scope="col">Accuracy A</th><th scope="col">Accuracy B</th><th scope="col">B − A</th><th scope="col">Only A right</th><th scope="col">Only B right</th><th scope="col">A: redraw → accepted</th><th scope="col">B: redraw → accepted</th></tr></thead><tbody>${rows.join('')}</tbody></table></div><p class="hint">Only A right / only B right: items one model got right and the other wrong (the other items both got right or both wrong).</p>`;
}

/** A share as a percentage number with one decimal and no sign (the header says %). */
function share(x: number): string {
  return Number.isFinite(x) ? (100 * x).toFixed(1) : '–';
}

/** The confusion matrix as a heat-mapped table: correct cells blue, errors red, by row share. */
export function confusionTable(m: Metrics, caption: string): string {
  const k = m.confusion.length;
  const head = Array.from({ length: k }, (_, c) => `<th scope="col">${c}</th>`).join('');
  const body = m.confusion
    .map((row, r) => {
      const total = row.reduce((a, b) => a + b, 0);
      const cells = row
        .map((count, c) => {
          const share = total > 0 ? count / total : 0;
          // Errors are rare: the square root makes 1% visible without saturating at 10%.
          const alpha = r === c ? share : Math.min(1, Math.sqrt(share) * 1.6);
          const rgb = r === c ? '31,95,191' : '200,40,40';
          const style = count > 0 ? ` style="background:rgba(${rgb},${alpha.toFixed(3)})"` : '';
          const cls = [
            r === c ? 'diag' : 'off',
            count === 0 ? 'zero' : '',
            alpha > 0.55 ? 'dark' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return `<td class="${cls}"${style} title="true ${r}, predicted ${c}: ${count}">${count}</td>`;
        })
        .join('');
      const recall = total > 0 ? row[r] / total : Number.NaN;
      return `<tr><th scope="row">${r}</th>${cells}<td class="total n">${total}</td><td class="total">${share(recall)}</td></tr>`;
    })
    .join('');
  const precision = Array.from({ length: k }, (_, c) => {
    let column = 0;
    for (let r = 0; r < k; r++) column += m.confusion[r][c];
    return `<td class="total prec">${column > 0 ? share(m.confusion[c][c] / column) : '–'}</td>`;
  }).join('');
  return `<div class="scroll"><table class="confusion"><caption>${esc(caption)}</caption><thead><tr><th class="corner" scope="col" title="rows: true digit; columns: predicted digit">true ↓<br>pred. →</th>${head}<th scope="col" class="total n">n</th><th scope="col" class="total">recall %</th></tr></thead><tbody>${body}</tbody><tfoot><tr><th scope="row" title="precision: the share of each column that is right">prec. %</th>${precision}<td class="total n"></td><td class="total"></td></tr></tfoot></table></div>`;
}

function mistakesGrid(e: SetEvaluation): string {
  if (e.mistakes.length === 0) return '<p class="muted">No mistakes on this data set.</p>';
  const figures = e.mistakes
    .map(
      (x) =>
        `<figure class="mistake${x.drawing ? ' with-drawing' : ''}" data-label="${x.label}" data-predicted="${x.predicted}"><div class="pics">${x.drawing ? drawingSvg(x.drawing, `item ${x.item} as drawn`) : ''}<img src="${inkOnPaperUri(x.canonical)}" width="84" height="84" alt="item ${x.item}: a ${x.label} read as ${x.predicted}"></div><figcaption><span class="said" title="the model's confidence in ${x.predicted}">said <b>${x.predicted}</b><small>${probability(x.confidence)}</small></span><span class="truth" title="the probability the model gave the true digit ${x.label}">true <b>${x.label}</b><small>${probability(x.trueProbability)}</small></span><span class="muted item">${esc(x.item)}</span></figcaption></figure>`,
    )
    .join('');
  return `<div class="mistakes">${figures}</div>`;
}

/** How many of the surest mistakes get a "why" picture. */
const WHY_MISTAKES = 6;

/**
 * Why the model said one digit rather than the true one, for the surest mistakes: on the canonical
 * image, where the drawing pushed toward the digit said (red) and toward the true digit (blue),
 * from the exact split of the log-odds (`core/why.ts`), and the parts in numbers.
 */
export function whyMistakes(e: SetEvaluation, model: ModelFile): string {
  const shown = e.mistakes.slice(0, WHY_MISTAKES);
  if (shown.length === 0) return '';
  const figures = shown
    .map((x) => {
      const w = explain(
        model,
        x.drawing ? { drawing: x.drawing } : { image: x.canonical },
        x.predicted,
        x.label,
      );
      const sizes = Array.from(w.pixels, Math.abs)
        .filter((v) => v > 0)
        .sort((a, b) => a - b);
      const max = sizes[Math.floor(0.95 * (sizes.length - 1))] || 1;
      const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;
      const parts = `picture ${signed(w.image)}${w.onlineTerms ? `, path ${signed(w.online)}` : ''}, base ${signed(w.intercept)}`;
      return `<figure class="why" data-said="${x.predicted}" data-true="${x.label}" data-log-odds="${w.logOdds}"><img src="${weightMapUri(w.pixels, 28, 28, max)}" width="84" height="84" alt="why ${x.predicted} rather than ${x.label}: red toward ${x.predicted}, blue toward ${x.label}"><figcaption><b>${x.predicted}</b> rather than <b>${x.label}</b><small>${esc(parts)} = ${signed(w.logOdds)}</small></figcaption></figure>`;
    })
    .join('');
  return `<h3>Why those answers</h3><p class="hint">For each of the surest mistakes, the digit pair it confused: where the drawing pushed toward the digit said (red) and toward the true digit (blue) on the canonical image. The readers are linear, so the log-odds of the two digits splits exactly into the picture's part (each HOG feature's term spread over its cell by ink), the pen path's part and the base rates.</p><div class="mistakes whys">${figures}</div>`;
}

function weightMaps(model: ModelFile): string {
  const parts = hogParts(model.features);
  if (parts.length === 0) {
    if (model.nFeatures !== 784) return '<p class="muted">No weight map for these features.</p>';
    // A few extreme weights would wash the maps out: the scale ends at the 99th percentile of |w|.
    const abs = model.weights
      .flat()
      .map(Math.abs)
      .sort((a, b) => a - b);
    const max = abs[Math.floor(0.99 * (abs.length - 1))] || abs[abs.length - 1] || 1;
    const figures = model.classes
      .map(
        (digit, c) =>
          `<figure class="wmap"><img src="${weightMapUri(model.weights[c], 28, 28, max)}" width="112" height="112" alt="pixel weights of digit ${digit}"><figcaption>${digit}</figcaption></figure>`,
      )
      .join('');
    return `<p class="hint">Each digit's pixel weights on the canonical 28×28 image: red pixels are evidence for the digit, blue against (the colour scale ends at the 99th percentile of |weight| over all digits).</p><div class="wmaps">${figures}</div><div class="colourbar"><span>≤ −${max.toFixed(2)}</span><span class="bar" style="background:${DIVERGING_CSS}"></span><span>≥ +${max.toFixed(2)}</span></div>`;
  }
  const cellWeights = parts.map((part) => model.weights.map((w) => hogCellWeights(w, part)));
  const figures = model.classes
    .map((digit, c) => {
      const svgs = parts
        .map((part, p) =>
          hogGlyphs(
            cellWeights[p][c],
            part,
            Math.max(...cellWeights[p][c]),
            `HOG weights of digit ${digit}, ${part.cellSize}-px cells`,
          ),
        )
        .join('');
      return `<figure class="wmap hog">${svgs}<figcaption>${digit}</figcaption></figure>`;
    })
    .join('');
  const sizes = parts.map((p) => `${p.cellSize}-px`).join(' and ');
  return `<p class="hint">Each digit's template: per HOG cell (${sizes} cells), a line along the edge direction of every orientation with positive weight, summed over the blocks that contain the cell; darker is stronger (each digit scaled to its own strongest weight).${parts.length > 1 ? ' Top: 7-px cells; bottom: 4-px cells.' : ''}</p><div class="wmaps hog">${figures}</div>`;
}

/** The not-a-digit reader: what it was trained on, its threshold and how it did out of fold. */
export function notDigitSection(model: ModelFile): string {
  const j = model.junk;
  if (!j)
    return '<p class="muted">This model has no not-a-digit reader: every drawing with ink is read as a digit or as unsure.</p>';
  const o = j.outOfFold;
  const kinds = Object.entries(o.passedByKind).sort((a, b) => b[1] - a[1]);
  const rows = kinds
    .map(
      ([kind, share]) =>
        `<tr data-kind="${esc(kind)}" data-passed="${share}"><th scope="row">${esc(kind)}</th><td>${pct(share, 1)}</td></tr>`,
    )
    .join('');
  return (
    `<p>Trained on ${int(o.n.nonDigits)} generated non-digits of ${j.kinds.length} kinds (${esc(j.kinds.join(', '))}) against ${int(o.n.digits)} digit drawings; C = ${esc(formatC(j.C))}. ` +
    `Its threshold (${j.threshold.toFixed(3)} on P(not a digit)) is fitted for at most ${pct(j.target, 1)} of digits called "not a digit"; a drawing outside the digits' geometric range (size below a quarter of the canvas, path length against the span, strokes, turning, a side gap between marks written side by side) is refused whatever the regression says.</p>` +
    `<p class="junk-oof" data-digits-rejected="${o.digitsRejected}" data-non-digits-passed="${o.nonDigitsPassed}">Out of fold, each fold's non-digits of kinds its training never saw: <strong>${pct(o.digitsRejected, 2)}</strong> of digits called not a digit, <strong>${pct(o.nonDigitsPassed, 1)}</strong> of non-digits let through as digits or unsure.</p>` +
    `<table class="junk-kinds"><caption>Non-digits let through, by kind (held out of the fold)</caption><thead><tr><th scope="col">kind</th><th scope="col">let through</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** The online reader's weights per direction of travel: per digit, eight 8×8 maps. */
function onlineWeightMaps(model: ModelFile): string {
  const online = model.online;
  if (!online) return '';
  const cells = DIRECTION_GRID * DIRECTION_GRID;
  const maps = online.weights.map((w) =>
    Array.from({ length: DIRECTIONS }, (_, b) =>
      w.slice(
        TRAJECTORY_LAYOUT.directions + b * cells,
        TRAJECTORY_LAYOUT.directions + (b + 1) * cells,
      ),
    ),
  );
  const abs = maps
    .flat(2)
    .map(Math.abs)
    .sort((a, b) => a - b);
  const max = abs[Math.floor(0.99 * (abs.length - 1))] || abs[abs.length - 1] || 1;
  const arrows = ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'];
  const head = `<tr><th></th>${arrows.map((a) => `<th scope="col" title="pen moving ${a}">${a}</th>`).join('')}</tr>`;
  const rows = model.classes
    .map(
      (digit, c) =>
        `<tr><th scope="row">${digit}</th>${maps[c]
          .map(
            (m, b) =>
              `<td><img src="${weightMapUri(m, DIRECTION_GRID, DIRECTION_GRID, max)}" width="40" height="40" alt="online weights of digit ${digit}, pen moving ${arrows[b]}"></td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<h3>Online reader: where the pen moves which way</h3><p class="hint">For each digit (rows) and each direction of travel (columns), the weight of ink moving that way at each place of the drawing's box: red is evidence for the digit, blue against (scale ends at the 99th percentile of |weight|, ±${max.toFixed(2)}).</p><table class="online-maps">${head}${rows}</table>`;
}

function cvCaption(cv: CvTable): string {
  return `${cv.nFolds} ${cv.foldKind} folds, scoring ${cv.scoring}, ${cv.Cs.length} value${cv.Cs.length === 1 ? '' : 's'} of C from ${formatC(Math.min(...cv.Cs))} to ${formatC(Math.max(...cv.Cs))}; chosen C = ${formatC(cv.bestC)} (mean ${formatScore(cv.scoring, cv.meanScores[cv.Cs.indexOf(cv.bestC)], 2)}).`;
}

function provenance(rm: ReportModel): string {
  const m = rm.model;
  const rows: [string, string][] = [
    ['Model id', `<code>${esc(m.id)}</code>`],
    ...(rm.path ? ([['File', `<code>${esc(rm.path)}</code>`]] as [string, string][]) : []),
    ['Created', esc(m.createdAt)],
    ['Features', `${esc(m.features)} (${int(featureLength(m.features))} values)`],
    [
      'Preprocessing',
      `deskew ${m.preprocessing.deskew ? 'on' : 'off'}, ${m.preprocessing.rasterSide ? `drawings' ink rasterised at most ${m.preprocessing.rasterSide} px a side` : `drawings rasterised at the canvas's resolution`}, ${m.preprocessing.downscaleTo ? `downscale to ${m.preprocessing.downscaleTo}×${m.preprocessing.downscaleTo} first` : 'canonicalised at that size'}`,
    ],
    ['Canvas', `${m.canvas.size} px, brush ${m.canvas.brushWidth} px`],
    ['C', formatC(m.C)],
    ['Cross-validation', `${m.cv.nFolds} ${m.cv.foldKind} folds, ${esc(m.cv.scoring)}`],
    ['Temperature', m.temperature.toFixed(4)],
    ['Threshold', m.threshold.toFixed(4)],
    ['Target error', pct(m.targetError, 2)],
    ['Training items', int(m.training.n)],
    [
      'Training hash',
      `<code title="${esc(m.training.hash)}">${esc(m.training.hash.slice(0, 16))}…</code>`,
    ],
    ['Seed', String(m.training.seed)],
  ];
  const sources = m.training.sources
    .map(
      (s) =>
        `<tr><th scope="row">${esc(s.name)}</th><td>${int(s.count)}</td><td>${s.weight}</td><td class="text"><code title="${esc(s.hash)}">${esc(s.hash.slice(0, 16))}…</code></td></tr>`,
    )
    .join('');
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</table>
<h4>Training sources</h4><div class="scroll"><table class="metrics sources"><thead><tr><th scope="col" class="text">Source</th><th scope="col">Items</th><th scope="col">Weight</th><th scope="col" class="text">Hash</th></tr></thead><tbody>${sources}</tbody></table></div>`;
}

const CSS = `
:root{--ink:${CSS_INK};--muted:#5b6675;--line:#d5dbe3;--bg:#fff;--soft:#f4f6f9;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;-webkit-text-size-adjust:100%;print-color-adjust:exact;-webkit-print-color-adjust:exact}
main,header.top{max-width:1120px;margin:0 auto;padding:0 16px}
header.top{padding-top:20px;padding-bottom:4px}
h1{font-size:1.55rem;margin:0 0 4px}
h2{font-size:1.25rem;margin:36px 0 8px;padding-top:8px;border-top:2px solid var(--ink)}
h3{font-size:1.05rem;margin:24px 0 8px}
h4{font-size:.95rem;margin:12px 0 6px}
.sub{color:var(--muted);margin:0}
.models{display:flex;flex-wrap:wrap;gap:8px 20px;margin:8px 0 0;padding:0;list-style:none}
.models li{display:block}
nav.toc{margin:12px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.9rem}
nav.toc a{color:var(--muted)}
a{color:#1f5fbf}
.muted,.hint{color:var(--muted)}
.hint{font-size:.85rem;margin:6px 0}
.warn{color:#a15c00;font-size:.8rem;display:block}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.metrics{font-size:.85rem;min-width:100%}
table.metrics th,table.metrics td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
table.metrics thead th{font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);vertical-align:bottom}
table.metrics th[scope=row],table.metrics td.text,table.metrics th.text{text-align:left}
table.metrics td.text{white-space:normal}
table.metrics th.set{white-space:normal;min-width:10em;max-width:22em;font-weight:400}
table.metrics th.set .split{display:block;color:var(--muted);font-size:.8rem}
table.metrics tr.stored td,table.metrics tr.stored th{background:var(--soft)}
td.better{color:#17803d;font-weight:600}td.worse{color:#b42318;font-weight:600}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c);margin-right:5px;vertical-align:baseline}
.model-tag{display:inline-block;margin:4px 0 8px;padding:1px 8px;border-left:4px solid var(--c);background:var(--soft);font-size:.9rem}
.pair{display:grid;grid-template-columns:minmax(0,1fr);gap:12px 28px}
.pair.two{grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr))}
.col{min-width:0}
.chart{display:block;width:100%;max-width:560px;height:auto}
.chart text{font:12.5px system-ui,sans-serif;fill:var(--ink)}
.chart .tick{fill:var(--muted);font-size:11.5px}
.chart .axis-title{fill:var(--muted);font-size:12px}
.chart .grid{stroke:#e6eaf0;stroke-width:1}
.chart .frame{fill:none;stroke:#aab3bf;stroke-width:1}
.chart .fold{fill:none;stroke:#9aa5b3;stroke-width:1.2;stroke-opacity:.8}
.chart .mean{fill:none;stroke-width:3.2}
.chart .chosen{stroke:var(--ink);stroke-dasharray:4 3;stroke-width:1}
.chart .chosen-ring{fill:none;stroke-width:2}
.chart .note{font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.chart .note.sub{font-weight:400;fill:var(--muted)}
.chart .ideal{stroke:var(--ink);stroke-dasharray:5 4;stroke-width:1}
.chart .bin{fill-opacity:.78}.chart .bin.few{fill-opacity:.35}
.chart .count{fill:#8792a2}
.chart .count-label{font-size:10px;fill:var(--muted)}
.chart .curve{fill:none;stroke-width:2.4}
.chart .operating{stroke:#fff;stroke-width:1.5}
.chart .legend text{font-size:11.5px;fill:var(--muted)}
table.confusion{font-size:.8rem;margin:4px 0}
table.confusion caption{text-align:left;font-size:.85rem;color:var(--muted);padding-bottom:4px;caption-side:top}
table.confusion th,table.confusion td{width:2.9em;height:2.1em;padding:0 3px;text-align:center;border:1px solid #fff}
table.confusion thead th{color:var(--muted);font-weight:600}
table.confusion th[scope=row]{color:var(--muted)}
table.confusion .corner{width:auto;font-size:.7rem;white-space:nowrap;font-weight:400;text-align:right;padding-right:6px}
table.confusion td.zero{color:#c5ccd6}
table.confusion td.dark{color:#fff}
table.confusion td.diag{font-weight:600}
table.confusion .total{color:var(--muted);background:var(--soft);width:3.6em}
table.confusion .prec{font-size:.62rem;letter-spacing:-.02em}
table.confusion tfoot th{color:var(--muted);font-weight:400;font-size:.7rem}
.mistakes{display:grid;grid-template-columns:repeat(auto-fill,minmax(96px,1fr));gap:10px;max-width:680px}
figure{margin:0}
.mistake{border:1px solid var(--line);border-radius:6px;padding:6px;text-align:center;background:#fff;break-inside:avoid}
.mistake img,.wmap img{image-rendering:pixelated;image-rendering:crisp-edges;display:block;margin:0 auto;border:1px solid var(--line);background:#fff}
.mistake figcaption{font-size:.78rem;line-height:1.3;margin-top:4px;display:flex;flex-direction:column}
.mistake .said b{color:#b42318;font-size:1rem}
.mistake .truth b{font-size:1rem}
.mistake .pics{display:flex;justify-content:center;gap:4px}
.mistake.with-drawing img,.mistake svg.drawing{width:64px;height:64px;margin:0}
.mistake svg.drawing{border:1px solid var(--line)}
.drawing .paper{fill:#fff}.drawing .ink{fill:#111a2b;stroke:#111a2b;stroke-linecap:round;stroke-linejoin:round}.drawing .ink polyline{fill:none}
.whys figure{margin:0}.whys figcaption{font-size:.75rem}.whys small{display:block;color:var(--muted)}
.mistakes:has(.with-drawing){grid-template-columns:repeat(auto-fill,minmax(150px,1fr))}
.mistake small{display:block;font-size:.75rem;color:var(--muted);margin-bottom:2px}
.mistake .item{font-size:.7rem;overflow-wrap:anywhere}
.wmaps{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:10px;max-width:700px}
.wmaps.hog{grid-template-columns:repeat(auto-fill,minmax(128px,1fr));max-width:700px}
.wmap{text-align:center}
.wmap figcaption{font-weight:600}
.wmap img{width:112px;height:112px}
.wmap svg.glyphs{display:block;width:120px;height:120px;margin:0 auto 3px;border:1px solid var(--line)}
.glyphs .glyph-bg{fill:#fff}
.glyphs .cell{fill:none;stroke:#e3e7ed;stroke-width:.15}
.glyphs .glyph{stroke:#111a2b;stroke-width:.7;stroke-linecap:round}
.colourbar{display:flex;align-items:center;gap:8px;font-size:.8rem;color:var(--muted);margin-top:8px;max-width:360px}
.colourbar .bar{flex:1;height:10px;border:1px solid var(--line)}
table.kv{font-size:.88rem}
table.kv th{text-align:left;color:var(--muted);font-weight:500;padding:3px 14px 3px 0;vertical-align:top;white-space:nowrap}
table.kv td{padding:3px 0}
footer{max-width:1120px;margin:40px auto 24px;padding:0 16px;color:var(--muted);font-size:.8rem}
@media (max-width:560px){body{font-size:14px}main,header.top{padding:0 12px}h1{font-size:1.3rem}h2{margin-top:28px}table.metrics{font-size:.78rem}table.metrics th,table.metrics td{padding:4px 5px}table.confusion{font-size:.68rem}table.confusion th,table.confusion td{width:2.2em;height:1.9em;padding:0}table.confusion .total{width:auto;padding:0 3px}table.confusion .n{display:none}table.confusion .corner{font-size:.6rem;padding-right:3px}.chart .tick,.chart .axis-title{font-size:14px}.chart .note{font-size:14px}}
@media print{body{font-size:11pt}nav.toc{display:none}h2{break-after:avoid}.col,.scroll,figure,table,svg{break-inside:avoid}.scroll{overflow:visible}a{color:inherit;text-decoration:none}}
`;

/** The report as one self-contained HTML page. */
export function buildReport(input: ReportInput): string {
  const { models, sets } = input;
  if (models.length < 1 || models.length > 2)
    throw new RangeError(`a report shows one or two models, got ${models.length}`);
  for (const [s, set] of sets.entries()) {
    if (set.length !== models.length)
      throw new RangeError(`sets[${s}] has ${set.length} evaluations, expected ${models.length}`);
  }
  const compare = models.length > 1;
  const cols = (body: (m: number) => string) =>
    pair(models.map((_, m) => column(input, m, body(m))));
  const toc: [string, string][] = [
    ['accuracy', 'Accuracy'],
    ['cv', 'Cross-validation'],
    ...sets.map((set, s): [string, string] => [`set-${s}`, describeSet(set[0].name).dataSet]),
    ['stored', 'At training'],
    ['weights', 'Weight maps'],
    ['provenance', 'Provenance'],
  ];
  const body: string[] = [];
  body.push(
    `<section id="accuracy"><h2>Accuracy by data set</h2>${comparisonTable(input)}${compare ? '<h3>All results</h3>' : ''}${accuracyTable(input)}</section>`,
  );
  body.push(
    `<section id="cv"><h2>Cross-validation</h2><p class="hint">Validation score against C, one thin line per fold, the mean bold.</p>${cols(
      (m) =>
        `${cvChart(models[m].model.cv, MODEL_COLOURS[m], `cv-${m}`)}<p class="hint">${esc(cvCaption(models[m].model.cv))}</p>`,
    )}</section>`,
  );
  const reliabilityHead =
    '<h3>Reliability</h3><p class="hint">Accuracy of the predictions in each of 15 equal-width confidence bins; a calibrated model\'s bars reach the diagonal. Counts per bin below (log scale); pale bars hold fewer than 20 predictions.</p>';
  const redrawHead =
    '<h3>Accuracy against redraw rate</h3><p class="hint">Sweeping the confidence threshold: the share of drawings sent back for a redraw (x) and the accuracy on the ones accepted (y). The dot is the model\'s own threshold.</p>';
  sets.forEach((set, s) => {
    const { dataSet, split } = describeSet(set[0].name);
    const first = set[0];
    const empty =
      first.emptyCount > 0
        ? ` ${int(first.emptyCount)} items without ink were not classified.`
        : '';
    const series = set.map((e, m) => ({
      label: modelName(input, m),
      tag: 'AB'[m],
      color: MODEL_COLOURS[m],
      curve: e.curve,
      operating: e.operating,
    }));
    body.push(
      `<section id="set-${s}" class="dataset"><h2>${esc(dataSet)} — ${esc(split)}</h2><p class="sub">${dataSet === first.name ? '' : `File <code>${esc(first.name)}</code>: `}${int(first.items)} items, evaluated now.${empty} Content hash <code>${esc(first.hash.slice(0, 16))}</code>.</p>${overlapNote(set)}` +
        `<h3>Confusion matrix</h3>${cols((m) => confusionTable(set[m].metrics, `${dataSet}, ${split}: accuracy ${pct(set[m].metrics.accuracy, 2)} of ${int(set[m].metrics.n)}`))}` +
        (compare
          ? `${reliabilityHead}${cols((m) => reliabilityChart(set[m].reliability, MODEL_COLOURS[m], `${s}-${m}`))}${redrawHead}<div class="pair"><div class="col">${redrawChart(series)}</div></div>`
          : `<div class="pair two"><div class="col">${reliabilityHead}${reliabilityChart(first.reliability, MODEL_COLOURS[0], `${s}-0`)}</div><div class="col">${redrawHead}${redrawChart(series)}</div></div>`) +
        `<h3>Most confident mistakes</h3><p class="hint">The wrong predictions the model was surest of: the drawing as drawn (for stroke data), the canonical 28×28 image the model saw, what it said with what confidence, and the true digit with the probability it got.</p>${cols((m) => mistakesGrid(set[m]))}` +
        cols((m) => whyMistakes(set[m], input.models[m].model)) +
        '</section>',
    );
  });
  const evaluatedNow = new Set(sets.map((set) => set[0].name));
  const stored = cols((m) => {
    const model = models[m].model;
    const entries = Object.entries(model.metrics);
    const again = entries.filter(([name]) => evaluatedNow.has(name)).map(([name]) => name);
    const note = again.length
      ? `<p class="hint">${esc(again.join(', '))}: evaluated again above.</p>`
      : '';
    const tables = entries
      .filter(([name]) => !evaluatedNow.has(name))
      .map(([name, metrics]) => {
        const { dataSet, split } = describeSet(name, model);
        return confusionTable(
          metrics,
          `${dataSet}, ${split}: accuracy ${pct(metrics.accuracy, 2)} of ${int(metrics.n)}`,
        );
      });
    return entries.length === 0
      ? '<p class="muted">The model file holds no metrics.</p>'
      : tables.join('') + note;
  });
  body.push(
    `<section id="stored"><h2>Results recorded at training</h2><p class="hint">Confusion matrices stored in the model file when it was trained.</p>${stored}</section>`,
  );
  body.push(
    `<section id="not-a-digit"><h2>Not a digit</h2><p class="hint">Drawings (not plain images) also go to the not-a-digit reader: a binary logistic regression on the image features, the strokes' trajectory and the drawing's geometry.</p>${cols((m) => notDigitSection(models[m].model))}</section>`,
  );
  body.push(
    `<section id="weights"><h2>Weight maps</h2>${cols((m) => weightMaps(models[m].model) + onlineWeightMaps(models[m].model))}</section>`,
  );
  body.push(
    `<section id="provenance"><h2>Training provenance</h2>${cols((m) => provenance(models[m]))}</section>`,
  );
  const names = models
    .map(
      (rm, m) =>
        `<li><span class="swatch" style="--c:${MODEL_COLOURS[m]}"></span><b>${esc(modelName(input, m))}</b> <span class="muted">${esc(rm.model.features)}, C = ${esc(formatC(rm.model.C))}${rm.path ? `, ${esc(rm.path)}` : ''}</span></li>`,
    )
    .join('');
  const title = compare
    ? `digitrec report: ${models[0].model.id} vs ${models[1].model.id}`
    : `digitrec report: model ${models[0].model.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><header class="top"><h1>digitrec evaluation report</h1><p class="sub">${compare ? 'Two models compared on the same data' : 'One model'}${input.generatedAt ? ` · generated ${esc(input.generatedAt)}` : ''}</p><ul class="models">${names}</ul><nav class="toc">${toc.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join('')}</nav></header>
<main>${body.join('\n')}</main>
<footer>Made by <code>digitrec report</code>. Self-contained: no scripts, no external files.</footer>
</body></html>
`;
}
