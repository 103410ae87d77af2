/**
 * The Draw page's handwriting memory: the person's confirmed and corrected drawings (this
 * session's feedback samples on the server) adapt the page's recognizer in the browser
 * (`Personaliser`, the core code `digitrec simulate` measures). "Forget my handwriting" keeps,
 * beside the session id in localStorage, the newest sample id forgotten: the samples stay on the
 * server as feedback, and the page adapts only to those after it.
 */
import type { SessionExamplesJson } from '../contracts/schemas.js';
import type { ModelFile, Recognizer } from '../core/contracts.js';
import { drawingFeatures, type ExampleKind, Personaliser } from '../core/personal.js';
import { createRecognizer } from '../core/recognizer.js';
import type { Drawing } from '../core/types.js';
import { api } from './api.js';

const FORGOT_KEY = 'digitrec.personal.forgotUpTo';

/** Most examples added between two pauses while a reload adapts to the session's examples. */
const RELOAD_BLOCK = 64;

function forgotUpTo(): number {
  try {
    const v = Number(localStorage.getItem(FORGOT_KEY));
    return Number.isSafeInteger(v) && v > 0 ? v : 0;
  } catch {
    return 0;
  }
}

/** The page's personal recognizer and the examples behind it. */
export class HandwritingMemory {
  readonly #model: ModelFile;
  readonly #session: string;
  readonly #personaliser: Personaliser | null;
  #recognizer: Recognizer;
  #readsWith: unknown;
  /** The newest sample id adapted to (what Forget forgets up to). */
  #newest = 0;
  /** The sample ids adapted to (a drawing saved while the session's examples load is not added twice). */
  readonly #ids = new Set<number>();

  constructor(model: ModelFile, sessionId: string) {
    this.#model = model;
    this.#session = sessionId;
    // A model without an online reader reads images only: nothing to adapt.
    this.#personaliser = model.online && model.fusion ? new Personaliser(model) : null;
    this.#recognizer = createRecognizer(model);
    this.#readsWith = this.#personaliser?.model;
  }

  /** The recognizer to read with: the personal model when in use, else the served one. */
  get recognizer(): Recognizer {
    const p = this.#personaliser;
    if (p && p.model !== this.#readsWith) {
      this.#readsWith = p.model;
      this.#recognizer = createRecognizer(this.#model, p.model);
    }
    return this.#recognizer;
  }

  /** How many examples, and whether the personal model is in use. */
  get status(): { examples: number; used: boolean } {
    const s = this.#personaliser?.status;
    return { examples: s?.examples ?? 0, used: s?.used ?? false };
  }

  /** Loads this session's examples from the server (those after the last Forget) and adapts. */
  async load(): Promise<void> {
    if (!this.#personaliser) return;
    const { examples } = await api<SessionExamplesJson>(
      `/api/sessions/${encodeURIComponent(this.#session)}/examples?after=${forgotUpTo()}`,
    );
    const rows = examples.flatMap((e) => {
      if (this.#ids.has(e.id)) return [];
      this.#ids.add(e.id);
      // Stored drawings come back with {x, y, t?} points, as the store keeps them.
      const f = drawingFeatures(this.#model, e.drawing as Drawing);
      this.#newest = Math.max(this.#newest, e.id);
      const kind: ExampleKind = e.predicted === e.label ? 'confirmed' : 'corrected';
      return f ? [{ label: e.label, kind, ...f }] : [];
    });
    // One fit a block of doubling size, as `addAll` does, but at most RELOAD_BLOCK examples a
    // block and a pause after each, so a long session's examples never hold the page for long.
    let at = 0;
    while (at < rows.length) {
      const size = Math.min(RELOAD_BLOCK, Math.max(1, this.#personaliser.status.examples));
      this.#personaliser.addAll(rows.slice(at, at + size));
      at += size;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /**
   * Adapts to one stored sample: the drawing, the digit the person gave, and whether they
   * confirmed a sure answer or corrected (or answered an unsure one).
   */
  add(sampleId: number, drawing: Drawing, label: number, kind: ExampleKind): void {
    if (!this.#personaliser) return;
    const f = drawingFeatures(this.#model, drawing);
    if (!f || this.#ids.has(sampleId)) return;
    this.#ids.add(sampleId);
    this.#newest = Math.max(this.#newest, sampleId);
    this.#personaliser.add({ label, kind, ...f });
  }

  /** Forgets every example: the served model again, now and after a reload. */
  forget(): void {
    try {
      localStorage.setItem(FORGOT_KEY, String(Math.max(this.#newest, forgotUpTo())));
    } catch {
      // Storage blocked: forgotten until the page is reloaded.
    }
    this.#personaliser?.clear();
    this.#ids.clear();
  }
}
