/**
 * It learns your handwriting: a personal adaptation of the served model from one person's
 * examples (drawings they confirmed or corrected).
 *
 * The personal model moves the readers a drawing is read by (the image and the online reader,
 * fused) toward the person's examples, penalised toward the served weights rather than toward
 * zero: it minimises C · Σᵢ sᵢ · logloss(softmax(zᵢ / T), yᵢ) + ½‖W − W₀‖² over both readers'
 * weights and the intercepts, where zᵢ = z_image + w · z_online are the fused logits and T the
 * fused temperature (the served calibration). The not-a-digit reader is never adapted.
 *
 * The penalty makes the optimum W − W₀ a combination of the examples' features (the representer
 * theorem): with φᵢ = [imageᵢ, w · trajectoryᵢ, 1], W − W₀ = Σᵢ aᵢ ⊗ φᵢ. So the fit runs over the
 * n × k coefficients instead of the k × 2,318 weights: with the Gram matrix K = L Lᵀ (Cholesky,
 * grown by one row per example) and a = L⁻ᵀ u, the logits' change is L u and the penalty ½‖u‖²,
 * i.e. a logistic objective on n features per row with offsets — a few L-BFGS iterations,
 * warm-started from the previous fit, at O(n²k) a step.
 *
 * The guard keeps the served calibration honest: every example is read, before it is added, by
 * the served model and by the personal model fitted without it (on the examples before it: a
 * leave-one-out in the order they came). The personal model is used only while it has read those
 * at least as accurately as the served model; its redraw threshold is the served one, raised
 * (never lowered) when it accepted more wrong answers than the served model did.
 */
import { type CalibratedModel, calibratedModelOf, linearLogits } from './calibrated-model.js';
import type { ModelFile } from './contracts.js';
import { extractFeatures } from './features.js';
import { minimizeLbfgs } from './lbfgs.js';
import { finishObjective } from './objective.js';
import { preprocessDrawing } from './preprocess.js';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from './trajectory.js';
import type { Drawing } from './types.js';

/** How an example came about: the person said "yes", or named another digit (or the model was unsure). */
export type ExampleKind = 'confirmed' | 'corrected';

/** One example of the person's hand: a drawing's features and the digit they said it is. */
export interface PersonalExample {
  /** The digit (one of the model's classes). */
  label: number;
  /** The image reader's features of the drawing. */
  image: Float32Array;
  /** The online reader's trajectory features. */
  trajectory: Float32Array;
  kind: ExampleKind;
}

/** Options of `Personaliser`. */
export interface PersonalOptions {
  /** C of C · Σ loss + ½‖W − W₀‖²: how far a few examples may move the served model. Default 1
   * (chosen by `digitrec simulate` on the development writers: 0.1, 0.3, 1, 3). */
  C?: number;
  /**
   * L-BFGS iterations per adaptation (warm-started from the previous fit). Default 10 (30 gave
   * the same answers on the development writers).
   */
  maxIter?: number;
  /** Most examples kept; beyond it the oldest are dropped. Default 500. */
  maxExamples?: number;
  /** Weight sᵢ of a corrected example (a confirmed one weighs 1). Default 1. */
  correctionWeight?: number;
  /** Whether the guard may turn the personal model off (false: always used; for measurement). Default true. */
  guard?: boolean;
}

/** The guard's tally: the examples as read before each was added. */
export interface PersonalCheck {
  /** Examples scored (each before it was added). */
  n: number;
  /** How many the served model read right (its most likely digit). */
  servedRight: number;
  /** How many the personal model, fitted without them, read right. */
  personalRight: number;
}

/** Where the adaptation stands. */
export interface PersonalStatus {
  examples: number;
  /** The personal model is in use (the guard passed and there is at least one example). */
  used: boolean;
  /** The redraw threshold in use (the served one, or higher). */
  threshold: number;
  check: PersonalCheck;
}

/** The image and trajectory features of a drawing as `model` reads it, or null when it has no ink. */
export function drawingFeatures(
  model: ModelFile,
  drawing: Drawing,
): { image: Float32Array; trajectory: Float32Array } | null {
  const { canonical, empty } = preprocessDrawing(drawing, model.preprocessing);
  if (empty) return null;
  return {
    image: extractFeatures(canonical, model.features),
    trajectory: trajectoryFeatures(drawing.strokes, new Float32Array(TRAJECTORY_LENGTH)),
  };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

/** Relative floor of a new Cholesky pivot: an example already in the span of the others adds ~nothing. */
const PIVOT_FLOOR = 1e-9;

interface Scored {
  servedRight: boolean;
  personalRight: boolean;
  servedWrongAccepted: boolean;
  /** The personal model's confidence when it was wrong (−1 when right). */
  personalWrongConfidence: number;
}

/**
 * A person's adaptation of one served model: add examples, read the current model (`model`:
 * the served one, or the personal one when the guard lets it), forget them all.
 */
export class Personaliser {
  readonly served: ModelFile;
  readonly #base: CalibratedModel;
  readonly #C: number;
  readonly #maxIter: number;
  readonly #maxExamples: number;
  readonly #correctionWeight: number;
  readonly #guard: boolean;
  readonly #k: number;
  readonly #w: number;
  readonly #T: number;
  #examples: PersonalExample[] = [];
  #scores: Scored[] = [];
  /** Served fused logits of each example, n × k. */
  #z0 = new Float64Array(0);
  /** Lower-triangular Cholesky factor of the Gram matrix, row i at i(i+1)/2. */
  #L = new Float64Array(0);
  /** The fit, n × k. */
  #u: Float64Array = new Float64Array(0);
  #personal: CalibratedModel;
  #threshold: number;
  #used = false;

  constructor(served: ModelFile, options: PersonalOptions = {}) {
    const base = calibratedModelOf(served);
    if (!base.online || !base.fusion)
      throw new RangeError('a personal model needs a model with an online reader (drawings)');
    this.served = served;
    this.#base = base;
    this.#C = options.C ?? 1;
    if (!(this.#C > 0)) throw new RangeError(`C must be > 0, got ${this.#C}`);
    this.#maxIter = options.maxIter ?? 10;
    this.#maxExamples = options.maxExamples ?? 500;
    if (!(Number.isInteger(this.#maxExamples) && this.#maxExamples >= 1))
      throw new RangeError(`maxExamples must be an integer ≥ 1, got ${this.#maxExamples}`);
    this.#correctionWeight = options.correctionWeight ?? 1;
    this.#guard = options.guard ?? true;
    this.#k = base.classes.length;
    this.#w = base.fusion.onlineWeight;
    this.#T = base.fusion.temperature;
    this.#personal = base;
    this.#threshold = base.fusion.threshold;
  }

  /** The model to read with: the personal one when in use, else the served one. */
  get model(): CalibratedModel {
    return this.#used ? this.#personal : this.#base;
  }

  /** The examples kept, oldest first. */
  get examples(): readonly PersonalExample[] {
    return this.#examples;
  }

  get status(): PersonalStatus {
    return {
      examples: this.#examples.length,
      used: this.#used,
      threshold: this.#used ? this.#threshold : (this.#base.fusion?.threshold ?? 0),
      check: this.#check(),
    };
  }

  #check(): PersonalCheck {
    let servedRight = 0;
    let personalRight = 0;
    for (const s of this.#scores) {
      if (s.servedRight) servedRight++;
      if (s.personalRight) personalRight++;
    }
    return { n: this.#scores.length, servedRight, personalRight };
  }

  /** Forgets every example: the served model again. */
  clear(): void {
    this.#examples = [];
    this.#scores = [];
    this.#z0 = new Float64Array(0);
    this.#L = new Float64Array(0);
    this.#u = new Float64Array(0);
    this.#personal = this.#base;
    this.#used = false;
    this.#threshold = this.#base.fusion?.threshold ?? 0;
  }

  /** The served and the current personal model's fused logits of one example (k each). */
  #logits(e: PersonalExample): { served: Float64Array; personal: Float64Array } {
    const read = (m: CalibratedModel) => {
      const k = this.#k;
      const img = new Float64Array(k);
      const on = new Float64Array(k);
      linearLogits(m.image.weights, m.image.intercepts, k, m.image.nFeatures, e.image, 0, img, 0);
      const online = m.online as NonNullable<CalibratedModel['online']>;
      linearLogits(online.weights, online.intercepts, k, online.nFeatures, e.trajectory, 0, on, 0);
      for (let c = 0; c < k; c++) img[c] += this.#w * on[c];
      return img;
    };
    const served = read(this.#base);
    return { served, personal: this.#personal === this.#base ? served : read(this.#personal) };
  }

  #column(label: number): number {
    const c = this.#base.classes.indexOf(label);
    if (c < 0)
      throw new RangeError(`label must be one of ${this.#base.classes.join(', ')}, got ${label}`);
    return c;
  }

  #checkExample(e: PersonalExample): void {
    if (e.image.length !== this.#base.image.nFeatures)
      throw new RangeError(
        `example has ${e.image.length} image features, the model reads ${this.#base.image.nFeatures}`,
      );
    if (e.trajectory.length !== TRAJECTORY_LENGTH)
      throw new RangeError(
        `example has ${e.trajectory.length} trajectory features, expected ${TRAJECTORY_LENGTH}`,
      );
    this.#column(e.label);
  }

  /** Adds one example (scored first by the guard), then fits again. */
  add(e: PersonalExample): PersonalStatus {
    return this.addAll([e]);
  }

  /**
   * Adds examples in order and fits. The guard scores each with the fit before it; a long list
   * (a session's examples after a reload) is added in blocks of doubling size, one fit a block,
   * so each example is still read by a model fitted without it, at log₂ n fits.
   */
  addAll(examples: readonly PersonalExample[]): PersonalStatus {
    for (const e of examples) this.#checkExample(e);
    let at = 0;
    while (at < examples.length) {
      const size = Math.max(1, this.#examples.length);
      const block = examples.slice(at, at + size);
      at += block.length;
      for (const e of block) this.#push(e);
      if (this.#examples.length > this.#maxExamples) {
        const drop = this.#examples.length - this.#maxExamples;
        this.#examples = this.#examples.slice(drop);
        this.#scores = this.#scores.slice(drop);
        this.#rebuild();
      }
      this.#fit();
    }
    return this.status;
  }

  /** Scores an example with the served and the current personal model, then appends it. */
  #push(e: PersonalExample): void {
    const y = this.#column(e.label);
    const { served, personal } = this.#logits(e);
    const threshold = this.#base.fusion?.threshold ?? 0;
    const top = (z: Float64Array) => {
      let best = 0;
      for (let c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
      let sum = 0;
      for (let c = 0; c < z.length; c++) sum += Math.exp((z[c] - z[best]) / this.#T);
      return { best, confidence: 1 / sum };
    };
    const s = top(served);
    const p = top(personal);
    this.#scores.push({
      servedRight: s.best === y,
      personalRight: p.best === y,
      servedWrongAccepted: s.best !== y && s.confidence >= threshold,
      personalWrongConfidence: p.best === y ? -1 : p.confidence,
    });
    this.#examples.push(e);
    this.#grow(e, served);
  }

  /** k(i, j) of the Gram matrix: φᵢ · φⱼ with φ = [image, w · trajectory, 1]. */
  #kernel(a: PersonalExample, b: PersonalExample): number {
    return dot(a.image, b.image) + this.#w * this.#w * dot(a.trajectory, b.trajectory) + 1;
  }

  /** Appends an example's row to the Cholesky factor, its served logits and a zero fit row. */
  #grow(e: PersonalExample, servedLogits: Float64Array): void {
    const n = this.#examples.length - 1;
    const k = this.#k;
    const L = new Float64Array(((n + 1) * (n + 2)) / 2);
    L.set(this.#L);
    const row = (n * (n + 1)) / 2;
    // Forward substitution: L₀ l = (k(xᵢ, x_new))ᵢ, then the pivot √(k(x, x) − ‖l‖²).
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let v = this.#kernel(this.#examples[i], e);
      const ri = (i * (i + 1)) / 2;
      for (let j = 0; j < i; j++) v -= L[ri + j] * L[row + j];
      v /= L[ri + i];
      L[row + i] = v;
      ll += v * v;
    }
    const kk = this.#kernel(e, e);
    L[row + n] = Math.sqrt(Math.max(kk - ll, PIVOT_FLOOR * kk));
    this.#L = L;
    const z0 = new Float64Array((n + 1) * k);
    z0.set(this.#z0);
    z0.set(servedLogits, n * k);
    this.#z0 = z0;
    const u = new Float64Array((n + 1) * k);
    u.set(this.#u);
    this.#u = u;
  }

  /** Rebuilds the factor and served logits from the kept examples (after dropping the oldest). */
  #rebuild(): void {
    const kept = this.#examples;
    this.#examples = [];
    this.#z0 = new Float64Array(0);
    this.#L = new Float64Array(0);
    this.#u = new Float64Array(0);
    for (const e of kept) {
      this.#examples.push(e);
      this.#grow(e, this.#logits(e).served);
    }
  }

  /** Minimises the objective over u (warm start), then builds the personal readers and the guard's verdict. */
  #fit(): void {
    const n = this.#examples.length;
    const k = this.#k;
    const L = this.#L;
    const z0 = this.#z0;
    const T = this.#T;
    const labels = Int32Array.from(this.#examples, (e) => this.#column(e.label));
    const weights = Float64Array.from(this.#examples, (e) =>
      e.kind === 'corrected' ? this.#correctionWeight : 1,
    );
    let swSum = 0;
    for (const s of weights) swSum += s;
    const z = new Float64Array(k);
    const fn = (u: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const ri = (i * (i + 1)) / 2;
        // Logits over the temperature: (z₀ + Σⱼ Lᵢⱼ uⱼ) / T.
        for (let c = 0; c < k; c++) z[c] = z0[i * k + c];
        for (let j = 0; j <= i; j++) {
          const l = L[ri + j];
          for (let c = 0; c < k; c++) z[c] += l * u[j * k + c];
        }
        let max = -Infinity;
        for (let c = 0; c < k; c++) {
          z[c] /= T;
          if (z[c] > max) max = z[c];
        }
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
        const y = labels[i];
        loss += weights[i] * (max + Math.log(sum) - z[y]);
        // d loss / d uⱼ = sᵢ (p − onehot(y)) / T · Lᵢⱼ.
        for (let c = 0; c < k; c++) {
          const r = (weights[i] * (Math.exp(z[c] - max) / sum - (c === y ? 1 : 0))) / T;
          for (let j = 0; j <= i; j++) grad[j * k + c] += r * L[ri + j];
        }
      }
      return finishObjective(loss, swSum, this.#C, u, grad, n * k, 0);
    };
    const result = minimizeLbfgs(fn, this.#u, { maxIter: this.#maxIter, gtol: 1e-6 });
    this.#u = result.x;
    const check = this.#check();
    this.#used = !this.#guard || check.personalRight >= check.servedRight;
    this.#threshold = this.#tightened();
    this.#personal = this.#materialise();
  }

  /**
   * The served threshold, raised just above the personal model's wrong answers' confidences when
   * (as the guard scored them) it would have accepted more wrong answers than the served model did.
   */
  #tightened(): number {
    const served = this.#base.fusion?.threshold ?? 0;
    let servedWrong = 0;
    const wrong: number[] = [];
    for (const s of this.#scores) {
      if (s.servedWrongAccepted) servedWrong++;
      if (s.personalWrongConfidence >= served) wrong.push(s.personalWrongConfidence);
    }
    if (wrong.length <= servedWrong) return served;
    wrong.sort((a, b) => b - a);
    return Math.min(1, wrong[servedWrong] + 1e-9);
  }

  /** W₀ + Σᵢ aᵢ ⊗ φᵢ with a = L⁻ᵀ u, as a calibrated model. */
  #materialise(): CalibratedModel {
    const n = this.#examples.length;
    const k = this.#k;
    const L = this.#L;
    const a = Float64Array.from(this.#u);
    // Back substitution: Lᵀ a = u.
    for (let i = n - 1; i >= 0; i--) {
      for (let c = 0; c < k; c++) {
        let v = a[i * k + c];
        for (let j = i + 1; j < n; j++) v -= L[(j * (j + 1)) / 2 + i] * a[j * k + c];
        a[i * k + c] = v / L[(i * (i + 1)) / 2 + i];
      }
    }
    const base = this.#base;
    const online = base.online as NonNullable<CalibratedModel['online']>;
    const dImg = base.image.nFeatures;
    const dOn = online.nFeatures;
    const Wi = Float64Array.from(base.image.weights);
    const bi = Float64Array.from(base.image.intercepts);
    const Wo = Float64Array.from(online.weights);
    for (let i = 0; i < n; i++) {
      const e = this.#examples[i];
      for (let c = 0; c < k; c++) {
        const ac = a[i * k + c];
        if (ac === 0) continue;
        bi[c] += ac;
        const oi = c * dImg;
        for (let j = 0; j < dImg; j++) Wi[oi + j] += ac * e.image[j];
        const oo = c * dOn;
        const aw = ac * this.#w;
        for (let j = 0; j < dOn; j++) Wo[oo + j] += aw * e.trajectory[j];
      }
    }
    const fusion = base.fusion as NonNullable<CalibratedModel['fusion']>;
    return Object.freeze({
      ...base,
      image: { ...base.image, weights: Wi, intercepts: bi },
      online: { ...online, weights: Wo },
      fusion: { ...fusion, threshold: this.#threshold },
    });
  }
}
