/**
 * The Draw page's number mode: a wide pad where several digits are written side by side, read
 * live in the browser by the core's `recognizeNumber`; the number, each digit's confidence, and
 * only the unsure digit marked — on the pad and in the digit row — with its likeliest digits to
 * pick, or a Redraw that removes just its strokes.
 */
import { LIMITS, NUMBER_PAD_ASPECT } from '../contracts/limits.js';
import type { ModelFile, Recognizer } from '../core/contracts.js';
import { type NumberReading, recognizeNumber } from '../core/number.js';
import { byId, SERVER_LIMITS } from './api.js';
import { renderDigits, renderMarks } from './number-view.js';
import { numberWords } from './number-words.js';
import { DrawingPad, type PadChange } from './pad.js';

/** How long after a pen-up the verdict waits for another stroke. */
const VERDICT_PAUSE_MS = 400;

/** Sets up the mode switch and the number pad (read by `recognizer()`, the page's current one). */
export function setupNumberMode(model: ModelFile, recognizer: () => Recognizer): void {
  const main = document.querySelector('main.draw') as HTMLElement;
  const digitButton = byId<HTMLButtonElement>('mode-digit');
  const numberButton = byId<HTMLButtonElement>('mode-number');
  const section = byId('number-mode');
  const canvas = byId<HTMLCanvasElement>('number-pad');
  const marks = byId('number-marks');
  const hint = byId('number-hint');
  const status = byId('number-status');
  const detail = byId('number-detail');
  const row = byId('number-digits');
  const undo = byId<HTMLButtonElement>('number-undo');
  const clear = byId<HTMLButtonElement>('number-clear');
  let pad: DrawingPad | null = null;
  let reading: NumberReading | null = null;
  let picks = new Map<number, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function setMode(number: boolean): void {
    main.dataset.mode = number ? 'number' : 'digit';
    section.hidden = !number;
    digitButton.setAttribute('aria-pressed', String(!number));
    numberButton.setAttribute('aria-pressed', String(number));
    if (number && !pad) {
      pad = new DrawingPad(canvas, model.canvas, {
        aspect: NUMBER_PAD_ASPECT,
        onChange,
        maxPoints: SERVER_LIMITS.points,
        maxStrokes: LIMITS.numberStrokes,
      });
      read(true);
    }
  }

  function read(final: boolean): void {
    if (!pad) return;
    picks = new Map();
    try {
      reading = recognizeNumber(recognizer(), pad.drawing);
    } catch (err) {
      reading = null;
      status.textContent = err instanceof Error ? err.message : String(err);
      return;
    }
    render(final);
  }

  function render(final: boolean): void {
    if (!pad || !reading) return;
    const w = numberWords(reading, picks, final);
    section.dataset.state = w.state;
    status.textContent = w.text;
    detail.textContent = w.detail;
    hint.hidden = !pad.isEmpty;
    undo.disabled = !pad.canUndo;
    clear.disabled = pad.isEmpty;
    renderMarks(marks, reading, w, final, pad.drawing);
    renderDigits(row, w, final, {
      pick(i, c) {
        picks.set(i, c);
        render(true);
      },
      redraw(i) {
        pad?.removeStrokes(reading?.digits[i]?.strokes ?? []);
        canvas.focus();
      },
    });
  }

  function onChange(change: PadChange): void {
    clearTimeout(timer);
    if (change === 'start' || change === 'move') {
      hint.hidden = true;
      section.dataset.state = 'live';
      return;
    }
    if (change === 'end') {
      timer = setTimeout(() => read(true), VERDICT_PAUSE_MS);
      return;
    }
    read(true);
  }

  digitButton.addEventListener('click', () => setMode(false));
  numberButton.addEventListener('click', () => setMode(true));
  undo.addEventListener('click', () => pad?.undo());
  clear.addEventListener('click', () => {
    pad?.clear();
    undo.focus();
  });
  setMode(new URLSearchParams(location.search).get('mode') === 'number');
}
