/** Cross-validation fold assignments: one fold index per row, as an Int32Array. */
import { checkTypedArray } from './check.js';
import { shuffleInPlace } from './random.js';
import type { Rng } from './types.js';

function checkFoldCount(k: number, n: number, what: string): void {
  if (typeof k !== 'number') throw new TypeError(`k must be a number, got ${typeof k}`);
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, got ${k}`);
  if (k > n) throw new RangeError(`k must be at most the number of ${what} (${n}), got ${k}`);
}

/**
 * Stratified k-fold assignment: each class's rows are shuffled with `rng` and dealt to the folds
 * in turn, the turn carrying on from one class to the next (classes in ascending label order).
 * So each fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of every class c, and fold sizes differ by at most 1.
 */
export function stratifiedKFold(y: Uint8Array, k: number, rng: Rng): Int32Array {
  checkTypedArray('y', y, Uint8Array);
  if (typeof rng !== 'function') throw new TypeError(`rng must be a function, got ${typeof rng}`);
  checkFoldCount(k, y.length, 'rows');
  const counts = new Int32Array(256);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  // Rows grouped by class (counting sort, row order kept within a class before shuffling).
  const start = new Int32Array(257);
  for (let c = 0; c < 256; c++) start[c + 1] = start[c] + counts[c];
  const byClass = new Int32Array(y.length);
  const next = start.slice(0, 256);
  for (let i = 0; i < y.length; i++) byClass[next[y[i]]++] = i;
  const folds = new Int32Array(y.length);
  let turn = 0;
  for (let c = 0; c < 256; c++) {
    if (counts[c] === 0) continue;
    const members = byClass.subarray(start[c], start[c + 1]);
    shuffleInPlace(members, rng);
    for (let t = 0; t < members.length; t++) {
      folds[members[t]] = turn;
      turn = (turn + 1) % k;
    }
  }
  return folds;
}

/**
 * scikit-learn's GroupKFold: groups are taken largest first (equal sizes in ascending code-unit
 * order of their ids, so the result does not depend on row order) and each goes whole into the
 * fold with the fewest rows so far (the lowest-numbered of equals). No group is split between
 * folds. Throws a RangeError when there are fewer distinct groups than folds.
 */
export function groupKFold(groups: readonly string[], k: number): Int32Array {
  if (!Array.isArray(groups))
    throw new TypeError(`groups must be an array of strings, got ${typeof groups}`);
  const sizes = new Map<string, number>();
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (typeof g !== 'string')
      throw new TypeError(`groups[${i}] must be a string, got ${typeof g}`);
    sizes.set(g, (sizes.get(g) ?? 0) + 1);
  }
  if (typeof k !== 'number') throw new TypeError(`k must be a number, got ${typeof k}`);
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, got ${k}`);
  if (sizes.size < k)
    throw new RangeError(
      `k must be at most the number of distinct groups (${sizes.size}), got ${k}`,
    );
  const order = [...sizes.keys()].sort((a, b) => {
    const diff = (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0);
    if (diff !== 0) return diff;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const foldSize = new Float64Array(k);
  const foldOf = new Map<string, number>();
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if (foldSize[f] < foldSize[lightest]) lightest = f;
    foldOf.set(g, lightest);
    foldSize[lightest] += sizes.get(g) ?? 0;
  }
  return Int32Array.from(groups, (g) => foldOf.get(g) ?? 0);
}
