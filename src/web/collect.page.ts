/**
 * The Collect page: asks for the least-collected digit, saves the drawing with that label
 * (source `collect`, this browser's session id), and shows counts per digit and the session's
 * progress. Before saving it asks the server's model (the page holds none): a drawing read as
 * not a digit, or confidently as another digit than the one asked for, is saved only after the
 * person says "Save anyway".
 */
import {
  ApiError,
  api,
  byId,
  fetchCanvas,
  isShortcutTarget,
  postSample,
  predictDrawing,
  SERVER_LIMITS,
  type Stats,
  sessionId,
  undoShortcut,
} from './api.js';
import { DrawingPad } from './pad.js';
import { aDigit, collectDoubt, leastCollected, plural } from './present.js';
import { renderBars } from './view.js';

const canvas = byId<HTMLCanvasElement>('pad');
const hint = byId('pad-hint');
const ask = byId('ask');
const undoButton = byId<HTMLButtonElement>('undo');
const clearButton = byId<HTMLButtonElement>('clear');
const skipButton = byId<HTMLButtonElement>('skip');
const saveButton = byId<HTMLButtonElement>('save');
const saved = byId('saved');
const sessionLine = byId('session-line');
const progress = byId<HTMLProgressElement>('session-progress');
const counts = byId('counts');
const confirmBox = byId('confirm');
const confirmText = byId('confirm-text');
const confirmSave = byId<HTMLButtonElement>('confirm-save');
const confirmRedraw = byId<HTMLButtonElement>('confirm-redraw');

const session = sessionId();
const undoKey = undoShortcut();
undoButton.title = `Undo the last stroke (${undoKey})`;
clearButton.title = 'Clear the drawing (Esc or Delete)';
saveButton.title = 'Save this drawing (Enter)';
skipButton.title = 'Ask for another digit';

let pad: DrawingPad;
let asked = 0;
let overall: number[] = new Array(10).fill(0);
let saving = false;
/** Digits skipped since the last save, so Skip walks through the digits instead of bouncing. */
let skipped: number[] = [];
/** The doubt shown about the drawing on the pad, until it changes or is saved anyway. */
let doubt: { label: number; notDigit: boolean } | null = null;

function showDoubt(text: string | null): void {
  confirmBox.hidden = text === null;
  confirmText.textContent = text ?? '';
}

function setAsk(digit: number): void {
  asked = digit;
  const big = document.createElement('span');
  big.className = 'ask-digit';
  big.textContent = String(digit);
  ask.replaceChildren(document.createTextNode(`Please draw ${digit === 8 ? 'an' : 'a'} `), big);
  ask.dataset.digit = String(digit);
  hint.textContent = `Draw ${aDigit(digit)} here`;
  renderBars(counts, overall, { label: String, asked });
}

function updateButtons(): void {
  const empty = !pad || pad.isEmpty;
  undoButton.disabled = !pad?.canUndo || saving;
  clearButton.disabled = empty || saving;
  saveButton.disabled = empty || saving || doubt !== null;
  skipButton.disabled = saving;
  confirmSave.disabled = saving;
  confirmRedraw.disabled = saving;
  hint.hidden = !empty;
}

async function refresh(): Promise<void> {
  const [all, mine] = await Promise.all([
    api<Stats>('/api/stats'),
    api<Stats>(`/api/stats?session=${encodeURIComponent(session)}`),
  ]);
  overall = all.byLabel;
  const distinct = mine.byLabel.filter((n) => n > 0).length;
  progress.value = distinct;
  sessionLine.textContent =
    mine.total === 0
      ? 'No drawings yet. Each one you save helps the model.'
      : `You have drawn ${plural(mine.total, 'digit')}, ${distinct} of the 10 different ones. Thank you!`;
  skipped = [];
  setAsk(leastCollected(overall));
}

/**
 * Saves the drawing as the asked digit. Unless `anyway` (the person pressed "Save anyway"), the
 * server's model reads it first, and a drawing it calls not a digit or confidently another digit
 * is held back with a question instead.
 */
async function save(anyway = false): Promise<void> {
  if (saving || pad.isEmpty) return;
  if (doubt !== null && !anyway) return;
  saving = true;
  updateButtons();
  saved.classList.remove('error');
  const label = asked;
  try {
    if (!anyway) {
      saved.textContent = 'Checking…';
      const reading = await predictDrawing(pad.drawing);
      const question = collectDoubt(reading, label);
      if (question !== null) {
        doubt = { label, notDigit: reading.verdict === 'not-a-digit' };
        saving = false;
        saved.textContent = '';
        showDoubt(question);
        updateButtons();
        confirmSave.focus();
        return;
      }
    }
    saved.textContent = 'Saving…';
    await postSample({
      label,
      drawing: pad.drawing,
      source: 'collect',
      sessionId: session,
      pointerType: pad.pointerType,
      ...(anyway && doubt?.notDigit ? { confirmNotDigit: true } : {}),
    });
    saving = false;
    doubt = null;
    showDoubt(null);
    pad.clear(false);
    saved.textContent = `Saved your ${label}. Here is the next one.`;
    // Save is disabled now: the pad is where the next digit goes.
    canvas.focus();
    await refresh();
  } catch (err) {
    saving = false;
    saved.classList.add('error');
    saved.textContent = `Not saved: ${err instanceof ApiError ? err.message : String(err)}`;
  }
  updateButtons();
}

async function start(): Promise<void> {
  try {
    // The pad needs the model's canvas, not the model: Collect never recognises.
    pad = new DrawingPad(canvas, await fetchCanvas(), {
      onChange: (change) => {
        if (change === 'start') saved.textContent = '';
        // Any change to the drawing (a stroke, undo, clear) answers the question by redrawing.
        if (doubt !== null) {
          doubt = null;
          showDoubt(null);
        }
        updateButtons();
      },
      maxPoints: SERVER_LIMITS.points,
      maxStrokes: SERVER_LIMITS.strokes,
    });
    await refresh();
  } catch (err) {
    ask.textContent = 'Could not reach the server';
    saved.classList.add('error');
    saved.textContent = `${err instanceof Error ? err.message : String(err)}. Reload the page to try again.`;
    return;
  }
  updateButtons();
  undoButton.addEventListener('click', () => pad.undo());
  clearButton.addEventListener('click', () => {
    pad.clear();
    // Clear is disabled now; Undo (which brings the drawing back) takes the focus.
    undoButton.focus();
  });
  saveButton.addEventListener('click', () => void save());
  confirmSave.addEventListener('click', () => void save(true));
  confirmRedraw.addEventListener('click', () => {
    pad.clear(false);
    canvas.focus();
  });
  skipButton.addEventListener('click', () => {
    pad.clear(false);
    doubt = null;
    showDoubt(null);
    saved.textContent = '';
    skipped.push(asked);
    if (skipped.length >= 10) skipped = [asked];
    setAsk(leastCollected(overall, skipped));
  });
  document.addEventListener('keydown', (e) => {
    if (!isShortcutTarget(e)) return;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      pad.undo();
    } else if (e.key === 'Escape' || e.key === 'Delete') {
      pad.clear();
    } else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      void save();
    }
  });
  document.body.dataset.ready = 'true';
}

void start();
