/** Boundary checks of the logistic regression's inputs: design matrix, rows, labels, weights, classes, C. */

import type { Matrix } from './types.js';

/** A short name of a value's kind for messages: 'null', a constructor name, or its typeof. */
export function describe(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? value.constructor.name
      : typeof value;
}

/** Checks a design matrix and returns it; `name` is used in messages. */
export function checkMatrix(X: Matrix, name = 'X'): Matrix {
  if (typeof X !== 'object' || X === null)
    throw new TypeError(`${name} must be a Matrix {n, d, data}, got ${describe(X)}`);
  if (!(X.data instanceof Float32Array))
    throw new TypeError(`${name}.data must be a Float32Array, got ${describe(X.data)}`);
  if (!Number.isInteger(X.n) || X.n < 0)
    throw new RangeError(`${name}.n must be an integer ≥ 0, got ${X.n}`);
  if (!Number.isInteger(X.d) || X.d < 1)
    throw new RangeError(`${name}.d must be an integer ≥ 1, got ${X.d}`);
  if (X.data.length !== X.n * X.d)
    throw new RangeError(`${name}.data.length must be n × d = ${X.n * X.d}, got ${X.data.length}`);
  return X;
}

export function checkRows(rows: Int32Array | undefined, n: number): void {
  if (rows === undefined) return;
  if (!(rows instanceof Int32Array))
    throw new TypeError(`rows must be an Int32Array, got ${describe(rows)}`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r < 0 || r >= n)
      throw new RangeError(`rows[${i}] must be a row of X in [0, ${n}), got ${r}`);
  }
}

export function checkLabels(y: Uint8Array, n: number): void {
  if (!(y instanceof Uint8Array)) throw new TypeError(`y must be a Uint8Array, got ${describe(y)}`);
  if (y.length !== n) throw new RangeError(`y.length must equal X.n = ${n}, got ${y.length}`);
}

export function checkSampleWeight(sw: Float32Array | undefined, n: number): void {
  if (sw === undefined) return;
  if (!(sw instanceof Float32Array))
    throw new TypeError(`sampleWeight must be a Float32Array, got ${describe(sw)}`);
  if (sw.length !== n)
    throw new RangeError(`sampleWeight.length must equal X.n = ${n}, got ${sw.length}`);
  for (let i = 0; i < n; i++) {
    if (!(sw[i] >= 0 && sw[i] < Number.POSITIVE_INFINITY))
      throw new RangeError(`sampleWeight[${i}] must be finite and ≥ 0, got ${sw[i]}`);
  }
}

export function checkClasses(classes: readonly number[]): void {
  if (!Array.isArray(classes))
    throw new TypeError(`classes must be an array of labels, got ${describe(classes)}`);
  if (classes.length < 2)
    throw new RangeError(`classes must hold at least 2 labels, got ${classes.length}`);
  const seen = new Set<number>();
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c > 255)
      throw new RangeError(`classes must be integers in [0, 255], got ${c}`);
    if (seen.has(c)) throw new RangeError(`classes must be distinct, got ${c} twice`);
    seen.add(c);
  }
}

/** Maps label → column (−1 for labels not among the classes). */
export function columnOf(classes: readonly number[]): Int16Array {
  const col = new Int16Array(256).fill(-1);
  classes.forEach((c, i) => {
    col[c] = i;
  });
  return col;
}

/** The sorted distinct labels of y over the given rows (all rows by default). */
export function labelsPresent(y: Uint8Array, rows?: Int32Array): number[] {
  const seen = new Uint8Array(256);
  if (rows) for (let i = 0; i < rows.length; i++) seen[y[rows[i]]] = 1;
  else for (let i = 0; i < y.length; i++) seen[y[i]] = 1;
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (seen[c]) out.push(c);
  return out;
}

/** Checks that C is a finite number > 0. */
export function checkC(C: number): void {
  if (typeof C !== 'number') throw new TypeError(`C must be a number, got ${describe(C)}`);
  if (!(C > 0 && C < Number.POSITIVE_INFINITY))
    throw new RangeError(`C must be finite and > 0, got ${C}`);
}
