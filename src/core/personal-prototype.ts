/**
 * The other personal adaptation measured (`digitrec simulate --method prototype`): a memory of
 * the person's examples, whose nearest neighbours' labels are blended with the served model's
 * probabilities. A drawing's prototype vector is its image features and trajectory, each scaled to
 * unit length; similarity is their cosine. The blend is p = (1 − λ) p_served + λ q, q the
 * neighbours' labels weighted by exp((s − 1) / τ) and λ = `weight` · exp((s_max − 1) / τ): the
 * closer the nearest example, the more it counts. Guarded like the penalised model: the blend is
 * used only while, leaving each example out of the memory in turn, it reads them at least as
 * accurately as the served model.
 */
import type { PersonalExample } from './personal.js';

/** Options of `PrototypeMemory`. */
export interface PrototypeOptions {
  /** Neighbours that vote. Default 5. */
  neighbours?: number;
  /** Similarity scale τ. Default 0.05. */
  tau?: number;
  /** Largest share λ of the blend given to the neighbours. Default 0.7. */
  weight?: number;
  /** Whether the leave-one-out guard may turn the blend off. Default true. */
  guard?: boolean;
}

function unit(a: Float32Array): Float32Array {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * a[j];
  const f = s > 0 ? 1 / Math.sqrt(2 * s) : 0;
  return Float32Array.from(a, (v) => v * f);
}

/** A person's examples as prototypes; `blend` reads a drawing's probabilities through them. */
export class PrototypeMemory {
  readonly #neighbours: number;
  readonly #tau: number;
  readonly #weight: number;
  readonly #guard: boolean;
  #rows: { image: Float32Array; trajectory: Float32Array; label: number }[] = [];
  /** Each example's served probabilities (10 digits), for the guard. */
  #served: number[][] = [];
  /** Similarities between the examples: #sims[i][j], j < i. */
  #sims: number[][] = [];
  #used = false;

  constructor(options: PrototypeOptions = {}) {
    this.#neighbours = options.neighbours ?? 5;
    this.#tau = options.tau ?? 0.05;
    this.#weight = options.weight ?? 0.7;
    this.#guard = options.guard ?? true;
  }

  get used(): boolean {
    return this.#used;
  }

  get size(): number {
    return this.#rows.length;
  }

  clear(): void {
    this.#rows = [];
    this.#served = [];
    this.#sims = [];
    this.#used = false;
  }

  /** Adds an example with the served model's probabilities of it, and runs the guard. */
  add(e: PersonalExample, served: readonly number[]): void {
    const image = unit(e.image);
    const trajectory = unit(e.trajectory);
    this.#sims.push(this.#rows.map((_, i) => this.#similarity(i, image, trajectory)));
    this.#rows.push({ image, trajectory, label: e.label });
    this.#served.push([...served]);
    this.#used = !this.#guard || this.#looCheck();
  }

  #similarity(i: number, image: Float32Array, trajectory: Float32Array): number {
    const r = this.#rows[i];
    let s = 0;
    for (let j = 0; j < image.length; j++) s += r.image[j] * image[j];
    for (let j = 0; j < trajectory.length; j++) s += r.trajectory[j] * trajectory[j];
    return s;
  }

  #blendSims(p: readonly number[], sims: { s: number; label: number }[]): number[] {
    if (sims.length === 0) return [...p];
    sims.sort((a, b) => b.s - a.s);
    const q = new Array(p.length).fill(0);
    let total = 0;
    for (const { s, label } of sims.slice(0, this.#neighbours)) {
      const w = Math.exp((s - 1) / this.#tau);
      q[label] += w;
      total += w;
    }
    const lambda = this.#weight * Math.exp((sims[0].s - 1) / this.#tau);
    return p.map((v, c) => (1 - lambda) * v + (total > 0 ? (lambda * q[c]) / total : 0));
  }

  #looCheck(): boolean {
    let served = 0;
    let blended = 0;
    const argmax = (p: readonly number[]) => p.indexOf(Math.max(...p));
    for (let i = 0; i < this.#rows.length; i++) {
      const r = this.#rows[i];
      if (argmax(this.#served[i]) === r.label) served++;
      const sims: { s: number; label: number }[] = [];
      for (let j = 0; j < this.#rows.length; j++)
        if (j !== i)
          sims.push({ s: j < i ? this.#sims[i][j] : this.#sims[j][i], label: this.#rows[j].label });
      if (argmax(this.#blendSims(this.#served[i], sims)) === r.label) blended++;
    }
    return blended >= served;
  }

  /** The probabilities (10 digits) of a drawing read through the memory (the served ones when off). */
  blend(p: readonly number[], image: Float32Array, trajectory: Float32Array): number[] {
    if (!this.#used) return [...p];
    const u = unit(image);
    const t = unit(trajectory);
    return this.#blendSims(
      p,
      this.#rows.map((r, i) => ({ s: this.#similarity(i, u, t), label: r.label })),
    );
  }
}
