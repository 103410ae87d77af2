/**
 * What the CLI's end-to-end tests share: a temporary working folder, removed after the file's
 * tests, and a runner for the built `digitrec` command (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { ImageSet } from '../core/types.js';

/** The built command. */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'digitrec.js');

/** What one run printed and its exit code. */
export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/** A temp folder named after `name` (removed after the tests) and `run(...args)` inside it. */
export function cliHarness(name: string): { dir: string; run: (...args: string[]) => CliRun } {
  const dir = mkdtempSync(join(tmpdir(), `digitrec-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]): CliRun => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  return { dir, run };
}

/** Images `start` … `start + n − 1` of a set, as a set of their own. */
export function sliceImageSet(set: ImageSet, start: number, n: number): ImageSet {
  const size = set.width * set.height;
  return {
    n,
    width: set.width,
    height: set.height,
    pixels: set.pixels.slice(start * size, (start + n) * size),
    labels: set.labels.slice(start, start + n),
  };
}
