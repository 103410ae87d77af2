/**
 * The types the training pipeline (data/training.ts) shares with the readers it calls
 * (data/reader-cv.ts, data/junk-training.ts): its configuration, its events and the online
 * reader's rows (and `preprocessingOf`). Kept apart so that those modules and the pipeline do
 * not import each other.
 */
import type { Calibration, SourceScore } from '../core/combined.js';
import type { CvTable, Metrics, PreprocessOptions } from '../core/contracts.js';
import type { WarmStart } from '../core/cv.js';
import type { FeatureKind, Matrix, Scoring } from '../core/types.js';
import type { ParallelMode } from './parallel/cv.js';
import type { SyntheticSourceOptions } from './sources.js';

/** Everything a training run can be told (from a config file, flags, or the server's options). */
export interface TrainConfig {
  /**
   * Sources, each `NAME[@WEIGHT]`: `mnist`, `mnist-test`, `synthetic[:N]`, `samples[:PATH]`, or
   * paths in any supported format.
   */
  data: string[];
  /** Sample weight per source name (without `@`); a weight in `data` wins. Default 1. */
  weights: Record<string, number>;
  /** How the `synthetic` source is generated (seeded by `seed`). */
  synthetic: SyntheticSourceOptions;
  features: FeatureKind;
  deskew: boolean;
  downscaleTo: number;
  /** The most pixels a drawing's ink spans when rasterised, 0: no limit (core's `PreprocessOptions`). */
  rasterSide: number;
  /** A count (log-spaced 1e-4…1e4) or a list of C values. */
  Cs: number | number[];
  cv: number;
  /**
   * Require group-aware folds (a writer's or session's drawings in one fold). They are used
   * anyway whenever a real-drawing source has writers or sessions; this makes their absence an error.
   */
  groupCv: boolean;
  scoring: Scoring;
  /**
   * How the cross-validation uses the two threads: 'rows' splits each gradient's rows (folds in
   * turn), 'folds' runs whole folds at once, one per thread. Each gives the same model every run;
   * the two differ in the last bits of the kernel's sums, so their models differ slightly.
   */
  parallel: ParallelMode;
  seed: number;
  maxIter: number;
  tol: number;
  /**
   * L-BFGS correction pairs of every fit (core's `LogisticOptions.memory`). The training default
   * stays 10, the value the committed default model was trained with; core's LR-CV default is
   * larger (see docs/experiments.md, "L-BFGS iterations").
   */
  memory: number;
  /** Where the CV fits start (core's `WarmStart`); 'folds' needs parallel 'rows'. */
  warmStart: WarmStart;
  targetError: number;
  /** Held-out sets to evaluate the final model on. */
  eval: string[];
  out: string;
  createdAt: string;
  canvas: { size: number; brushWidth: number };
  /**
   * Train the online reader too, on the sources' drawings with a person's stroke order
   * (templates, real drawings, the app's samples; not re-stroked MNIST), and fuse it with the
   * image reader. Without such drawings the model has the image reader alone.
   */
  online: boolean;
  /** The online reader's C grid (a count or values), cross-validated on the image reader's folds. */
  onlineCs: number | number[];
  /**
   * The online reader's weight in the fusion, or 'cv': the weight of `FUSION_WEIGHTS` with the
   * best out-of-fold accuracy on the calibration rows.
   */
  fusionWeight: number | 'cv';
  /**
   * How the synthetic template drawings are dealt to the CV folds: 'style' holds whole template
   * styles out (each digit's styles dealt round-robin over the folds), so the out-of-fold rows that
   * choose the fusion weight and calibrate the confidence are read as a new writer's unfamiliar
   * style is; 'stratified' deals rows like MNIST's.
   */
  templateFolds: 'style' | 'stratified';
  /**
   * The fused redraw threshold is fitted on each writer's (or template style's) out-of-fold rows
   * alone, and this quantile of those thresholds taken (1: the strictest group's), so that it
   * holds writer by writer; a negative value fits one threshold on all rows pooled.
   */
  thresholdQuantile: number;
  /**
   * Generated non-digits (`core/synth/junk.ts`) to train the not-a-digit reader on against the
   * online reader's drawings; 0 trains none.
   */
  junk: number;
  /** The non-digit kinds generated for training (all by default). */
  junkKinds: string[];
  /** The largest share of out-of-fold digit drawings the not-a-digit threshold may reject. */
  junkTarget: number;
  /** Use only the first N items of each source (quick experiments and tests). */
  limit?: number;
}

/** What a training run reports as it goes. */
export type TrainingEvent =
  /** Units of work done in a phase; `label` names the bar (`features mnist`, `cross-validation`). */
  | {
      kind: 'progress';
      phase: 'generate' | 'features' | 'cross-validation';
      label: string;
      done: number;
      total: number;
      detail?: string;
    }
  /** Cross-validation finished: the CV table, and per-source scores when there are several. */
  | { kind: 'cv'; cv: CvTable; perSource?: SourceScore[]; weights: number[] }
  /** Temperature and threshold fitted on out-of-fold rows. */
  | { kind: 'calibrated'; calibration: Calibration; targetError: number }
  /** The model's metrics on one data set (`cv-out-of-fold` or an `eval` set). */
  | { kind: 'metrics'; name: string; metrics: Metrics };

/** The online reader's training set: every source's stroke rows, with their rows in the combined data. */
export interface OnlineData {
  X: Matrix;
  G: Matrix;
  /** Row of the combined data of each online row. */
  rows: Int32Array;
}

/** The preprocessing a configuration trains with, as its model file records it. */
export function preprocessingOf(
  config: Pick<TrainConfig, keyof PreprocessOptions>,
): PreprocessOptions {
  return {
    deskew: config.deskew,
    downscaleTo: config.downscaleTo,
    rasterSide: config.rasterSide,
  };
}
