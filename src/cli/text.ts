/** Plain-text tables for the terminal: the CV table, metrics and the confusion matrix. */
import type { CvTable, Metrics } from '../core/contracts.js';

/** A percentage with one decimal, or `–` for NaN. */
export function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–';
}

/** Left-aligned first column, right-aligned others. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    )
    .join('\n');
}

function formatScore(scoring: CvTable['scoring'], s: number): string {
  return scoring === 'neg_log_loss' ? s.toFixed(4) : pct(s);
}

/** The CV table: one row per C, one column per fold, then the mean; the best C marked. */
export function formatCvTable(cv: CvTable): string {
  const head = ['C', ...cv.scores.map((_, f) => `fold ${f + 1}`), `mean ${cv.scoring}`, ''];
  const rows = cv.Cs.map((C, c) => [
    C.toPrecision(3),
    ...cv.scores.map((fold) => formatScore(cv.scoring, fold[c])),
    formatScore(cv.scoring, cv.meanScores[c]),
    C === cv.bestC ? '← best' : '',
  ]);
  return `Cross-validation (${cv.nFolds} ${cv.foldKind} folds):\n${table([head, ...rows])}`;
}

/** One line of headline metrics. */
export function formatMetricsLine(name: string, m: Metrics): string {
  // Pooled over folds, each at its own threshold, there is no one threshold (NaN).
  const at = Number.isNaN(m.threshold)
    ? "at each fold's threshold"
    : `at threshold ${m.threshold.toFixed(3)}`;
  return `${name}: n=${m.n} accuracy ${pct(m.accuracy)}, macro F1 ${pct(m.macroF1)}, log loss ${m.logLoss.toFixed(4)}, ECE ${m.ece.toFixed(4)}; ${at}: redraw ${pct(m.redrawRate)}, accepted accuracy ${pct(m.acceptedAccuracy)}`;
}

/** The full report: headline, per-class table, confusion matrix. */
export function formatMetrics(name: string, m: Metrics): string {
  const perClass = table([
    ['digit', 'precision', 'recall', 'F1', 'support'],
    ...m.perClass.map((p) => [
      String(p.label),
      pct(p.precision),
      pct(p.recall),
      pct(p.f1),
      String(p.support),
    ]),
  ]);
  const k = m.confusion.length;
  const confusion = table([
    ['true\\pred', ...Array.from({ length: k }, (_, c) => String(c))],
    ...m.confusion.map((row, r) => [String(r), ...row.map(String)]),
  ]);
  return `${formatMetricsLine(name, m)}\n\n${perClass}\n\nConfusion matrix (rows: true digit, columns: predicted):\n${confusion}`;
}
