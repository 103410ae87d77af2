/**
 * The Draw page: draw a digit, see it recognised live in the browser by the core code and the
 * server's model, and confirm or correct the answer (stored as a `feedback` sample).
 */
import type { ModelFile, Recognition } from '../core/contracts.js';
import {
  ApiError,
  byId,
  fetchModel,
  isShortcutTarget,
  postSample,
  SERVER_LIMITS,
  sessionId,
  undoShortcut,
} from './api.js';
import { setupNumberMode } from './number-mode.js';
import { DrawingPad, type PadChange } from './pad.js';
import { HandwritingMemory } from './personal.js';
import {
  aDigit,
  confirmQuestion,
  formatConfidence,
  handwritingWords,
  liveWords,
  statusWords,
} from './present.js';
import { drawGray, renderBars } from './view.js';
import { showWhy } from './why-view.js';

const canvas = byId<HTMLCanvasElement>('pad');
const hint = byId('pad-hint');
const undoButton = byId<HTMLButtonElement>('undo');
const clearButton = byId<HTMLButtonElement>('clear');
const result = byId('result');
const main = result.parentElement as HTMLElement;
const status = byId('status');
const detail = byId('status-detail');
const bars = byId('bars');
const sees = byId<HTMLCanvasElement>('sees');
const feedback = byId('feedback');
const question = byId('feedback-question');
const confirmButton = byId<HTMLButtonElement>('confirm');
const feedbackOr = byId('feedback-or');
const picker = byId('digit-picker');
const saved = byId('saved');
const modelLine = byId('model-line');
const handwriting = byId('handwriting');
const handwritingLine = byId('handwriting-line');
const forgetButton = byId<HTMLButtonElement>('forget');
const whyButton = byId<HTMLButtonElement>('why');

const undoKey = undoShortcut();
undoButton.title = `Undo the last stroke (${undoKey})`;
clearButton.title = 'Clear the drawing (Esc or Delete)';
byId('shortcuts').textContent = `${undoKey} undo · Esc clear`;

let model: ModelFile;
let memory: HandwritingMemory;
let pad: DrawingPad;
let latest: Recognition | null = null;
let saving = false;

/**
 * How long after a pen-up the verdict waits for another stroke, so a 4 or a 7 drawn in two
 * strokes is not judged (and coloured, and offered for saving) between them.
 */
const VERDICT_PAUSE_MS = 400;
let verdictTimer: ReturnType<typeof setTimeout> | undefined;
/**
 * The digit picked once for a drawing the model calls not a digit: a second press of the same
 * digit saves it (with `confirmNotDigit`), anything else starts over.
 */
let pendingNotDigit: number | null = null;

/**
 * Shows a recognition: status (live region), detail, bars, the 28×28 view, and with `final` the
 * verdict and the feedback; without it, a muted guess while the drawing is in progress.
 */
function show(r: Recognition, final: boolean): void {
  latest = final ? r : null;
  pendingNotDigit = null;
  const w = final ? statusWords(r, r.threshold) : liveWords(r);
  result.dataset.state = w.state;
  main.dataset.state = w.state;
  if (w.digit) {
    const big = document.createElement('span');
    big.className = 'digit';
    big.textContent = w.digit;
    status.replaceChildren(big, document.createTextNode(w.rest));
  } else {
    status.textContent = w.text;
  }
  detail.textContent = w.detail;
  renderBars(bars, r.empty ? new Array(10).fill(0) : r.probabilities, {
    max: 1,
    highlight: r.empty ? undefined : r.digit,
  });
  drawGray(sees, r.canonical);
  hint.hidden = !pad.isEmpty;
  undoButton.disabled = !pad.canUndo;
  clearButton.disabled = pad.isEmpty;
  if (final) showFeedback(r);
  else feedback.hidden = true;
  if (final && whyButton.getAttribute('aria-pressed') === 'true')
    showWhy(byId<HTMLCanvasElement>('why-image'), byId('why-text'), model, pad.drawing, r);
}

/** The feedback box: confirm a sure answer, or pick the digit that was meant. */
function showFeedback(r: Recognition): void {
  feedback.hidden = r.empty;
  if (r.empty) return;
  if (r.verdict === 'not-a-digit') {
    question.textContent =
      pendingNotDigit === null
        ? 'If you did draw a digit, which one?'
        : `It doesn't look like a digit. Save it as ${aDigit(pendingNotDigit)} anyway? Press ${pendingNotDigit} again.`;
    confirmButton.hidden = true;
    feedbackOr.textContent = '';
  } else if (r.accepted) {
    question.textContent = confirmQuestion(r.digit);
    confirmButton.hidden = false;
    confirmButton.textContent = `Yes, it's ${r.digit}`;
    feedbackOr.textContent = 'or it was';
  } else {
    question.textContent = 'Which digit did you draw?';
    confirmButton.hidden = true;
    feedbackOr.textContent = '';
  }
  for (const b of picker.querySelectorAll('button')) b.disabled = saving;
  confirmButton.disabled = saving;
}

function recognise(final: boolean): void {
  if (!memory) return;
  show(memory.recognizer.recognizeDrawing(pad.drawing), final);
}

// While drawing, a muted guess at most once a frame; the verdict a pause after the last pen-up,
// or at once after Undo and Clear.
let frameRequested = false;
function onPadChange(change: PadChange): void {
  clearTimeout(verdictTimer);
  if (change === 'start') {
    saved.textContent = '';
    saved.classList.remove('error');
    status.setAttribute('aria-busy', 'true');
    feedback.hidden = true;
  }
  if (change === 'start' || change === 'move') {
    hint.hidden = true;
    if (!frameRequested) {
      frameRequested = true;
      requestAnimationFrame(() => {
        frameRequested = false;
        if (pad.isDrawing) recognise(false);
      });
    }
    return;
  }
  if (change === 'end') {
    recognise(false);
    verdictTimer = setTimeout(() => {
      status.setAttribute('aria-busy', 'false');
      recognise(true);
    }, VERDICT_PAUSE_MS);
    return;
  }
  status.setAttribute('aria-busy', 'false');
  recognise(true);
}

async function sendFeedback(label: number): Promise<void> {
  if (saving || pad.isEmpty || !latest || latest.empty) return;
  const notDigit = latest.verdict === 'not-a-digit';
  if (notDigit && pendingNotDigit !== label) {
    pendingNotDigit = label;
    showFeedback(latest);
    return;
  }
  pendingNotDigit = null;
  saving = true;
  const pressed =
    document.activeElement instanceof HTMLButtonElement ? document.activeElement : null;
  showFeedback(latest);
  saved.classList.remove('error');
  saved.textContent = 'Saving…';
  const drawing = pad.drawing;
  // A digit given while the model was unsure counts as a correction, like another digit.
  const kind = latest.accepted && label === latest.digit ? 'confirmed' : 'corrected';
  try {
    const sample = await postSample({
      label,
      drawing,
      source: 'feedback',
      sessionId: sessionId(),
      pointerType: pad.pointerType,
      ...(notDigit ? { confirmNotDigit: true } : {}),
    });
    saving = false;
    // A drawing stored as "not a digit" never adapts the model.
    if (!notDigit) {
      memory.add(sample.id, drawing, label, kind);
      showHandwriting();
    }
    pad.clear(false);
    saved.textContent = `Thank you — saved as ${aDigit(label)}. Draw another?`;
    // The button pressed is hidden now: the pad is where the next digit goes.
    canvas.focus();
  } catch (err) {
    saving = false;
    saved.classList.add('error');
    saved.textContent = `Not saved: ${err instanceof ApiError ? err.message : String(err)}`;
    if (latest) showFeedback(latest);
    pressed?.focus();
  }
}

/** The quiet line about the person's handwriting, and its Forget control. */
function showHandwriting(): void {
  const words = handwritingWords(memory.status);
  handwriting.hidden = words === '';
  handwritingLine.textContent = words;
}

function buildPicker(): void {
  picker.append(
    ...Array.from({ length: 10 }, (_, d) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = String(d);
      b.title = `It was ${aDigit(d)}`;
      b.addEventListener('click', () => void sendFeedback(d));
      return b;
    }),
  );
  confirmButton.addEventListener('click', () => {
    if (latest && !latest.empty) void sendFeedback(latest.digit);
  });
}

/** The "Why?" toggle: the explanation of the current answer, painted and in words. */
function bindWhy(): void {
  whyButton.addEventListener('click', () => {
    const on = whyButton.getAttribute('aria-pressed') !== 'true';
    whyButton.setAttribute('aria-pressed', String(on));
    byId('why-view').hidden = !on;
    if (on) recognise(true);
  });
}

function bindKeys(): void {
  undoButton.addEventListener('click', () => pad.undo());
  clearButton.addEventListener('click', () => {
    pad.clear();
    // Clear is disabled now; Undo (which brings the drawing back) takes the focus.
    undoButton.focus();
  });
  document.addEventListener('keydown', (e) => {
    if (!isShortcutTarget(e) || !pad) return;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      pad.undo();
    } else if (e.key === 'Escape' || e.key === 'Delete') {
      pad.clear();
    }
  });
}

async function start(): Promise<void> {
  try {
    model = await fetchModel();
  } catch (err) {
    result.dataset.state = 'error';
    status.textContent = `Could not load the model: ${err instanceof Error ? err.message : String(err)}. Reload the page to try again.`;
    return;
  }
  memory = new HandwritingMemory(model, sessionId());
  forgetButton.addEventListener('click', () => {
    memory.forget();
    showHandwriting();
    saved.classList.remove('error');
    saved.textContent = 'Forgotten: the standard model reads your drawings again.';
    if (!pad.isDrawing) recognise(true);
  });
  pad = new DrawingPad(canvas, model.canvas, {
    onChange: onPadChange,
    maxPoints: SERVER_LIMITS.points,
    maxStrokes: SERVER_LIMITS.strokes,
  });
  modelLine.textContent = `Model ${model.id}, running in your browser; it answers at ${formatConfidence(model.fusion?.threshold ?? model.threshold)} confidence or more.`;
  buildPicker();
  bindKeys();
  bindWhy();
  // Numbers are read by the page's recognizer as it is at the time: adapted to the person's hand.
  setupNumberMode(model, () => memory.recognizer);
  recognise(true);
  try {
    await memory.load();
  } catch (err) {
    handwriting.hidden = false;
    handwritingLine.textContent = `Could not load your handwriting: ${err instanceof Error ? err.message : String(err)}.`;
  }
  if (memory.status.examples > 0) {
    showHandwriting();
    if (!pad.isDrawing) recognise(true);
  }
  document.body.dataset.ready = 'true';
}

void start();
