/**
 * `<digit-pad>`: the Draw page's pad as a custom element for any page — one script tag and the
 * model file. It records strokes with the same `DrawingPad`, recognises them in the browser with
 * the same core code, and says what it read in a `digit` event — or, with `mode="number"`, reads
 * a whole number written digit by digit on a wide pad and says it in a `number` event, marking
 * only the digit it is unsure of (as the Draw page's number mode does, with the same code).
 *
 * ```html
 * <script src="digit-pad.js"></script>
 * <digit-pad model="digitrec-model.json" label="Draw the first digit"></digit-pad>
 * <digit-pad mode="number" length="4" label="Year of birth"></digit-pad>
 * <script>
 *   document.querySelector('digit-pad').addEventListener('digit', (e) => console.log(e.detail));
 * </script>
 * ```
 *
 * Attributes: `model` (the model file's URL; default `digitrec-model.json` beside this script),
 * `label` (the accessible name; default "Draw a digit" or "Write a number"), `pause` (ms after a
 * pen-up before the verdict; default 400), `mode` (`digit` or `number`), and the number's hints
 * `length`, `min`, `max`, `digits-only` (see `pad-attributes.ts`; a bad value is reported in the
 * console and an `error` event, and left out). Styling: the CSS custom properties in `STYLE` and
 * the parts `frame`, `canvas`, `hint`, `toolbar`, `button`, `undo`, `clear`, `result`, and in
 * number mode `marks`, `mark`, `mark-unsure`, `digits`, `digit`, `digit-unsure`, `digit-value`,
 * `digit-confidence`, `digit-choices`, `pick`, `redraw`.
 */

import { LIMITS, NUMBER_PAD_ASPECT } from '../contracts/limits.js';
import type { ModelFile, Recognition, Recognizer, Verdict } from '../core/contracts.js';
import { parseModelText } from '../core/model-file.js';
import {
  fitsHints,
  type NumberAlternative,
  type NumberHints,
  type NumberReading,
  recognizeNumber,
} from '../core/number.js';
import { createRecognizer } from '../core/recognizer.js';
import type { Drawing } from '../core/types.js';
import { renderDigits, renderMarks } from './number-view.js';
import { type NumberWords, numberWords } from './number-words.js';
import { DrawingPad, type PadChange } from './pad.js';
import {
  type AttributeProblem,
  DEFAULT_PAUSE_MS,
  type PadMode,
  type PadSettings,
  readPadAttributes,
  SETTING_ATTRIBUTES,
} from './pad-attributes.js';
import { statusWords } from './present.js';

export { DEFAULT_PAUSE_MS };

/** The element's tag. */
export const TAG = 'digit-pad';

/** The model file looked for beside the script when the element has no `model` attribute. */
export const DEFAULT_MODEL_FILE = 'digitrec-model.json';

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

/** One digit of a `number` event. */
export interface NumberEventDigit {
  /** The digit (the person's pick, when they picked it). */
  digit: number;
  /** P(its strokes are one digit) × P(this digit); 1 when picked. */
  confidence: number;
  /** Marked on the pad: redraw it or pick it. */
  unsure: boolean;
  /** Picked by the person from `choices`. */
  picked: boolean;
  /** Its likeliest digits, most probable first (at most 3). */
  choices: number[];
  /** Its strokes: indices into `drawing.strokes`. */
  strokes: number[];
}

/** The detail of a `number` event: the whole number read, as the Draw page's number mode has it. */
export interface NumberEventDetail {
  /** The number as written, leading zeros kept ("" when the pad is empty or nothing fits the hints). */
  number: string;
  /** The model's probability of `number` (0 when empty or not among the alternatives). */
  confidence: number;
  /** Every digit sure (or picked) and the number within the hints. */
  accepted: boolean;
  empty: boolean;
  digits: NumberEventDigit[];
  /** The most probable whole numbers as read, most probable first. */
  alternatives: NumberAlternative[];
  /** Why no number fits the hints, when none does; else null. */
  problem: string | null;
  /** The hints it was read with (from the attributes). */
  hints: NumberHints;
  /** The strokes read, in the wide pad's coordinates (`NUMBER_PAD_ASPECT` × the model's canvas). */
  drawing: Drawing;
  /** The id of the model that read it. */
  model: string;
}

/**
 * The shadow root's style. Custom properties (set them on `digit-pad` or any ancestor):
 * `--digit-pad-size` (the pad's side, default min(280px, 100%); in number mode its height, the
 * pad 2.5 times as wide), `--digit-pad-ink`, `--digit-pad-paper`, `--digit-pad-border`,
 * `--digit-pad-radius`, `--digit-pad-accent`, `--digit-pad-muted`, `--digit-pad-warn` (the unsure
 * digit's mark), `--digit-pad-font`.
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
:host([data-mode='number']) { width: calc(2.5 * var(--digit-pad-size, 280px)); }
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
:host([data-mode='number']) canvas { aspect-ratio: 5 / 2; }
.marks {
  position: absolute;
  inset: 0;
  pointer-events: none;
}
.number-mark {
  position: absolute;
  box-sizing: border-box;
  border: 2px solid transparent;
  border-radius: var(--digit-pad-radius, 10px);
}
.number-mark.unsure {
  border-color: var(--digit-pad-warn, #9a6700);
  background: color-mix(in srgb, var(--digit-pad-warn, #9a6700) 12%, transparent);
}
.result[data-state='unsure'] { color: var(--digit-pad-warn, #9a6700); }
.digits {
  display: flex;
  flex-wrap: wrap;
  align-items: flex-start;
  gap: 0.5rem;
  margin: 0.5rem 0 0;
  padding: 0;
  list-style: none;
}
.digits:empty { display: none; }
.number-digit {
  display: grid;
  justify-items: center;
  gap: 0.2rem;
  min-width: 3rem;
  padding: 0.35rem 0.45rem;
  border: var(--digit-pad-border, 1px solid #c9ced6);
  border-radius: var(--digit-pad-radius, 10px);
}
.number-digit.unsure { border: 2px solid var(--digit-pad-warn, #9a6700); }
.number-digit-value { font-size: 1.6em; font-weight: 700; line-height: 1; }
.number-digit-confidence { color: var(--digit-pad-muted, #8a929c); font-size: 0.8em; }
.number-digit.picked .number-digit-confidence { color: var(--digit-pad-accent, #1f6feb); }
.number-digit-choices {
  display: flex;
  flex-wrap: wrap;
  justify-content: center;
  gap: 0.25rem;
}
.number-digit-choices button {
  flex: none;
  min-width: 44px;
  padding: 0 0.5rem;
}
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

/** `<digit-pad>`: draw a digit, get a `digit` event; or write a number, get a `number` event. */
export class DigitPadElement extends HTMLElement {
  static observedAttributes = ['model', 'label', ...SETTING_ATTRIBUTES];
  readonly #root: ShadowRoot;
  #canvas: HTMLCanvasElement;
  readonly #marks: HTMLElement;
  readonly #hint: HTMLElement;
  readonly #undo: HTMLButtonElement;
  readonly #clear: HTMLButtonElement;
  readonly #result: HTMLOutputElement;
  readonly #digits: HTMLOListElement;
  #pad: DrawingPad | null = null;
  /** The mode the current pad was made for. */
  #padMode: PadMode | null = null;
  #model: ModelFile | null = null;
  #recognizer: Recognizer | null = null;
  #settings: PadSettings;
  #last: DigitEventDetail | NumberEventDetail | null = null;
  /** The number read last and the digits the person picked since (index → digit). */
  #reading: NumberReading | null = null;
  #picks = new Map<number, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #loading = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    // A constructed sheet: allowed by a CSP without 'unsafe-inline' styles, unlike <style>.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    this.#root.adoptedStyleSheets = [sheet];
    this.#settings = readPadAttributes((k) => this.getAttribute(k));
    const frame = this.#el('div', 'frame');
    this.#canvas = this.#newCanvas();
    this.#marks = this.#el('div', 'marks');
    this.#marks.setAttribute('aria-hidden', 'true');
    this.#hint = this.#el('p', 'hint');
    this.#hint.setAttribute('aria-hidden', 'true');
    frame.append(this.#canvas, this.#marks, this.#hint);
    const toolbar = this.#el('div', 'toolbar');
    this.#undo = this.#button('undo', 'Undo', 'Undo the last stroke (Ctrl+Z)');
    this.#clear = this.#button('clear', 'Clear', 'Clear the drawing (Esc or Delete)');
    toolbar.append(this.#undo, this.#clear);
    this.#result = this.#el('output', 'result');
    this.#result.setAttribute('role', 'status');
    this.#result.setAttribute('aria-live', 'polite');
    this.#result.setAttribute('aria-atomic', 'true');
    this.#result.textContent = 'Loading the model…';
    this.#digits = this.#el('ol', 'digits');
    this.#digits.setAttribute('aria-label', 'Each digit and how sure');
    this.#root.append(frame, toolbar, this.#result, this.#digits);
    this.#undo.addEventListener('click', () => this.undo());
    this.#clear.addEventListener('click', () => this.clear());
    this.#root.addEventListener('keydown', (e) => this.#key(e as KeyboardEvent));
    this.#texts();
  }

  #el<K extends keyof HTMLElementTagNameMap>(tag: K, part: string): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    el.className = part;
    el.setAttribute('part', part);
    return el;
  }

  #newCanvas(): HTMLCanvasElement {
    const canvas = this.#el('canvas', 'canvas');
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'img');
    return canvas;
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
    this.#modeChanged();
    if (!this.#model && this.#loading === 0) void this.#load();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'label') this.#label();
    else if (name === 'model') {
      if (old !== value && this.isConnected) void this.#load();
    } else if (old !== value) {
      this.#settings = readPadAttributes((k) => this.getAttribute(k));
      // Reported once the model is loaded (the page's listeners are there by then), else now.
      if (this.#model) {
        const related = name === 'min' || name === 'max' ? ['min', 'max'] : [name];
        this.#report(this.#settings.problems.filter((p) => related.includes(p.attribute)));
      }
      if (name === 'mode') this.#modeChanged();
      else if (name !== 'pause' && this.#settings.mode === 'number') this.#verdict();
    }
  }

  /** The model file's URL this pad reads with. */
  get modelUrl(): string {
    const attr = this.getAttribute('model');
    return new URL(
      attr ?? DEFAULT_MODEL_FILE,
      attr ? document.baseURI : (scriptUrl ?? document.baseURI),
    ).href;
  }

  /** What the pad reads: `digit` or `number` (from the `mode` attribute). */
  get mode(): PadMode {
    return this.#settings.mode;
  }

  /** The latest verdict (null before the first), as in the last `digit` or `number` event. */
  get value(): DigitEventDetail | NumberEventDetail | null {
    return this.#last;
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
    const fallback = this.#settings.mode === 'number' ? 'Write a number' : 'Draw a digit';
    const label = this.getAttribute('label') ?? fallback;
    this.#canvas.setAttribute(
      'aria-label',
      `${label}: drawing area. Escape clears, ${navigator.platform.includes('Mac') ? 'Command' : 'Control'}+Z undoes.`,
    );
  }

  /** Says each bad attribute in the console and in an `error` event (`detail.attribute`). */
  #report(problems: AttributeProblem[]): void {
    for (const { attribute, message } of problems) {
      console.error(message);
      this.dispatchEvent(new CustomEvent('error', { detail: { message, attribute } }));
    }
  }

  /** The hint and the accessible name of the mode. */
  #texts(): void {
    const number = this.#settings.mode === 'number';
    this.#hint.textContent = number
      ? 'Write a number here, digit after digit'
      : 'Draw a digit here';
    this.#label();
  }

  /**
   * The mode on the host (`data-mode`, which the style reads), its texts, and its pad once the
   * model is there (a new, empty pad when the mode changes). Not from the constructor: an element
   * may not set its own attributes there.
   */
  #modeChanged(): void {
    const number = this.#settings.mode === 'number';
    this.dataset.mode = this.#settings.mode;
    this.#texts();
    if (!this.#model || this.#padMode === this.#settings.mode) return;
    clearTimeout(this.#timer);
    if (this.#pad) {
      // A pad keeps its canvas for good (listeners, size observer): the new mode gets a new one.
      const fresh = this.#newCanvas();
      this.#canvas.replaceWith(fresh);
      this.#canvas = fresh;
      this.#label();
    }
    this.#padMode = this.#settings.mode;
    this.#pad = new DrawingPad(this.#canvas, this.#model.canvas, {
      onChange: (c) => this.#changed(c),
      maxPoints: LIMITS.points,
      maxStrokes: number ? LIMITS.numberStrokes : LIMITS.strokes,
      aspect: number ? NUMBER_PAD_ASPECT : 1,
    });
    this.#read();
  }

  async #load(): Promise<void> {
    const ticket = ++this.#loading;
    const url = this.modelUrl;
    this.dataset.state = 'loading';
    try {
      const { model, recognizer } = await loadModel(url);
      if (ticket !== this.#loading) return;
      const first = !this.#model;
      this.#model = model;
      this.#recognizer = recognizer;
      // The pad is made once per mode: its canvas spec is the first model's (models share the app's canvas).
      if (!this.#pad) this.#modeChanged();
      else this.#read();
      this.dataset.state = 'ready';
      if (first) this.#report(this.#settings.problems);
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
    const judge = () => this.#verdict();
    if (change === 'end') this.#timer = setTimeout(judge, this.#settings.pause);
    else judge();
  }

  /** Reads the drawing, shows it and says it in a `digit` or `number` event. */
  #verdict(): void {
    const detail = this.#read();
    if (!detail) return;
    const type = 'verdict' in detail ? 'digit' : 'number';
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Reads the drawing in the pad's mode and shows it (no event); the detail, or null. */
  #read(): DigitEventDetail | NumberEventDetail | null {
    const pad = this.#pad;
    const recognizer = this.#recognizer;
    if (!pad || !recognizer) return null;
    this.#result.removeAttribute('aria-busy');
    this.#hint.hidden = !pad.isEmpty;
    this.#undo.disabled = !pad.canUndo;
    this.#clear.disabled = pad.isEmpty;
    if (this.#padMode === 'number') {
      this.#picks = new Map();
      try {
        this.#reading = recognizeNumber(recognizer, pad.drawing, this.#settings.hints);
      } catch (err) {
        // Bounded work: a drawing over the number limits is refused before anything is read.
        this.#reading = null;
        this.#marks.replaceChildren();
        this.#digits.replaceChildren();
        this.#result.dataset.state = 'error';
        this.#result.textContent = err instanceof Error ? err.message : String(err);
        return null;
      }
      return this.#showNumber();
    }
    this.#reading = null;
    this.#marks.replaceChildren();
    this.#digits.replaceChildren();
    const r = recognizer.recognizeDrawing(pad.drawing);
    const words = statusWords(r, r.threshold);
    this.#result.dataset.state = words.state;
    this.#result.textContent = words.text;
    this.#last = this.#digitDetail(r, pad.drawing);
    return this.#last;
  }

  /** Shows the number read (with the picks): status, marks on the pad, the digit row. */
  #showNumber(): NumberEventDetail | null {
    const pad = this.#pad;
    const reading = this.#reading;
    if (!pad || !reading) return null;
    const words = numberWords(reading, this.#picks);
    this.#result.dataset.state = words.state;
    this.#result.textContent = words.text;
    const drawing = pad.drawing;
    renderMarks(this.#marks, reading, words, true, drawing);
    renderDigits(this.#digits, words, true, {
      pick: (i, digit) => {
        this.#picks.set(i, digit);
        const detail = this.#showNumber();
        if (detail)
          this.dispatchEvent(new CustomEvent('number', { detail, bubbles: true, composed: true }));
      },
      redraw: (i) => {
        this.#pad?.removeStrokes(this.#reading?.digits[i]?.strokes ?? []);
        this.#canvas.focus();
      },
    });
    this.#last = this.#numberDetail(reading, words, drawing);
    return this.#last;
  }

  #digitDetail(r: Recognition, drawing: Drawing): DigitEventDetail {
    return {
      digit: r.digit,
      confidence: r.confidence,
      probabilities: [...r.probabilities],
      verdict: r.verdict,
      accepted: r.accepted,
      top2: [...r.top2],
      notDigit: r.notDigit,
      drawing,
      model: this.#model?.id ?? '',
    };
  }

  #numberDetail(r: NumberReading, words: NumberWords, drawing: Drawing): NumberEventDetail {
    const picked = words.digits.some((d) => d.picked);
    const number = r.number === '' ? '' : words.number;
    const hints = { ...this.#settings.hints };
    return {
      number,
      confidence: picked
        ? (r.alternatives.find((a) => a.number === number)?.probability ?? 0)
        : r.confidence,
      accepted: words.state === 'sure' && (!picked || fitsHints(number, hints)),
      empty: r.empty,
      digits: words.digits.map((d, i) => ({
        digit: d.digit,
        confidence: d.confidence,
        unsure: d.unsure,
        picked: d.picked,
        choices: [...d.choices],
        strokes: [...r.digits[i].strokes],
      })),
      alternatives: r.alternatives.map((a) => ({ ...a })),
      problem: r.problem ?? null,
      hints,
      drawing,
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
    number: CustomEvent<NumberEventDetail>;
  }
}
