/**
 * The report's plots as inline SVG strings: the cross-validation curve, the reliability diagram,
 * the accuracy-vs-redraw curve and HOG weight glyphs. Every plot scales with its container
 * (`viewBox`, no fixed size) and carries its numbers in `data-*` attributes and `<title>`s.
 */
import type { RedrawPoint, Reliability } from '../../core/confidence-curves.js';
import type { CvTable } from '../../core/contracts.js';
import type { Drawing } from '../../core/types.js';
import { glyphDirection, type HogPart } from '../../core/weight-maps.js';

/** Text safe inside HTML or SVG text and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `x` with `digits` decimals, or an en dash for NaN. */
export function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

/** A percentage with `digits` decimals, or an en dash for NaN. */
export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '–';
}

/** A coordinate rounded to 0.1 for compact paths. */
function q(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Round tick values covering [lo, hi] with about `count` steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.round(v / step) * step);
  }
  return out;
}

/** The plot area of a chart and its linear scales. */
interface Frame {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function sx(f: Frame, v: number): number {
  return f.left + ((v - f.x0) / (f.x1 - f.x0)) * (f.w - f.left - f.right);
}

function sy(f: Frame, v: number): number {
  return f.h - f.bottom - ((v - f.y0) / (f.y1 - f.y0)) * (f.h - f.top - f.bottom);
}

/** Grid lines, ticks and axis titles. `xTicks` may carry custom labels. */
function axes(
  f: Frame,
  xTicks: { v: number; label: string }[],
  yTicks: { v: number; label: string }[],
  xTitle: string,
  yTitle: string,
): string {
  const parts: string[] = [];
  const bottom = f.h - f.bottom;
  for (const t of yTicks) {
    const y = q(sy(f, t.v));
    parts.push(
      `<line class="grid" x1="${f.left}" x2="${f.w - f.right}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${f.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(t.label)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = q(sx(f, t.v));
    parts.push(
      `<line class="grid" x1="${x}" x2="${x}" y1="${f.top}" y2="${bottom}"/>`,
      `<text class="tick" x="${x}" y="${bottom + 16}" text-anchor="middle">${esc(t.label)}</text>`,
    );
  }
  parts.push(
    `<rect class="frame" x="${f.left}" y="${f.top}" width="${q(f.w - f.left - f.right)}" height="${q(bottom - f.top)}"/>`,
    `<text class="axis-title" x="${q((f.left + f.w - f.right) / 2)}" y="${f.h - 4}" text-anchor="middle">${esc(xTitle)}</text>`,
    `<text class="axis-title" transform="translate(14 ${q((f.top + bottom) / 2)}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`,
  );
  return parts.join('');
}

function svgOpen(w: number, h: number, cls: string, label: string): string {
  return `<svg class="${cls}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">`;
}

/** How far below the best mean score the CV chart's axis reaches (accuracy, F1). */
const CV_ZOOM = 0.03;

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 10^k written as 0.01, 0.1, 1, 10, 100, or 10⁻⁴ / 10⁴ beyond. */
function powerLabel(k: number): string {
  if (k >= -2 && k <= 3) return String(10 ** k);
  return `10${[...String(k)].map((ch) => SUPERSCRIPT[ch]).join('')}`;
}

/** A C value compactly: 3 significant digits. */
export function formatC(c: number): string {
  return Number(c.toPrecision(3)).toString();
}

/** Formats a CV score: percentages for accuracy and F1, 4 decimals for log loss. */
export function formatScore(scoring: CvTable['scoring'], s: number, digits = 1): string {
  return scoring === 'neg_log_loss' ? s.toFixed(4) : pct(s, digits);
}

/**
 * Score against C on a log axis: one thin line per fold, the mean bold in `color`, the chosen C
 * marked by a dashed line and a ring on the mean.
 */
export function cvChart(cv: CvTable, color: string, id = 'cv'): string {
  const clip = `clip-${id.replace(/[^\w-]/g, '')}`;
  const w = 480;
  const h = 312;
  const logs = cv.Cs.map((c) => Math.log10(c));
  let x0 = Math.min(...logs);
  let x1 = Math.max(...logs);
  if (x1 - x0 < 1e-9) {
    x0 -= 0.5;
    x1 += 0.5;
  } else {
    const pad = (x1 - x0) * 0.04;
    x0 -= pad;
    x1 += pad;
  }
  const all = [...cv.scores.flat(), ...cv.meanScores].filter(Number.isFinite);
  const bestMean = Math.max(...cv.meanScores.filter(Number.isFinite));
  // Zoom on the scores near the best: a far-off low C would flatten the differences that matter.
  const floor = cv.scoring === 'neg_log_loss' ? -Infinity : bestMean - CV_ZOOM;
  const lowest = Math.min(...all);
  const zoomed = lowest < floor;
  let y0 = Math.max(lowest, floor);
  let y1 = Math.max(...all);
  const span = Math.max(y1 - y0, 1e-3);
  if (!zoomed) y0 -= span * 0.08;
  y1 += span * 0.08;
  if (cv.scoring !== 'neg_log_loss') y1 = Math.min(y1, 1 + span * 0.02);
  const f: Frame = { w, h, left: 66, right: 22, top: 46, bottom: 44, x0, x1, y0, y1 };
  const powers: number[] = [];
  for (let k = Math.ceil(x0); k <= Math.floor(x1); k++) powers.push(k);
  const xTicks =
    powers.length >= 2
      ? powers.map((k) => ({ v: k, label: powerLabel(k) }))
      : cv.Cs.map((c) => ({ v: Math.log10(c), label: formatC(c) }));
  const yValues = niceTicks(y0, y1, 5);
  // Enough decimals that neighbouring ticks read differently (a 0.01-point step needs two).
  const yStep = yValues.length > 1 ? (yValues[1] - yValues[0]) * 100 : 1;
  const yDigits = Math.max(0, Math.ceil(-Math.log10(yStep) - 1e-9));
  const yTicks = yValues.map((v) => ({
    v,
    label: formatScore(cv.scoring, v, yDigits),
  }));
  const line = (scores: number[]) =>
    scores.map((s, i) => `${i === 0 ? 'M' : 'L'}${q(sx(f, logs[i]))} ${q(sy(f, s))}`).join('');
  const parts = [
    svgOpen(w, h, 'chart cv-chart', `cross-validation ${cv.scoring} against C`),
    axes(f, xTicks, yTicks, 'C (inverse regularisation strength, log scale)', cv.scoring),
    `<clipPath id="${clip}"><rect x="${f.left}" y="${f.top - 8}" width="${q(w - f.left - f.right)}" height="${q(h - f.bottom - f.top + 8)}"/></clipPath><g clip-path="url(#${clip})">`,
  ];
  cv.scores.forEach((fold, i) => {
    parts.push(
      `<path class="fold" data-fold="${i + 1}" d="${line(fold)}"><title>fold ${i + 1}: ${fold.map((s) => formatScore(cv.scoring, s, 2)).join(', ')}</title></path>`,
    );
  });
  parts.push(`<path class="mean" stroke="${color}" d="${line(cv.meanScores)}"/>`);
  cv.meanScores.forEach((s, i) => {
    parts.push(
      `<circle class="mean-point" fill="${color}" cx="${q(sx(f, logs[i]))}" cy="${q(sy(f, s))}" r="3.5"><title>C = ${formatC(cv.Cs[i])}: mean ${formatScore(cv.scoring, s, 2)}</title></circle>`,
    );
  });
  parts.push('</g>');
  // Written last, so its halo covers the lines it crosses.
  const zoomNote: string[] = [];
  if (zoomed) {
    const below = cv.Cs.filter((_, i) => cv.meanScores[i] < y0);
    const bottom = h - f.bottom;
    for (const [i, s] of cv.meanScores.entries()) {
      if (!(s < y0)) continue;
      const x = sx(f, logs[i]);
      parts.push(
        `<path class="off-axis" fill="${color}" d="M${q(x - 5)} ${q(bottom - 9)}L${q(x + 5)} ${q(bottom - 9)}L${q(x)} ${q(bottom - 1)}Z"><title>C = ${formatC(cv.Cs[i])}: mean ${formatScore(cv.scoring, s, 2)}, below the axis</title></path>`,
      );
    }
    const min = Math.min(...cv.meanScores);
    zoomNote.push(
      `<text class="note sub" x="${w - f.right - 6}" y="${q(bottom - 14)}" text-anchor="end">▼ ${below.length} C value${below.length === 1 ? '' : 's'} below the axis (mean down to ${formatScore(cv.scoring, min, 1)})</text>`,
    );
  }
  const best = cv.Cs.indexOf(cv.bestC);
  if (best >= 0) {
    const bx = q(sx(f, logs[best]));
    const by = q(sy(f, cv.meanScores[best]));
    const anchor = sx(f, logs[best]) > w / 2 ? 'end' : 'start';
    const dx = anchor === 'end' ? -6 : 6;
    parts.push(
      `<line class="chosen" x1="${bx}" x2="${bx}" y1="${f.top}" y2="${h - f.bottom}"/>`,
      `<circle class="chosen-ring" stroke="${color}" cx="${bx}" cy="${by}" r="7" data-c="${cv.bestC}"/>`,
      `<text class="note" x="${q(Number(bx) + dx)}" y="${f.top - 8}" text-anchor="${anchor}">chosen C = ${esc(formatC(cv.bestC))} (mean ${esc(formatScore(cv.scoring, cv.meanScores[best], 2))})</text>`,
    );
  }
  parts.push(
    ...zoomNote,
    `<g class="legend" transform="translate(${f.left} 14)"><line class="fold" x1="0" x2="18" y1="0" y2="0"/><text x="22" y="0" dominant-baseline="middle">${cv.scores.length} folds</text><line class="mean" stroke="${color}" x1="80" x2="98" y1="0" y2="0"/><text x="102" y="0" dominant-baseline="middle">mean</text></g>`,
    '</svg>',
  );
  return parts.join('');
}

/** Bins with fewer predictions than this are drawn pale: their accuracy is noisy. */
const FEW = 20;

/**
 * The reliability diagram: per bin, a bar of accuracy with the gap to the bin's mean confidence
 * hatched, the diagonal of perfect calibration, and below it the bar counts on a log scale. `id`
 * keeps the hatch pattern's id unique in a page with several diagrams.
 */
export function reliabilityChart(r: Reliability, color: string, id = 'r'): string {
  const w = 480;
  const h = 392;
  const hatch = `gap-${id.replace(/[^\w-]/g, '')}`;
  const f: Frame = {
    w,
    h: 302,
    left: 66,
    right: 22,
    top: 40,
    bottom: 40,
    x0: 0,
    x1: 1,
    y0: 0,
    y1: 1,
  };
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => ({ v, label: pct(v, 0) }));
  const parts = [
    svgOpen(w, h, 'chart reliability-chart', `reliability diagram, ECE ${fixed(r.ece, 4)}`),
    `<defs><pattern id="${hatch}" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff" fill-opacity=".4"/><line x1="0" y1="0" x2="0" y2="5" stroke="#c82828" stroke-width="2.4"/></pattern></defs>`,
    axes(f, ticks, ticks, 'confidence (top-class probability)', 'accuracy'),
  ];
  for (const b of r.bins) {
    if (b.count === 0) continue;
    const x = sx(f, b.lo) + 1;
    const bw = sx(f, b.hi) - sx(f, b.lo) - 2;
    const top = sy(f, b.accuracy);
    const gapTop = sy(f, Math.max(b.accuracy, b.meanConfidence));
    const gapBottom = sy(f, Math.min(b.accuracy, b.meanConfidence));
    parts.push(
      `<rect class="bin${b.count < FEW ? ' few' : ''}" fill="${color}" x="${q(x)}" y="${q(top)}" width="${q(bw)}" height="${q(sy(f, 0) - top)}" data-count="${b.count}" data-accuracy="${b.accuracy}"><title>confidence ${pct(b.lo, 0)}–${pct(b.hi, 0)}: ${b.count} predictions, accuracy ${pct(b.accuracy)}, mean confidence ${pct(b.meanConfidence)}</title></rect>`,
      `<rect class="gap" fill="url(#${hatch})" x="${q(x)}" y="${q(gapTop)}" width="${q(bw)}" height="${q(Math.max(0, gapBottom - gapTop))}"/>`,
    );
  }
  parts.push(
    `<line class="ideal" x1="${q(sx(f, 0))}" y1="${q(sy(f, 0))}" x2="${q(sx(f, 1))}" y2="${q(sy(f, 1))}"/>`,
    `<text class="note" x="${f.left}" y="${f.top - 24}">ECE ${fixed(r.ece, 4)} · n = ${r.n.toLocaleString('en-US')}</text>`,
    `<g class="legend" transform="translate(${f.left} ${f.top - 9})"><rect fill="${color}" fill-opacity=".78" x="0" y="-5" width="12" height="10"/><text x="16" y="0" dominant-baseline="middle">accuracy</text><rect fill="url(#${hatch})" stroke="#c82828" stroke-width=".8" x="78" y="-5" width="12" height="10"/><text x="94" y="0" dominant-baseline="middle">gap to mean confidence</text><line class="ideal" x1="252" x2="274" y1="0" y2="0"/><text x="278" y="0" dominant-baseline="middle">perfectly calibrated</text></g>`,
  );
  // Counts: log-scaled bars with the count written above each.
  const cTop = 312;
  const cBottom = h - 8;
  const maxLog = Math.log10(1 + Math.max(1, ...r.bins.map((b) => b.count)));
  parts.push(
    `<text class="tick" x="${f.left - 6}" y="${cTop + 8}" text-anchor="end">count</text>`,
    `<line class="grid" x1="${f.left}" x2="${w - f.right}" y1="${cBottom}" y2="${cBottom}"/>`,
  );
  for (const b of r.bins) {
    if (b.count === 0) continue;
    const x = sx(f, b.lo) + 1;
    const bw = sx(f, b.hi) - sx(f, b.lo) - 2;
    const bh = ((cBottom - cTop - 14) * Math.log10(1 + b.count)) / maxLog;
    parts.push(
      `<rect class="count" x="${q(x)}" y="${q(cBottom - bh)}" width="${q(bw)}" height="${q(bh)}" data-count="${b.count}"/>`,
      `<text class="count-label" x="${q(x + bw / 2)}" y="${q(cBottom - bh - 3)}" text-anchor="middle">${b.count}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** One model's curve on the accuracy-vs-redraw chart. */
export interface RedrawSeries {
  label: string;
  /** A short name marked by the model's dot when several models share the chart (A, B). */
  tag?: string;
  color: string;
  curve: RedrawPoint[];
  /** The model's own threshold. */
  operating: RedrawPoint;
}

const X_LIMITS = [0.05, 0.1, 0.2, 0.3, 0.5, 1];

/**
 * Accuracy on accepted predictions against the share asked to redraw, as the threshold sweeps
 * over the confidences; each model's threshold marked. The x range is the smallest of 5 … 100% that
 * shows twice the largest model redraw rate.
 */
export function redrawChart(series: RedrawSeries[]): string {
  const w = 480;
  const h = 300;
  const need = Math.max(0, ...series.map((s) => 2 * (s.operating.redrawRate || 0)));
  const xMax = X_LIMITS.find((l) => l >= need) ?? 1;
  const shown = series.map((s) => s.curve.filter((p) => p.redrawRate <= xMax + 1e-12));
  const ys = shown.flat().map((p) => p.acceptedAccuracy);
  const lowest = Math.min(1, ...ys.filter(Number.isFinite));
  const yStep = 1 - lowest > 0.2 ? 0.1 : 1 - lowest > 0.05 ? 0.02 : 0.01;
  const y0 = Math.max(0, Math.floor((lowest - yStep * 0.3) / yStep) * yStep);
  const f: Frame = { w, h, left: 66, right: 22, top: 26, bottom: 44, x0: 0, x1: xMax, y0, y1: 1 };
  const xTicks = niceTicks(0, xMax, 5).map((v) => ({ v, label: pct(v, 0) }));
  const yValues = niceTicks(y0, 1, 5);
  // Decimals from the ticks' own step (0.5% steps need one), so no two labels read the same.
  const tickStep = yValues.length > 1 ? yValues[1] - yValues[0] : yStep;
  const yTicks = yValues.map((v) => ({ v, label: pct(v, tickStep < 0.01 - 1e-12 ? 1 : 0) }));
  const parts = [
    svgOpen(w, h, 'chart redraw-chart', 'accuracy on accepted predictions against redraw rate'),
    axes(f, xTicks, yTicks, 'share asked to redraw', 'accuracy on accepted'),
  ];
  const minDx = xMax / 400;
  series.forEach((s, i) => {
    // Thin the path to at most ~400 points across the axis; keep the ends.
    const pts = shown[i].filter(
      (p, j, a) =>
        j === 0 ||
        j === a.length - 1 ||
        Math.floor(p.redrawRate / minDx) !== Math.floor(a[j - 1].redrawRate / minDx),
    );
    const d = pts
      .map(
        (p, j) => `${j === 0 ? 'M' : 'L'}${q(sx(f, p.redrawRate))} ${q(sy(f, p.acceptedAccuracy))}`,
      )
      .join('');
    parts.push(`<path class="curve" stroke="${s.color}" d="${d}" data-points="${pts.length}"/>`);
  });
  series.forEach((s, i) => {
    const o = s.operating;
    if (!Number.isFinite(o.acceptedAccuracy) || o.redrawRate > xMax) return;
    const x = sx(f, o.redrawRate);
    const y = sy(f, o.acceptedAccuracy);
    parts.push(
      `<circle class="operating" fill="${s.color}" cx="${q(x)}" cy="${q(y)}" r="5" data-threshold="${o.threshold}" data-redraw="${o.redrawRate}" data-accuracy="${o.acceptedAccuracy}"/>`,
    );
    const detail = `${pct(o.redrawRate)} redraw → ${pct(o.acceptedAccuracy, 2)}`;
    if (series.length === 1) {
      const anchor = x > w * 0.6 ? 'end' : 'start';
      const tx = anchor === 'end' ? x - 10 : x + 10;
      const ty = Math.min(h - f.bottom - 22, y + 18);
      parts.push(
        `<text class="note" x="${q(tx)}" y="${q(ty)}" text-anchor="${anchor}">threshold ${o.threshold.toFixed(3)}</text>`,
        `<text class="note sub" x="${q(tx)}" y="${q(ty + 15)}" text-anchor="${anchor}">${detail}</text>`,
      );
      return;
    }
    // Several models: a letter by each dot, the numbers in a key at the lower right, where
    // curves of accuracy on accepted rarely go.
    const tag = s.tag ?? String(i + 1);
    const right = w - f.right - 8;
    const ky = h - f.bottom - 10 - (series.length - 1 - i) * 18;
    parts.push(
      `<text class="note" x="${q(x + 7)}" y="${q(y - 8)}">${esc(tag)}</text>`,
      `<text class="note key" x="${right}" y="${q(ky)}" text-anchor="end"><tspan fill="${s.color}">${esc(tag)}</tspan> threshold ${o.threshold.toFixed(3)}: ${detail}</text>`,
    );
  });
  if (series.length > 1) {
    const items = series
      .map(
        (s, i) =>
          `<line class="curve" stroke="${s.color}" x1="${i * 150}" x2="${i * 150 + 18}" y1="0" y2="0"/><text x="${i * 150 + 22}" y="0" dominant-baseline="middle">${esc(s.label)}</text>`,
      )
      .join('');
    parts.push(`<g class="legend" transform="translate(${f.left} 12)">${items}</g>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/**
 * HOG glyphs of one part: per cell, a line along the edge direction of each orientation, its
 * opacity the cell weight over `max`. Drawn over the 28×28 canonical frame.
 */
export function hogGlyphs(cells: Float64Array, part: HogPart, max: number, label: string): string {
  const { cellsX, cellsY, cellSize: s, orientations: n } = part;
  const parts = [
    svgOpen(cellsX * s, cellsY * s, 'glyphs', label),
    `<rect class="glyph-bg" width="${cellsX * s}" height="${cellsY * s}"/>`,
  ];
  for (let r = 0; r < cellsY; r++) {
    for (let c = 0; c < cellsX; c++) {
      const cx = (c + 0.5) * s;
      const cy = (r + 0.5) * s;
      parts.push(`<rect class="cell" x="${c * s}" y="${r * s}" width="${s}" height="${s}"/>`);
      for (let o = 0; o < n; o++) {
        const v = cells[(r * cellsX + c) * n + o];
        if (!(v > 0) || !(max > 0)) continue;
        const a = Math.min(1, v / max);
        if (a < 0.03) continue;
        const [dx, dy] = glyphDirection(o, n);
        const half = s * 0.47;
        parts.push(
          `<line class="glyph" x1="${(cx - dx * half).toFixed(2)}" y1="${(cy - dy * half).toFixed(2)}" x2="${(cx + dx * half).toFixed(2)}" y2="${(cy + dy * half).toFixed(2)}" stroke-opacity="${a.toFixed(3)}"/>`,
        );
      }
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A drawing's strokes as drawn on its canvas, in the drawing's own brush width. */
export function drawingSvg(d: Drawing, label: string): string {
  const r = d.brushWidth / 2;
  const marks = d.strokes
    .map((stroke) =>
      stroke.length === 1
        ? `<circle cx="${q(stroke[0].x)}" cy="${q(stroke[0].y)}" r="${q(r)}"/>`
        : `<polyline points="${stroke.map((p) => `${q(p.x)},${q(p.y)}`).join(' ')}"/>`,
    )
    .join('');
  return `${svgOpen(d.width, d.height, 'drawing', label)}<rect class="paper" width="${d.width}" height="${d.height}"/><g class="ink" stroke-width="${q(d.brushWidth)}">${marks}</g></svg>`;
}

/** One measured training run of `scalingChart`: rows trained on and seconds taken. */
export interface ScalingPoint {
  n: number;
  seconds: number;
}

/**
 * Training time against the number of training images, as a standalone SVG (its own styles, so
 * it shows in a README as well as in a page): the runs as dots joined by a line, each labelled
 * with its time.
 */
export function scalingChart(points: readonly ScalingPoint[], title: string): string {
  if (points.length === 0) throw new RangeError('scalingChart needs at least one point');
  for (const p of points) {
    if (!(p.n > 0 && Number.isFinite(p.n)) || !(p.seconds >= 0 && Number.isFinite(p.seconds)))
      throw new RangeError(`scalingChart: bad point n=${p.n}, seconds=${p.seconds}`);
  }
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const w = 480;
  const h = 300;
  const xTickValues = niceTicks(0, Math.max(...sorted.map((p) => p.n)), 5);
  const yTickValues = niceTicks(0, Math.max(...sorted.map((p) => p.seconds)) * 1.1, 5);
  const f: Frame = {
    w,
    h,
    left: 56,
    right: 26,
    top: 34,
    bottom: 44,
    x0: 0,
    x1: Math.max(...xTickValues, sorted[sorted.length - 1].n),
    y0: 0,
    y1: Math.max(...yTickValues, sorted[sorted.length - 1].seconds * 1.1),
  };
  const xTicks = xTickValues.map((v) => ({ v, label: v === 0 ? '0' : `${v / 1000}k` }));
  const yTicks = yTickValues.map((v) => ({ v, label: `${v} s` }));
  const d = sorted.map((p, i) => `${i === 0 ? 'M' : 'L'}${q(sx(f, p.n))} ${q(sy(f, p.seconds))}`);
  const parts = [
    svgOpen(w, h, 'chart scaling-chart', title),
    '<style>.chart{background:#fff}.chart text{font:12.5px system-ui,sans-serif;fill:#1b2330}' +
      '.chart .tick,.chart .axis-title{fill:#5b6573;font-size:11.5px}' +
      '.chart .grid{stroke:#e6eaf0}.chart .frame{fill:none;stroke:#aab3bf}' +
      '.chart .curve{fill:none;stroke:#1f5fbf;stroke-width:2.4}.chart .run{fill:#1f5fbf}' +
      '.chart .note{font-weight:600}</style>',
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    `<text class="note" x="${f.left}" y="20">${esc(title)}</text>`,
    axes(f, xTicks, yTicks, 'training images', 'seconds'),
    `<path class="curve" d="${d.join('')}"/>`,
  ];
  for (const p of sorted) {
    const x = q(sx(f, p.n));
    const y = q(sy(f, p.seconds));
    parts.push(
      `<circle class="run" cx="${x}" cy="${y}" r="4" data-n="${p.n}" data-seconds="${p.seconds}"/>`,
      `<text class="tick" x="${x}" y="${q(sy(f, p.seconds) - 9)}" text-anchor="end">${esc(fixed(p.seconds, p.seconds < 10 ? 1 : 0))} s</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
