/**
 * Progress bars with an ETA for long CLI work. On a terminal the bar redraws in place; elsewhere
 * (CI logs, pipes) it prints a line at most every 10% so logs stay short.
 */

/** Where a bar writes: stderr by default. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The ETA of work that is `done` of `total` after `elapsed` seconds, assuming a steady rate. */
export function estimateRemaining(done: number, total: number, elapsed: number): number {
  if (done <= 0) return Number.NaN;
  return (elapsed * (total - done)) / done;
}

/** A progress bar for `total` units of work. */
export class ProgressBar {
  private readonly start: number;
  private lastDecile = 0;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    /** Units of work in all; may be raised once the real count is known. */
    public total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  /** The bar's text for `done` units, with `detail` appended. */
  render(done: number, detail = ''): string {
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const elapsed = (this.now() - this.start) / 1000;
    const eta =
      done >= this.total
        ? `took ${formatDuration(elapsed)}`
        : `ETA ${formatDuration(estimateRemaining(done, this.total, elapsed))}`;
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${this.total} ${eta}${detail ? ` ${detail}` : ''}`;
  }

  /** Reports progress; redraws at most every 100 ms on a terminal. */
  update(done: number, detail = ''): void {
    const finished = done >= this.total;
    if (this.stream.isTTY) {
      const t = this.now();
      if (!finished && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      const cols = this.stream.columns ?? 100;
      this.stream.write(
        `\r${this.render(done, detail)
          .slice(0, cols - 1)
          .padEnd(cols - 1)}`,
      );
      if (finished) this.stream.write('\n');
      return;
    }
    const decile = Math.floor((10 * done) / Math.max(1, this.total));
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${this.render(done, detail)}\n`);
    }
  }
}
