/**
 * Calibration from out-of-fold predictions: temperature scaling of logits and the confidence
 * threshold below which a drawing is sent back for a redraw. Logits are n × k row-major
 * Float64Arrays; labels are column indices 0 … k−1.
 */
import { checkTypedArray } from './check.js';

/** Temperatures `fitTemperature` may return: the optimum is clamped to this range. */
export const TEMPERATURE_MIN = 0.01;
/** See `TEMPERATURE_MIN`. */
export const TEMPERATURE_MAX = 100;

function checkLogits(logits: Float64Array, labels: ArrayLike<number>, k: number): number {
  if (typeof k !== 'number') throw new TypeError(`k must be a number, got ${typeof k}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
  checkTypedArray('logits', logits, Float64Array);
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number')
    throw new TypeError(`labels must be an array of labels, got ${typeof labels}`);
  if (logits.length !== labels.length * k)
    throw new RangeError(
      `logits.length must be labels.length × k = ${labels.length * k}, got ${logits.length}`,
    );
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= k)
      throw new RangeError(`labels[${i}] must be an integer in [0, ${k}), got ${v}`);
  }
  for (let j = 0; j < logits.length; j++) {
    if (!Number.isFinite(logits[j]))
      throw new RangeError(`logits[${j}] must be finite, got ${logits[j]}`);
  }
  return labels.length;
}

/**
 * Mean over rows of d/dβ and d²/dβ² of the NLL of softmax(β·z): E_p[z] − z_y and Var_p[z].
 * The second is ≥ 0, so the NLL is convex in β = 1/T and has a single minimum.
 */
function nllDerivatives(
  logits: Float64Array,
  labels: ArrayLike<number>,
  k: number,
  beta: number,
): [number, number] {
  const n = labels.length;
  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let zMax = logits[off];
    for (let c = 1; c < k; c++) if (logits[off + c] > zMax) zMax = logits[off + c];
    let sum = 0;
    let mean = 0;
    let second = 0;
    for (let c = 0; c < k; c++) {
      // Logits centred on their maximum: exp cannot overflow and the variance loses no digits.
      const z = logits[off + c] - zMax;
      const e = Math.exp(beta * z);
      sum += e;
      mean += e * z;
      second += e * z * z;
    }
    mean /= sum;
    g += mean - (logits[off + labels[i]] - zMax);
    h += Math.max(0, second / sum - mean * mean);
  }
  return [g / n, h / n];
}

/**
 * The temperature T > 0 minimising the mean negative log-likelihood of softmax(logits / T) for
 * the given labels. Safeguarded Newton on β = 1/T, where the NLL is convex, falling back to
 * bisection in log β; deterministic. Clamped to [TEMPERATURE_MIN, TEMPERATURE_MAX] (e.g. when every
 * row is already right with a margin, the NLL keeps falling as T → 0). No rows: 1.
 */
export function fitTemperature(logits: Float64Array, labels: ArrayLike<number>, k: number): number {
  const n = checkLogits(logits, labels, k);
  if (n === 0) return 1;
  let lo = 1 / TEMPERATURE_MAX;
  let hi = 1 / TEMPERATURE_MIN;
  if (nllDerivatives(logits, labels, k, lo)[0] >= 0) return TEMPERATURE_MAX;
  if (nllDerivatives(logits, labels, k, hi)[0] <= 0) return TEMPERATURE_MIN;
  // Invariant: the derivative is < 0 at lo and > 0 at hi, so the minimum lies between.
  let beta = 1;
  for (let iter = 0; iter < 200; iter++) {
    const [g, h] = nllDerivatives(logits, labels, k, beta);
    if (g === 0) break;
    if (g < 0) lo = beta;
    else hi = beta;
    let next = beta - g / h;
    if (!(next > lo && next < hi)) next = Math.sqrt(lo * hi);
    const moved = Math.abs(next - beta);
    beta = next;
    if (moved <= 1e-13 * beta || hi - lo <= 1e-13 * lo) break;
  }
  return 1 / beta;
}

/** Softmax of each row of k logits divided by `temperature`, as a new array. */
export function softmaxRows(logits: Float64Array, k: number, temperature = 1): Float64Array {
  checkTypedArray('logits', logits, Float64Array);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
  if (logits.length % k !== 0)
    throw new RangeError(`logits.length must be a multiple of k = ${k}, got ${logits.length}`);
  if (typeof temperature !== 'number' || !(temperature > 0 && temperature < Infinity))
    throw new RangeError(`temperature must be finite and > 0, got ${temperature}`);
  const out = new Float64Array(logits.length);
  for (let off = 0; off < logits.length; off += k) {
    let zMax = logits[off];
    for (let c = 1; c < k; c++) if (logits[off + c] > zMax) zMax = logits[off + c];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((logits[off + c] - zMax) / temperature);
      out[off + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[off + c] /= sum;
  }
  return out;
}

/**
 * The lowest confidence threshold t such that, among predictions with confidence ≥ t, the error
 * rate is at most `targetError`. Candidates are the observed confidences, so the result is one of
 * them and at least the most confident prediction(s) are accepted. When no threshold attains the
 * target, it returns the threshold with the smallest error rate (the lowest of equals), never one
 * that rejects everything. `correct[i]` is 1 when prediction i is right, 0 otherwise.
 */
export function chooseThreshold(
  confidences: Float64Array,
  correct: Uint8Array,
  targetError = 0.01,
): number {
  checkTypedArray('confidences', confidences, Float64Array);
  checkTypedArray('correct', correct, Uint8Array);
  const n = confidences.length;
  if (correct.length !== n)
    throw new RangeError(
      `correct.length must equal confidences.length = ${n}, got ${correct.length}`,
    );
  if (n === 0) throw new RangeError('confidences must hold at least one prediction, got 0');
  if (typeof targetError !== 'number' || !(targetError >= 0 && targetError <= 1))
    throw new RangeError(`targetError must be a number in [0, 1], got ${targetError}`);
  for (let i = 0; i < n; i++) {
    if (!(confidences[i] >= 0 && confidences[i] <= 1))
      throw new RangeError(`confidences[${i}] must be in [0, 1], got ${confidences[i]}`);
    if (correct[i] > 1) throw new RangeError(`correct[${i}] must be 0 or 1, got ${correct[i]}`);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => confidences[b] - confidences[a] || a - b,
  );
  let accepted = 0;
  let errors = 0;
  let lowestMeeting = Number.NaN;
  let bestRate = Number.POSITIVE_INFINITY;
  let bestThreshold = Number.NaN;
  // Lower the threshold one distinct confidence at a time, accepting all rows tied at it.
  for (let t = 0; t < n; ) {
    const conf = confidences[order[t]];
    while (t < n && confidences[order[t]] === conf) {
      accepted++;
      if (!correct[order[t]]) errors++;
      t++;
    }
    if (errors <= targetError * accepted) lowestMeeting = conf;
    const rate = errors / accepted;
    if (rate <= bestRate) {
      bestRate = rate;
      bestThreshold = conf;
    }
  }
  return Number.isNaN(lowestMeeting) ? bestThreshold : lowestMeeting;
}

/**
 * A redraw threshold that holds group by group (writer by writer, or template style by style):
 * `chooseThreshold` on each group's rows alone (groups with at least `minRows`), then the
 * `quantile` of those thresholds (1: the strictest group's; 0.5: the median group's), linear
 * between order statistics. Falls back to the pooled threshold when no group is large enough.
 */
export function groupThreshold(
  confidences: Float64Array,
  correct: Uint8Array,
  groups: readonly string[],
  targetError: number,
  quantile: number,
  minRows = 50,
): { threshold: number; groupThresholds: number[] } {
  if (groups.length !== confidences.length)
    throw new RangeError(
      `groups.length must equal confidences.length = ${confidences.length}, got ${groups.length}`,
    );
  if (!(quantile >= 0 && quantile <= 1))
    throw new RangeError(`quantile must be in [0, 1], got ${quantile}`);
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const rows = byGroup.get(g) ?? [];
    rows.push(i);
    byGroup.set(g, rows);
  });
  const groupThresholds: number[] = [];
  for (const rows of byGroup.values()) {
    if (rows.length < minRows) continue;
    groupThresholds.push(
      chooseThreshold(
        Float64Array.from(rows, (r) => confidences[r]),
        Uint8Array.from(rows, (r) => correct[r]),
        targetError,
      ),
    );
  }
  if (groupThresholds.length === 0)
    return { threshold: chooseThreshold(confidences, correct, targetError), groupThresholds };
  groupThresholds.sort((a, b) => a - b);
  const at = quantile * (groupThresholds.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, groupThresholds.length - 1);
  const threshold = groupThresholds[lo] + (at - lo) * (groupThresholds[hi] - groupThresholds[lo]);
  return { threshold, groupThresholds };
}
