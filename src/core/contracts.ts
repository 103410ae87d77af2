/**
 * Interfaces between the parts of digitrec that are built in parallel: the preprocessing options a
 * model records, the model file, and what recognising one drawing returns. Implementations live in
 * `preprocess.ts`, `model-file.ts` and `recognizer.ts`.
 */
import type { FeatureKind, GrayImage, Scoring } from './types.js';

/** How a raw image becomes the canonical 28×28 image. Recorded in every model file. */
export interface PreprocessOptions {
  /** Straighten slanted digits by image moments before features. */
  deskew: boolean;
  /**
   * Side of the image the input is first reduced to by area averaging before cropping
   * (e.g. 28: canonicalise from a 28×28 downscale of the canvas); 0 means crop at full size.
   */
  downscaleTo: number;
  /**
   * Drawings are rasterised at a lower resolution than their canvas's when their ink (points
   * plus brush) would span more than this many pixels, so that it spans this many; 0 always
   * draws at the canvas's resolution. Images are unaffected. A model file written without it was
   * trained at 0, and reads so.
   */
  rasterSide: number;
}

/** The canvas the model expects drawings from, so the page's brush matches training. */
export interface CanvasSpec {
  /** Side of the square drawing canvas in CSS pixels. */
  size: number;
  /** Brush diameter in canvas pixels. */
  brushWidth: number;
}

/** The cross-validation table kept in a model file. */
export interface CvTable {
  Cs: number[];
  scoring: Scoring;
  /** 'stratified' or 'group' folds. */
  foldKind: 'stratified' | 'group';
  nFolds: number;
  /** scores[fold][c]: the validation score of fold `fold` at `Cs[c]`. */
  scores: number[][];
  /** Mean over folds for each C. */
  meanScores: number[];
  bestC: number;
}

/** Everything `evaluate` reports about predictions on one labelled data set. */
export interface Metrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: { label: number; precision: number; recall: number; f1: number; support: number }[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  logLoss: number;
  /** Expected calibration error over 15 equal-width confidence bins. */
  ece: number;
  /** The confidence threshold the rates below were computed at. */
  threshold: number;
  /** Fraction of predictions below the threshold (asked to redraw). */
  redrawRate: number;
  /** Accuracy on the predictions at or above the threshold (NaN when none are). */
  acceptedAccuracy: number;
}

/** Where training data came from, for the model file's provenance. */
export interface DataSourceSummary {
  name: string;
  count: number;
  /** Hex digest of the source's pixels and labels. */
  hash: string;
  weight: number;
}

/** What recognising one drawing or image returns. */
export interface Recognition {
  /** True when the input had no ink; then nothing below is a prediction. */
  empty: boolean;
  /** The most probable digit (-1 when empty). */
  digit: number;
  /** Its calibrated probability (0 when empty). */
  confidence: number;
  /** Calibrated probabilities of the digits 0–9 (all 0 when empty). */
  probabilities: number[];
  /** The verdict is `digit`: confidence ≥ `threshold` and not called a non-digit. */
  accepted: boolean;
  /**
   * What the answer is: an accepted `digit`; `unsure` between digits (confidence below the
   * threshold: the app asks for a redraw); `not-a-digit` (the not-a-digit reader's probability
   * reached its threshold); or `empty` (no ink).
   */
  verdict: Verdict;
  /**
   * P(not a digit) from the not-a-digit reader, when the model has one and the input had strokes
   * (1 when the drawing's geometry is outside the digits'; null for plain images and models
   * without the reader).
   */
  notDigit: number | null;
  /**
   * The threshold the answer was judged at: the fused readers' for a drawing read by both, the
   * image reader's otherwise.
   */
  threshold: number;
  /** The two most likely digits, most likely first. */
  top2: [number, number];
  /** The canonical 28×28 image the model saw. */
  canonical: GrayImage;
  /**
   * Each reader's own answer, when the model has an online reader and the input had strokes
   * (`online` is null for plain images, which only the image reader can read).
   */
  readers?: { image: ReaderAnswer; online: ReaderAnswer | null };
  /** Both readers name the same digit (true when only the image reader read the input). */
  agree?: boolean;
}

/** The four answers a recognition can give. */
export const VERDICTS = ['digit', 'unsure', 'not-a-digit', 'empty'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One reader's most probable digit and its probability (the reader's own softmax). */
export interface ReaderAnswer {
  digit: number;
  confidence: number;
}

export type { FeatureKind };

/** Name and version every model file carries; the loader rejects anything else. */
export const MODEL_FORMAT = 'digitrec-model';
export const MODEL_FORMAT_VERSION = 2;
/** Versions the loader reads: v1 files hold the image reader alone. */
export const MODEL_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** The feature set of the online reader (`trajectory.ts`). */
export const ONLINE_FEATURES = 'trajectory';

/**
 * The online reader: logistic regression on the strokes' trajectory features (direction of travel,
 * pen-up moves, start and end, stroke count), trained on drawings with a person's stroke order.
 */
export interface OnlineReader {
  features: typeof ONLINE_FEATURES;
  nFeatures: number;
  /** weights[class][feature], classes as the model's. */
  weights: number[][];
  intercepts: number[];
  C: number;
  cv: CvTable;
}

/**
 * How the two readers' logits are fused for a drawing with strokes: fused = image logits +
 * `onlineWeight` × online logits (a weighted product of the two readers' probabilities), divided
 * by `temperature` before the softmax; below `threshold` the answer asks for a redraw.
 */
export interface Fusion {
  onlineWeight: number;
  /** How the weight was set: from the training config, or by cross-validation on out-of-fold rows. */
  weightFrom: 'config' | 'cv';
  temperature: number;
  threshold: number;
  /** How many out-of-fold rows calibrated it, and of which kind. */
  calibration: { n: number; kind: string };
}

/** The feature set of the not-a-digit reader (`junk.ts`): image features, trajectory, geometry. */
export const JUNK_FEATURES = 'image+trajectory+geometry-3';

/**
 * The not-a-digit reader: binary logistic regression (class 0 digit, class 1 not a digit) on the
 * image reader's features, the trajectory and the drawing's geometry, trained on the drawings with
 * a person's stroke order against generated non-digits. A drawing with P(not a digit) ≥
 * `threshold` is answered "not a digit".
 */
export interface JunkReader {
  features: typeof JUNK_FEATURES;
  nFeatures: number;
  /** weights[class][feature], class 0 digit, class 1 not a digit. */
  weights: number[][];
  intercepts: number[];
  C: number;
  cv: CvTable;
  threshold: number;
  /** The largest share of digit drawings the threshold may call non-digits (fitted on out-of-fold rows). */
  target: number;
  /** The non-digit kinds it was trained on. */
  kinds: string[];
  /**
   * Where the training digits' geometry lies (`junk.ts`): a drawing outside it is not a digit
   * whatever the regression says.
   */
  geometryRange: { low: (number | null)[]; high: (number | null)[] };
  /** How it did out of fold at its threshold, whole non-digit kinds held out of each fold. */
  outOfFold: JunkOutOfFold;
}

/** Out-of-fold figures of the not-a-digit reader at its threshold. */
export interface JunkOutOfFold {
  /** Share of digit drawings (out of fold) called non-digits. */
  digitsRejected: number;
  /** Share of non-digits (of kinds held out of their fold's training) not called non-digits. */
  nonDigitsPassed: number;
  /** The same per held-out kind. */
  passedByKind: Record<string, number>;
  n: { digits: number; nonDigits: number };
}

/** A trained model as stored in a JSON model file (`models/default.json`). */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: 1 | 2;
  /** Content hash of weights and preprocessing: the model version shown to users. */
  id: string;
  /** ISO date given by the training configuration (not the wall clock, so retraining reproduces the file bit for bit). */
  createdAt: string;
  features: FeatureKind;
  preprocessing: PreprocessOptions;
  canvas: CanvasSpec;
  classes: number[];
  nFeatures: number;
  /** weights[class][feature]. */
  weights: number[][];
  intercepts: number[];
  /** The image reader's logits are divided by this before the softmax (temperature scaling). */
  temperature: number;
  /** Image-reader predictions with calibrated confidence below this ask for a redraw. */
  threshold: number;
  /** The online reader (v2 files; absent in v1 files and models trained without drawings). */
  online?: OnlineReader;
  /** The fused readers' calibration, with `online`: drawings use it, plain images the above. */
  fusion?: Fusion;
  /** The not-a-digit reader (drawings only), with `online`; absent in older files. */
  junk?: JunkReader;
  /** The error rate on accepted predictions the threshold was chosen for. */
  targetError: number;
  C: number;
  cv: CvTable;
  /** Metrics by data set name, e.g. `{ "mnist-test": …, "cv-oof": … }`. */
  metrics: Record<string, Metrics>;
  training: {
    sources: DataSourceSummary[];
    n: number;
    /** Hex digest over all sources. */
    hash: string;
    seed: number;
  };
}

/** A model ready to recognise drawings (built by `createRecognizer` in `recognizer.ts`). */
export interface Recognizer {
  readonly model: ModelFile;
  /** Rasterises the strokes with the core rasteriser, then as `recognizeImage`. */
  recognizeDrawing(drawing: import('./types.js').Drawing): Recognition;
  /** Any grayscale image, any size, either polarity. */
  recognizeImage(image: GrayImage): Recognition;
}

/** What became of a finished job's candidate. */
export interface RetrainJobResult {
  version: number;
  modelId: string;
  status: 'serving' | 'candidate' | 'candidate-rejected' | 'retired';
  promoted: boolean;
  /** Why it was or was not promoted. */
  reason: string;
  /** The version serving when the job started. */
  comparedWith: number;
  heldOut: { n: number; candidateAccuracy: number; servingAccuracy: number } | null;
  seconds: number;
}

/** A retraining job as reported by `GET /api/admin/train` and the event stream. */
export interface RetrainJob {
  id: number;
  /** `cancelled`: stopped by an admin (nothing stored); `failed`: an error, in `error`. */
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  /** The current phase (`generate`, `features`, `cross-validation`, `evaluate`), its bar's label and counts. */
  phase: string | null;
  label: string | null;
  done: number;
  total: number;
  /** Seconds left in the current phase at its rate so far, or null before it can be estimated. */
  etaSeconds: number | null;
  elapsedSeconds: number;
  log: string[];
  error: string | null;
  result: RetrainJobResult | null;
}
