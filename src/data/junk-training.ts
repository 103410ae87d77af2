/**
 * Training the not-a-digit reader: binary logistic regression (LogisticRegressionCV semantics)
 * on the online reader's drawings (class 0) against generated non-digits (class 1), each row the
 * image features, trajectory and geometry (`core/junk.ts`). The folds hold whole non-digit kinds
 * out, so each non-digit's out-of-fold probability is that of a kind the reader never saw; the
 * threshold is the lowest that calls at most `junkTarget` of the out-of-fold digits non-digits.
 */
import type { NotDigitReader } from '../core/calibrated-model.js';
import { notDigitProbabilities } from '../core/calibrated-model.js';
import type { CombinedData } from '../core/combined.js';
import type { JunkOutOfFold } from '../core/contracts.js';
import { trajectoryMatrix } from '../core/fusion.js';
import {
  fitGeometryRange,
  geometryMatrix,
  junkFeatureLength,
  junkFeatureRow,
  outsideRange,
} from '../core/junk.js';
import { generateJunkDrawings, type JunkKind } from '../core/synth/junk.js';
import type { Matrix } from '../core/types.js';
import { crossValidateReader } from './reader-cv.js';
import { featurizeData } from './sources.js';
import {
  type OnlineData,
  preprocessingOf,
  type TrainConfig,
  type TrainingEvent,
} from './training-config.js';

/** The lowest threshold t with at most `target` of `digitP` at or above it. */
export function rejectThreshold(digitP: Float64Array, target: number): number {
  const sorted = Float64Array.from(digitP).sort().reverse();
  const allowed = Math.floor(target * sorted.length);
  // Every value above sorted[allowed] may be rejected; t sits just above it.
  if (allowed >= sorted.length) return 0;
  const next = sorted[allowed];
  return Math.min(1, next + Math.max(1e-12, next * 1e-9));
}

/** Rows `at`… of `out`: each row's image features (row `imageRows[i]`, or i), trajectory and geometry. */
function stack(
  image: Matrix,
  imageRows: Int32Array | null,
  trajectory: Matrix,
  geometry: Matrix,
  out: Float32Array,
  at: number,
): void {
  const d = image.d + trajectory.d + geometry.d;
  for (let i = 0; i < trajectory.n; i++) {
    const r = imageRows ? imageRows[i] : i;
    junkFeatureRow(
      image.data.subarray(r * image.d, (r + 1) * image.d),
      trajectory.data.subarray(i * trajectory.d, (i + 1) * trajectory.d),
      geometry.data.subarray(i * geometry.d, (i + 1) * geometry.d),
      out.subarray((at + i) * d, (at + i + 1) * d),
    );
  }
}

/** Trains the not-a-digit reader (see the module comment); undefined when `config.junk` is 0. */
export function trainJunkReader(
  config: TrainConfig,
  combined: CombinedData,
  online: OnlineData,
  imageFolds: Int32Array,
  emit: (event: TrainingEvent) => void,
  log?: (line: string) => void,
): { reader: NotDigitReader; outOfFold: JunkOutOfFold } | undefined {
  if (config.junk <= 0) return undefined;
  const kinds = config.junkKinds as JunkKind[];
  emit({ kind: 'progress', phase: 'generate', label: 'non-digits', done: 0, total: config.junk });
  const junk = generateJunkDrawings({
    count: config.junk,
    seed: config.seed + 104_729,
    kinds,
    canvas: config.canvas.size,
  });
  emit({
    kind: 'progress',
    phase: 'generate',
    label: 'non-digits',
    done: config.junk,
    total: config.junk,
  });
  const fs = featurizeData(
    {
      kind: 'drawings',
      drawings: junk.map((j) => ({ id: j.id, label: 0, drawing: j.drawing })),
      source: 'non-digits',
    },
    config.features,
    preprocessingOf(config),
  );
  const kept = Array.from(fs.sourceIndex, (i) => junk[i]);
  const junkTraj = trajectoryMatrix(kept.map((j) => j.drawing.strokes));
  const junkGeo = geometryMatrix(kept.map((j) => j.drawing));
  const all = combined.data;
  const nDigits = online.rows.length;
  const nJunk = kept.length;
  const n = nDigits + nJunk;
  const d = junkFeatureLength(all.X.d);
  const X = new Float32Array(n * d);
  stack(all.X, online.rows, online.X, online.G, X, 0);
  stack(fs.X, null, junkTraj, junkGeo, X, nDigits);
  const y = new Uint8Array(n);
  y.fill(1, nDigits);
  // Digits keep the image reader's folds; non-digits are folded by kind, kinds dealt round-robin.
  let nFolds = 0;
  for (const f of imageFolds) nFolds = Math.max(nFolds, f + 1);
  if (nFolds < 2) nFolds = config.cv;
  const folds = new Int32Array(n);
  folds.set(imageFolds);
  kept.forEach((j, i) => {
    folds[nDigits + i] = kinds.indexOf(j.kind) % nFolds;
  });
  const cv = crossValidateReader(
    config,
    { n, d, data: X },
    y,
    { label: 'not-a-digit reader', classes: [0, 1], folds },
    emit,
  );
  const p = notDigitProbabilities(cv.oofLogits);
  // The geometric range first (fitted on the digits; a fold's digits would give nearly the same
  // quantiles), then the regression's threshold on the digits inside it, for the rest of the target.
  const geometryRange = fitGeometryRange(online.G, config.junkTarget / 10);
  const isOutside = (G: Matrix, i: number) =>
    outsideRange(G.data.subarray(i * G.d, (i + 1) * G.d), geometryRange) >= 0;
  const inside: number[] = [];
  for (let i = 0; i < nDigits; i++) if (!isOutside(online.G, i)) inside.push(p[i]);
  const byRange = (nDigits - inside.length) / nDigits;
  const threshold = rejectThreshold(
    Float64Array.from(inside),
    Math.max(0, (config.junkTarget - byRange) * (nDigits / Math.max(inside.length, 1))),
  );
  for (let i = 0; i < nDigits; i++) if (isOutside(online.G, i)) p[i] = 1;
  for (let i = 0; i < nJunk; i++) if (isOutside(junkGeo, i)) p[nDigits + i] = 1;
  let rejected = 0;
  for (let i = 0; i < nDigits; i++) if (p[i] >= threshold) rejected++;
  const passedByKind: Record<string, number> = {};
  const countByKind: Record<string, number> = {};
  let passed = 0;
  kept.forEach((j, i) => {
    countByKind[j.kind] = (countByKind[j.kind] ?? 0) + 1;
    if (p[nDigits + i] < threshold) {
      passed++;
      passedByKind[j.kind] = (passedByKind[j.kind] ?? 0) + 1;
    }
  });
  for (const k of Object.keys(countByKind))
    passedByKind[k] = (passedByKind[k] ?? 0) / countByKind[k];
  const outOfFold: JunkOutOfFold = {
    digitsRejected: rejected / nDigits,
    nonDigitsPassed: nJunk > 0 ? passed / nJunk : 0,
    passedByKind,
    n: { digits: nDigits, nonDigits: nJunk },
  };
  log?.(
    `not-a-digit reader: C ${cv.table.bestC} on ${nDigits} drawings and ${nJunk} non-digits; threshold ${threshold.toFixed(3)}: out of fold ${(100 * outOfFold.digitsRejected).toFixed(2)}% of digits rejected, ${(100 * outOfFold.nonDigitsPassed).toFixed(1)}% of held-out-kind non-digits passed (${Object.entries(
      passedByKind,
    )
      .map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`)
      .join(', ')})`,
  );
  return {
    reader: {
      nFeatures: d,
      weights: cv.model.weights,
      intercepts: cv.model.intercepts,
      C: cv.table.bestC,
      cv: cv.table,
      threshold,
      target: config.junkTarget,
      kinds: [...kinds],
      geometryRange,
      outOfFold,
    },
    outOfFold,
  };
}
