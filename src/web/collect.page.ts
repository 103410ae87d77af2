/**
 * The Collect page: asks for the least-collected digit, saves the drawing with that label
 * (source `collect`, this browser's session id), and shows counts per digit and the session's
 * progress.
 */
import {
  ApiError,
  api,
  byId,
  fetchCanvas,
  isShortcutTarget,
  postSample,
  SERVER_LIMITS,
  type Stats,
  sessionId,
  undoShortcut,
} from './api.js';
import { DrawingPad } from './pad.js';
import { aDigit, leastCollected, plural } from './present.js';
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
  saveButton.disabled = empty || saving;
  skipButton.disabled = saving;
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

async function save(): Promise<void> {
  if (saving || pad.isEmpty) return;
  saving = true;
  updateButtons();
  saved.classList.remove('error');
  saved.textContent = 'Saving…';
  const label = asked;
  try {
    await postSample({
      label,
      drawing: pad.drawing,
      source: 'collect',
      sessionId: session,
      pointerType: pad.pointerType,
    });
    saving = false;
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
  skipButton.addEventListener('click', () => {
    pad.clear(false);
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
