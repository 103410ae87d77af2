/**
 * `<digit-pad>`: the Draw page's pad as a custom element for any page — one script tag and the
 * model file. It records strokes with the same `DrawingPad`, recognises them in the browser with
 * the same core code, and says what it read in a `digit` event.
 *
 * ```html
 * <script src="digit-pad.js"></script>
 * <digit-pad model="digitrec-model.json" label="Draw the first digit"></digit-pad>
 * <script>
 *   document.querySelector('digit-pad').addEventListener('digit', (e) => console.log(e.detail));
 * </script>
 * ```
 *
 * Attributes: `model` (the model file's URL; default `digitrec-model.json` beside this script),
 * `label` (the accessible name; default "Draw a digit"), `pause` (ms after a pen-up before the
 * verdict; default 400). Styling: the CSS custom properties in `STYLE` and the parts `frame`,
 * `canvas`, `hint`, `toolbar`, `button`, `undo`, `clear`, `result`.
 */

import { LIMITS } from '../contracts/limits.js';
import type { ModelFile, Recognition, Recognizer, Verdict } from '../core/contracts.js';
import { parseModelText } from '../core/model-file.js';
import { createRecognizer } from '../core/recognizer.js';
import type { Drawing } from '../core/types.js';
import { DrawingPad, type PadChange } from './pad.js';
import { statusWords } from './present.js';

/** The element's tag. */
export const TAG = 'digit-pad';

/** The model file looked for beside the script when the element has no `model` attribute. */
export const DEFAULT_MODEL_FILE = 'digitrec-model.json';

/** Milliseconds after a pen-up before the verdict (a 4 or a 7 in two strokes is not judged between them). */
export const DEFAULT_PAUSE_MS = 400;

/** The detail of a `digit` event: the verdict on the drawing, as the Draw page has it. */
export interface DigitEventDetail {
  /** The most probable digit, or -1 when the pad is empty. */
  digit: number;
  /** Its calibrated probability (0 when empty). */
  confidence: number;
  /** Probabilities of the digits 0–9. */
  probabilities: number[];
  /** `digit` (accepted), `unsure` (ask for a redraw), `not-a-digit`, or `empty`. */
  verdict: Verdict;
  accepted: boolean;
  /** The two most likely digits. */
  top2: [number, number];
  /** P(not a digit), when the model has that reader. */
  notDigit: number | null;
  /** The strokes read, in the model's canvas coordinates. */
  drawing: Drawing;
  /** The id of the model that read it. */
  model: string;
}

/**
 * The shadow root's style. Custom properties (set them on `digit-pad` or any ancestor):
 * `--digit-pad-size` (the pad's side, default min(280px, 100%)), `--digit-pad-ink`,
 * `--digit-pad-paper`, `--digit-pad-border`, `--digit-pad-radius`, `--digit-pad-accent`,
 * `--digit-pad-muted`, `--digit-pad-font`.
 */
const STYLE = `
:host {
  display: inline-block;
  width: var(--digit-pad-size, 280px);
  max-width: 100%;
  font: var(--digit-pad-font, 1rem system-ui, sans-serif);
  color: inherit;
  vertical-align: top;
}
:host([hidden]) { display: none; }
.frame {
  position: relative;
  border: var(--digit-pad-border, 1px solid #c9ced6);
  border-radius: var(--digit-pad-radius, 10px);
  overflow: hidden;
  background: var(--digit-pad-paper, #fff);
}
canvas {
  --pad-ink: var(--digit-pad-ink, #111);
  --pad-paper: var(--digit-pad-paper, #fff);
  display: block;
  width: 100%;
  aspect-ratio: 1;
  touch-action: none;
  user-select: none;
  -webkit-user-select: none;
  -webkit-touch-callout: none;
  cursor: crosshair;
}
canvas:focus-visible {
  outline: 3px solid var(--digit-pad-accent, #1f6feb);
  outline-offset: -3px;
}
.hint {
  position: absolute;
  inset: 0;
  display: grid;
  place-items: center;
  margin: 0;
  color: var(--digit-pad-muted, #8a929c);
  pointer-events: none;
}
.hint[hidden] { display: none; }
.toolbar {
  display: flex;
  gap: 0.5rem;
  margin-top: 0.5rem;
}
button {
  flex: 1;
  min-height: 44px;
  font: inherit;
  color: inherit;
  background: transparent;
  border: var(--digit-pad-border, 1px solid #c9ced6);
  border-radius: var(--digit-pad-radius, 10px);
  cursor: pointer;
}
button:focus-visible { outline: 3px solid var(--digit-pad-accent, #1f6feb); }
button:disabled { opacity: 0.5; cursor: default; }
.result {
  display: block;
  min-height: 1.5em;
  margin-top: 0.5rem;
}
.result[data-state='sure'] { color: var(--digit-pad-accent, #1f6feb); font-weight: 600; }
.result[data-state='error'] { color: #cf222e; }
`;

/** One fetch per model URL, shared by every pad of the page (and kept: offline once loaded). */
const models = new Map<string, Promise<{ model: ModelFile; recognizer: Recognizer }>>();

function loadModel(url: string): Promise<{ model: ModelFile; recognizer: Recognizer }> {
  let p = models.get(url);
  if (!p) {
    p = (async () => {
      const res = await fetch(url);
      if (!res.ok)
        throw new Error(`could not load the model ${url}: ${res.status} ${res.statusText}`);
      const model = parseModelText(await res.text(), url);
      return { model, recognizer: createRecognizer(model) };
    })();
    // A failed load is tried again by the next pad (or the next `model` change).
    p.catch(() => models.delete(url));
    models.set(url, p);
  }
  return p;
}

/** The script's own URL (for the default model beside it), read while the script runs. */
const scriptUrl =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement
    ? document.currentScript.src
    : undefined;

/** `<digit-pad>`: draw a digit, get a `digit` event. */
export class DigitPadElement extends HTMLElement {
  static observedAttributes = ['model', 'label'];
  readonly #root: ShadowRoot;
  readonly #canvas: HTMLCanvasElement;
  readonly #hint: HTMLElement;
  readonly #undo: HTMLButtonElement;
  readonly #clear: HTMLButtonElement;
  readonly #result: HTMLOutputElement;
  #pad: DrawingPad | null = null;
  #model: ModelFile | null = null;
  #recognizer: Recognizer | null = null;
  #last: Recognition | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #loading = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    // A constructed sheet: allowed by a CSP without 'unsafe-inline' styles, unlike <style>.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    this.#root.adoptedStyleSheets = [sheet];
    const frame = this.#el('div', 'frame');
    this.#canvas = this.#el('canvas', 'canvas');
    this.#canvas.tabIndex = 0;
    this.#canvas.setAttribute('role', 'img');
    this.#hint = this.#el('p', 'hint');
    this.#hint.setAttribute('aria-hidden', 'true');
    this.#hint.textContent = 'Draw a digit here';
    frame.append(this.#canvas, this.#hint);
    const toolbar = this.#el('div', 'toolbar');
    this.#undo = this.#button('undo', 'Undo', 'Undo the last stroke (Ctrl+Z)');
    this.#clear = this.#button('clear', 'Clear', 'Clear the drawing (Esc or Delete)');
    toolbar.append(this.#undo, this.#clear);
    this.#result = this.#el('output', 'result');
    this.#result.setAttribute('role', 'status');
    this.#result.setAttribute('aria-live', 'polite');
    this.#result.textContent = 'Loading the model…';
    this.#root.append(frame, toolbar, this.#result);
    this.#undo.addEventListener('click', () => this.undo());
    this.#clear.addEventListener('click', () => this.clear());
    this.#root.addEventListener('keydown', (e) => this.#key(e as KeyboardEvent));
    this.#label();
  }

  #el<K extends keyof HTMLElementTagNameMap>(tag: K, part: string): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    el.className = part;
    el.setAttribute('part', part);
    return el;
  }

  #button(part: string, text: string, title: string): HTMLButtonElement {
    const b = this.#el('button', `button ${part}`);
    b.className = part;
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.disabled = true;
    return b;
  }

  connectedCallback(): void {
    if (!this.#model && this.#loading === 0) void this.#load();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'label') this.#label();
    else if (name === 'model' && old !== value && this.isConnected) void this.#load();
  }

  /** The model file's URL this pad reads with. */
  get modelUrl(): string {
    const attr = this.getAttribute('model');
    return new URL(
      attr ?? DEFAULT_MODEL_FILE,
      attr ? document.baseURI : (scriptUrl ?? document.baseURI),
    ).href;
  }

  /** The latest verdict (null before the first), as in the last `digit` event. */
  get value(): DigitEventDetail | null {
    return this.#last && this.#model ? this.#detail(this.#last) : null;
  }

  /** The strokes drawn, in the model's canvas coordinates (null before the model is loaded). */
  get drawing(): Drawing | null {
    return this.#pad?.drawing ?? null;
  }

  /** Removes every stroke (Undo brings them back). */
  clear(): void {
    this.#pad?.clear();
  }

  /** Removes the last stroke, or brings back what Clear removed. */
  undo(): void {
    this.#pad?.undo();
  }

  #label(): void {
    const label = this.getAttribute('label') ?? 'Draw a digit';
    this.#canvas.setAttribute(
      'aria-label',
      `${label}: drawing area. Escape clears, ${navigator.platform.includes('Mac') ? 'Command' : 'Control'}+Z undoes.`,
    );
  }

  async #load(): Promise<void> {
    const ticket = ++this.#loading;
    const url = this.modelUrl;
    this.dataset.state = 'loading';
    try {
      const { model, recognizer } = await loadModel(url);
      if (ticket !== this.#loading) return;
      this.#model = model;
      this.#recognizer = recognizer;
      // The pad is made once: its canvas spec is the first model's (models share the app's canvas).
      this.#pad ??= new DrawingPad(this.#canvas, model.canvas, {
        onChange: (c) => this.#changed(c),
        maxPoints: LIMITS.points,
        maxStrokes: LIMITS.strokes,
      });
      this.dataset.state = 'ready';
      this.#show(this.#recognizer.recognizeDrawing(this.#pad.drawing));
      this.dispatchEvent(new CustomEvent('ready', { detail: { model: model.id } }));
    } catch (err) {
      if (ticket !== this.#loading) return;
      const message = err instanceof Error ? err.message : String(err);
      this.dataset.state = 'error';
      this.#result.dataset.state = 'error';
      this.#result.textContent = `The pad cannot read digits: ${message}`;
      this.dispatchEvent(new CustomEvent('error', { detail: { message } }));
    }
  }

  #key(e: KeyboardEvent): void {
    if (e.key === 'Escape' || e.key === 'Delete') {
      e.preventDefault();
      this.clear();
    } else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      this.undo();
    }
  }

  #changed(change: PadChange): void {
    clearTimeout(this.#timer);
    const pad = this.#pad;
    if (!pad) return;
    this.#hint.hidden = !pad.isEmpty || pad.isDrawing;
    this.#undo.disabled = !pad.canUndo;
    this.#clear.disabled = pad.isEmpty;
    if (change === 'start' || change === 'move') {
      this.#result.setAttribute('aria-busy', 'true');
      return;
    }
    const pause = Number(this.getAttribute('pause') ?? DEFAULT_PAUSE_MS);
    const judge = () => this.#verdict();
    if (change === 'end')
      this.#timer = setTimeout(judge, Number.isFinite(pause) ? pause : DEFAULT_PAUSE_MS);
    else judge();
  }

  #verdict(): void {
    if (!this.#pad || !this.#recognizer) return;
    const r = this.#recognizer.recognizeDrawing(this.#pad.drawing);
    this.#show(r);
    this.dispatchEvent(
      new CustomEvent<DigitEventDetail>('digit', {
        detail: this.#detail(r),
        bubbles: true,
        composed: true,
      }),
    );
  }

  #show(r: Recognition): void {
    this.#last = r;
    const words = statusWords(r, r.threshold);
    this.#result.removeAttribute('aria-busy');
    this.#result.dataset.state = words.state;
    this.#result.textContent = words.text;
    const pad = this.#pad;
    this.#hint.hidden = pad ? !pad.isEmpty : false;
    this.#undo.disabled = !pad?.canUndo;
    this.#clear.disabled = !pad || pad.isEmpty;
  }

  #detail(r: Recognition): DigitEventDetail {
    return {
      digit: r.digit,
      confidence: r.confidence,
      probabilities: [...r.probabilities],
      verdict: r.verdict,
      accepted: r.accepted,
      top2: [...r.top2],
      notDigit: r.notDigit,
      drawing: this.#pad?.drawing ?? { strokes: [], width: 0, height: 0, brushWidth: 0 },
      model: this.#model?.id ?? '',
    };
  }
}

if (typeof customElements !== 'undefined' && !customElements.get(TAG))
  customElements.define(TAG, DigitPadElement);

declare global {
  interface HTMLElementTagNameMap {
    'digit-pad': DigitPadElement;
  }
  interface HTMLElementEventMap {
    digit: CustomEvent<DigitEventDetail>;
  }
}
