/**
 * The online reader's features: what the pen's path says that the picture does not — the
 * direction of travel at each place, the pen-up moves between strokes, where the pen started and
 * ended, and how many strokes there were. The drawing is first normalised for size and position
 * (its longer side maps to 1, centred) and every stroke resampled at a fixed arc-length step, so
 * a tablet's sparse points and a mouse's dense ones give the same features.
 *
 * Layout of the vector (`TRAJECTORY_LENGTH` floats):
 * - direction maps: 8 directions × 8 × 8 cells, ink length soft-binned by angle and place;
 * - pen-up maps: 8 directions × 4 × 4 cells, one unit per move from a stroke's end to the next start;
 * - start and end points: 4 × 4 cells each; the first and last strokes' opening and closing directions: 8 each;
 * - stroke count (1, 2, 3, 4+), one-hot; aspect ratio on 5 soft bins.
 */
import type { Stroke } from './types.js';

/** Direction bins of every direction feature (45° apart, 0 = rightwards, clockwise on screen). */
export const DIRECTIONS = 8;
/** Cells per side of the direction maps. */
export const DIRECTION_GRID = 8;
/** Cells per side of the pen-up, start and end maps. */
export const COARSE_GRID = 4;
/** Arc-length step of the resampling, in units of the drawing's longer side. */
export const RESAMPLE_STEP = 1 / 40;
/** Stroke-count bins: 1, 2, 3, 4 or more. */
export const STROKE_COUNT_BINS = 4;
/** Soft bins of log(width / height), centred at these values. */
export const ASPECT_CENTRES: readonly number[] = [-2, -1, 0, 1, 2];

const DIR_SIZE = DIRECTIONS * DIRECTION_GRID * DIRECTION_GRID;
const COARSE_CELLS = COARSE_GRID * COARSE_GRID;
const PENUP_SIZE = DIRECTIONS * COARSE_CELLS;

/** Offsets of each block in the feature vector. */
export const TRAJECTORY_LAYOUT = Object.freeze({
  directions: 0,
  penUps: DIR_SIZE,
  start: DIR_SIZE + PENUP_SIZE,
  end: DIR_SIZE + PENUP_SIZE + COARSE_CELLS,
  startDirection: DIR_SIZE + PENUP_SIZE + 2 * COARSE_CELLS,
  endDirection: DIR_SIZE + PENUP_SIZE + 2 * COARSE_CELLS + DIRECTIONS,
  strokeCount: DIR_SIZE + PENUP_SIZE + 2 * COARSE_CELLS + 2 * DIRECTIONS,
  aspect: DIR_SIZE + PENUP_SIZE + 2 * COARSE_CELLS + 2 * DIRECTIONS + STROKE_COUNT_BINS,
});

/** Length of the online feature vector. */
export const TRAJECTORY_LENGTH = TRAJECTORY_LAYOUT.aspect + ASPECT_CENTRES.length;

/** Spread of a segment's deposit over the direction map, in cells (Gaussian σ). */
const SPATIAL_SIGMA = 0.7;
/** Spread of a point over the coarse maps, in cells. */
const COARSE_SIGMA = 0.6;
/** Weight of the pen-up, start/end and count blocks relative to the unit-norm direction maps. */
const AUX_WEIGHT = 0.5;
/** Below this fraction of the longer side a drawing has no length to speak of (a dot). */
const MIN_SIZE = 1e-9;

/** A stroke's points as flat, finite x/y arrays (non-finite points are skipped). */
function finitePoints(stroke: Stroke): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const p of stroke) {
    if (Number.isFinite(p.x) && Number.isFinite(p.y)) {
      x.push(p.x);
      y.push(p.y);
    }
  }
  return { x, y };
}

/** Gaussian weights of `value` (in cell units, 0…n) over `n` cell centres, summing to 1. */
function cellWeights(value: number, n: number, sigma: number, out: Float64Array): void {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = value - (i + 0.5);
    const w = Math.exp((-d * d) / (2 * sigma * sigma));
    out[i] = w;
    total += w;
  }
  for (let i = 0; i < n; i++) out[i] /= total;
}

/** Adds `amount` at angle `theta` to two neighbouring direction bins (linear in angle). */
function directionBins(theta: number): { lo: number; hi: number; wHi: number } {
  let b = (theta / (2 * Math.PI)) * DIRECTIONS;
  b = ((b % DIRECTIONS) + DIRECTIONS) % DIRECTIONS;
  const lo = Math.floor(b) % DIRECTIONS;
  return { lo, hi: (lo + 1) % DIRECTIONS, wHi: b - Math.floor(b) };
}

/** Deposits a point (u, v in [0, 1]) with weight `amount` into a `grid`² map at `offset`. */
function depositPoint(
  out: Float32Array,
  offset: number,
  grid: number,
  sigma: number,
  u: number,
  v: number,
  amount: number,
  wx: Float64Array,
  wy: Float64Array,
): void {
  cellWeights(u * grid, grid, sigma, wx);
  cellWeights(v * grid, grid, sigma, wy);
  for (let r = 0; r < grid; r++) {
    const a = amount * wy[r];
    for (let c = 0; c < grid; c++) out[offset + r * grid + c] += a * wx[c];
  }
}

/** Scales out[from, to) to unit Euclidean norm after a square root (Hellinger), then by `scale`. */
function sqrtNormalise(out: Float32Array, from: number, to: number, scale: number): void {
  let ss = 0;
  for (let i = from; i < to; i++) {
    const s = Math.sqrt(out[i]);
    out[i] = s;
    ss += s * s;
  }
  if (ss <= 0) return;
  const f = scale / Math.sqrt(ss);
  for (let i = from; i < to; i++) out[i] *= f;
}

/**
 * The online features of a drawing's strokes (canvas coordinates, any sampling density), written
 * into `out` (length `TRAJECTORY_LENGTH`, zeroed first) and returned. Strokes without a finite
 * point give zeros (nothing to read); a single dot gives only its count, place and aspect blocks.
 */
export function trajectoryFeatures(
  strokes: readonly Stroke[],
  out: Float32Array = new Float32Array(TRAJECTORY_LENGTH),
): Float32Array {
  if (out.length !== TRAJECTORY_LENGTH)
    throw new RangeError(`out has length ${out.length}, expected ${TRAJECTORY_LENGTH}`);
  out.fill(0);
  const paths = strokes.map(finitePoints).filter((p) => p.x.length > 0);
  if (paths.length === 0) return out;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of paths) {
    for (let i = 0; i < p.x.length; i++) {
      if (p.x[i] < minX) minX = p.x[i];
      if (p.x[i] > maxX) maxX = p.x[i];
      if (p.y[i] < minY) minY = p.y[i];
      if (p.y[i] > maxY) maxY = p.y[i];
    }
  }
  const w = maxX - minX;
  const h = maxY - minY;
  const side = Math.max(w, h);
  const scale = side > MIN_SIZE ? 1 / side : 0;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const nu = (x: number) => (x - cx) * scale + 0.5;
  const nv = (y: number) => (y - cy) * scale + 0.5;
  const wx = new Float64Array(DIRECTION_GRID);
  const wy = new Float64Array(DIRECTION_GRID);
  const L = TRAJECTORY_LAYOUT;

  // Direction maps: walk each stroke at a fixed arc-length step (in normalised units) and put the
  // step's length at its midpoint, split between the two nearest direction bins.
  let firstTheta = Number.NaN;
  let lastTheta = Number.NaN;
  // The coordinates `wx` and `wy` were last worked out for (NaN: not yet).
  let lastU = Number.NaN;
  let lastV = Number.NaN;
  for (let s = 0; s < paths.length; s++) {
    const { x, y } = paths[s];
    let carry = 0;
    let strokeFirst = Number.NaN;
    let strokeLast = Number.NaN;
    for (let i = 1; i < x.length; i++) {
      const u0 = nu(x[i - 1]);
      const v0 = nv(y[i - 1]);
      const du = nu(x[i]) - u0;
      const dv = nv(y[i]) - v0;
      const len = Math.hypot(du, dv);
      if (len <= 0) continue;
      const theta = Math.atan2(dv, du);
      if (Number.isNaN(strokeFirst)) strokeFirst = theta;
      strokeLast = theta;
      const { lo, hi, wHi } = directionBins(theta);
      // Deposits every RESAMPLE_STEP of arc length, the first one `carry` past the last deposit,
      // so the points fall at the same arc lengths whatever the input's sampling.
      let t = RESAMPLE_STEP - carry;
      while (t <= len) {
        const u = u0 + (du * t) / len;
        const v = v0 + (dv * t) / len;
        // Along an upright or level segment one coordinate stays put: its weights are the last
        // deposit's, the same numbers, so they are not worked out again.
        if (u !== lastU) cellWeights(u * DIRECTION_GRID, DIRECTION_GRID, SPATIAL_SIGMA, wx);
        if (v !== lastV) cellWeights(v * DIRECTION_GRID, DIRECTION_GRID, SPATIAL_SIGMA, wy);
        lastU = u;
        lastV = v;
        const oLo = L.directions + lo * DIRECTION_GRID * DIRECTION_GRID;
        const oHi = L.directions + hi * DIRECTION_GRID * DIRECTION_GRID;
        for (let r = 0; r < DIRECTION_GRID; r++) {
          for (let c = 0; c < DIRECTION_GRID; c++) {
            const a = wy[r] * wx[c];
            out[oLo + r * DIRECTION_GRID + c] += a * (1 - wHi);
            out[oHi + r * DIRECTION_GRID + c] += a * wHi;
          }
        }
        t += RESAMPLE_STEP;
      }
      carry = len - (t - RESAMPLE_STEP);
    }
    if (s === 0) firstTheta = strokeFirst;
    if (!Number.isNaN(strokeLast)) lastTheta = strokeLast;
  }
  sqrtNormalise(out, L.directions, L.directions + DIR_SIZE, 1);

  // Pen-up moves: from each stroke's last point to the next stroke's first, one unit each,
  // placed at the move's midpoint.
  const cwx = new Float64Array(COARSE_GRID);
  const cwy = new Float64Array(COARSE_GRID);
  for (let s = 1; s < paths.length; s++) {
    const a = paths[s - 1];
    const b = paths[s];
    const u0 = nu(a.x[a.x.length - 1]);
    const v0 = nv(a.y[a.y.length - 1]);
    const u1 = nu(b.x[0]);
    const v1 = nv(b.y[0]);
    if (u0 === u1 && v0 === v1) continue;
    const { lo, hi, wHi } = directionBins(Math.atan2(v1 - v0, u1 - u0));
    const mu = (u0 + u1) / 2;
    const mv = (v0 + v1) / 2;
    depositPoint(
      out,
      L.penUps + lo * COARSE_CELLS,
      COARSE_GRID,
      COARSE_SIGMA,
      mu,
      mv,
      1 - wHi,
      cwx,
      cwy,
    );
    depositPoint(
      out,
      L.penUps + hi * COARSE_CELLS,
      COARSE_GRID,
      COARSE_SIGMA,
      mu,
      mv,
      wHi,
      cwx,
      cwy,
    );
  }
  sqrtNormalise(out, L.penUps, L.penUps + PENUP_SIZE, AUX_WEIGHT);

  const first = paths[0];
  const last = paths[paths.length - 1];
  depositPoint(
    out,
    L.start,
    COARSE_GRID,
    COARSE_SIGMA,
    nu(first.x[0]),
    nv(first.y[0]),
    AUX_WEIGHT,
    cwx,
    cwy,
  );
  depositPoint(
    out,
    L.end,
    COARSE_GRID,
    COARSE_SIGMA,
    nu(last.x[last.x.length - 1]),
    nv(last.y[last.y.length - 1]),
    AUX_WEIGHT,
    cwx,
    cwy,
  );
  for (const [theta, offset] of [
    [firstTheta, L.startDirection],
    [lastTheta, L.endDirection],
  ] as const) {
    if (Number.isNaN(theta)) continue;
    const { lo, hi, wHi } = directionBins(theta);
    out[offset + lo] += AUX_WEIGHT * (1 - wHi);
    out[offset + hi] += AUX_WEIGHT * wHi;
  }
  out[L.strokeCount + Math.min(paths.length, STROKE_COUNT_BINS) - 1] = AUX_WEIGHT;
  // log(w/h), clipped to the outer centres, on triangular bins one unit wide.
  const ratio = Math.log(
    Math.max(w, MIN_SIZE * side + 1e-12) / Math.max(h, MIN_SIZE * side + 1e-12),
  );
  const lr = Math.min(
    ASPECT_CENTRES[ASPECT_CENTRES.length - 1],
    Math.max(ASPECT_CENTRES[0], ratio),
  );
  for (let i = 0; i < ASPECT_CENTRES.length; i++) {
    out[L.aspect + i] = AUX_WEIGHT * Math.max(0, 1 - Math.abs(lr - ASPECT_CENTRES[i]));
  }
  return out;
}
