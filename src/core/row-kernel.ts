/**
 * One row at a time of the linear part of logistic regression, in float64: loading a row of X
 * (sparse or dense), its logits W·x + b, and the gradient's outer product. Shared by the
 * TypeScript objective and by prediction, so both compute logits the same way, bit for bit.
 */

/**
 * Scratch space for one row: the row in float64 (`x`), and its nonzero columns (`nz`) and values
 * (`xv`). Raw MNIST pixels are ~80% zero, so sparse rows skip the zeros; dense rows (HOG
 * features) index directly, which is faster than gathering.
 */
export interface RowScratch {
  x: Float64Array;
  nz: Int32Array;
  xv: Float64Array;
  /** Number of nonzeros of the current row, or −1 when the row is dense. */
  m: number;
}

/** Scratch space for rows of d features. */
export function rowScratch(d: number): RowScratch {
  return { x: new Float64Array(d), nz: new Int32Array(d), xv: new Float64Array(d), m: -1 };
}

/** Loads row `r` of `data` into the scratch, choosing the sparse form when under half is nonzero. */
export function loadRow(data: Float32Array, r: number, d: number, row: RowScratch): void {
  const { x, nz, xv } = row;
  const base = r * d;
  let m = 0;
  for (let j = 0; j < d; j++) {
    const v = data[base + j];
    x[j] = v;
    if (v !== 0) {
      nz[m] = j;
      xv[m] = v;
      m++;
    }
  }
  row.m = 2 * m < d ? m : -1;
}

/**
 * Writes W·x + b for the loaded row into z. Each class has its own float64 accumulator summing
 * features in ascending order, so the sparse and dense forms give bit-identical logits. Classes
 * go five at a time so every feature loaded serves five dot products.
 */
export function rowLogits(
  params: Float64Array,
  d: number,
  k: number,
  row: RowScratch,
  z: Float64Array,
) {
  const { x, nz, xv, m } = row;
  const bOff = k * d;
  let c = 0;
  for (; c + 4 < k; c += 5) {
    const o0 = c * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    const o4 = o3 + d;
    let s0 = params[bOff + c];
    let s1 = params[bOff + c + 1];
    let s2 = params[bOff + c + 2];
    let s3 = params[bOff + c + 3];
    let s4 = params[bOff + c + 4];
    if (m < 0) {
      for (let j = 0; j < d; j++) {
        const v = x[j];
        s0 += params[o0 + j] * v;
        s1 += params[o1 + j] * v;
        s2 += params[o2 + j] * v;
        s3 += params[o3 + j] * v;
        s4 += params[o4 + j] * v;
      }
    } else {
      for (let t = 0; t < m; t++) {
        const j = nz[t];
        const v = xv[t];
        s0 += params[o0 + j] * v;
        s1 += params[o1 + j] * v;
        s2 += params[o2 + j] * v;
        s3 += params[o3 + j] * v;
        s4 += params[o4 + j] * v;
      }
    }
    z[c] = s0;
    z[c + 1] = s1;
    z[c + 2] = s2;
    z[c + 3] = s3;
    z[c + 4] = s4;
  }
  for (; c < k; c++) {
    const off = c * d;
    let s = params[bOff + c];
    if (m < 0) for (let j = 0; j < d; j++) s += params[off + j] * x[j];
    else for (let t = 0; t < m; t++) s += params[off + nz[t]] * xv[t];
    z[c] = s;
  }
}

/** Adds res[c] · x to weight row c of grad for the loaded row, five classes per pass over x. */
export function addOuter(
  grad: Float64Array,
  d: number,
  k: number,
  row: RowScratch,
  res: Float64Array,
) {
  const { x, nz, xv, m } = row;
  let c = 0;
  for (; c + 4 < k; c += 5) {
    const o0 = c * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    const o4 = o3 + d;
    const r0 = res[c];
    const r1 = res[c + 1];
    const r2 = res[c + 2];
    const r3 = res[c + 3];
    const r4 = res[c + 4];
    if (m < 0) {
      for (let j = 0; j < d; j++) {
        const v = x[j];
        grad[o0 + j] += r0 * v;
        grad[o1 + j] += r1 * v;
        grad[o2 + j] += r2 * v;
        grad[o3 + j] += r3 * v;
        grad[o4 + j] += r4 * v;
      }
    } else {
      for (let t = 0; t < m; t++) {
        const j = nz[t];
        const v = xv[t];
        grad[o0 + j] += r0 * v;
        grad[o1 + j] += r1 * v;
        grad[o2 + j] += r2 * v;
        grad[o3 + j] += r3 * v;
        grad[o4 + j] += r4 * v;
      }
    }
  }
  for (; c < k; c++) {
    const off = c * d;
    const r = res[c];
    if (m < 0) for (let j = 0; j < d; j++) grad[off + j] += r * x[j];
    else for (let t = 0; t < m; t++) grad[off + nz[t]] += r * xv[t];
  }
}
