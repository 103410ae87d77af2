/**
 * The pages' side of the JSON API: fetch with error messages taken from the server's JSON errors,
 * the model (parsed and validated by the core), and the browser's session id.
 */
import { LIMITS } from '../contracts/limits.js';
import type { RecognitionJson, SampleBody, SampleJson } from '../contracts/schemas.js';
import type { CanvasSpec, ModelFile, RetrainJob } from '../core/contracts.js';
import { parseModelFile } from '../core/model-file.js';
import type { Drawing } from '../core/types.js';

export type {
  ModelVersionJson,
  SampleJson,
  SetFiguresJson,
  Stats,
} from '../contracts/schemas.js';

/** Limits the server enforces on a drawing (the API's schemas say them). */
export const SERVER_LIMITS = { strokes: LIMITS.strokes, points: LIMITS.points } as const;

/** An API call that failed; the message is the server's. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Fetches JSON; throws `ApiError` with the server's message on a non-2xx status. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'the server cannot be reached; check your connection and try again');
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(res.status, message);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Sends JSON with an optional admin token. */
export function jsonInit(method: string, body: unknown, token?: string): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return { method, headers, body: JSON.stringify(body) };
}

/** The server's model, validated by the core's parser. */
export async function fetchModel(): Promise<ModelFile> {
  return parseModelFile(await api<unknown>('/api/model'));
}

/** The serving model's canvas only (a few bytes, where `fetchModel` downloads the weights). */
export async function fetchCanvas(): Promise<CanvasSpec> {
  const { canvas } = await api<{ canvas: CanvasSpec }>('/api/model/canvas');
  if (
    !(Number.isInteger(canvas?.size) && canvas.size > 0) ||
    !(typeof canvas.brushWidth === 'number' && canvas.brushWidth > 0)
  )
    throw new TypeError(`the server's canvas is not {size, brushWidth}: ${JSON.stringify(canvas)}`);
  return canvas;
}

/** A retraining job (see `GET /api/admin/train`). */
export type JobJson = RetrainJob;

/**
 * Reads a Server-Sent Events response (fetched, so it can carry the admin token) and calls
 * `onEvent` for each event until the stream ends.
 */
export async function readEvents(
  res: Response,
  onEvent: (type: string, data: unknown) => void,
): Promise<void> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data) onEvent(type, JSON.parse(data));
    }
  }
}

/** The serving model's reading of a drawing, on the server (for pages that hold no model). */
export function predictDrawing(drawing: Drawing): Promise<RecognitionJson> {
  return api<RecognitionJson>('/api/predict', jsonInit('POST', { drawing }));
}

/** Stores a labelled drawing (`sessionId` is this browser's; `pointerType` null: unknown). */
export function postSample(sample: SampleBody & { sessionId: string }): Promise<SampleJson> {
  const body: Record<string, unknown> = { ...sample };
  if (sample.pointerType === null) delete body.pointerType;
  return api<SampleJson>('/api/samples', jsonInit('POST', body));
}

const SESSION_KEY = 'digitrec.session';

/**
 * This browser's anonymous session id, created once and kept in localStorage (crypto random, so
 * it also works on plain-http LAN addresses where `crypto.randomUUID` is unavailable).
 */
export function sessionId(): string {
  let id: string | null = null;
  try {
    id = localStorage.getItem(SESSION_KEY);
  } catch {
    // Storage blocked: a fresh id per page load.
  }
  if (id && LIMITS.sessionId.test(id)) return id;
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  id = `s-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  try {
    localStorage.setItem(SESSION_KEY, id);
  } catch {
    // As above.
  }
  return id;
}

/** "Ctrl+Z" or "⌘Z", as this platform writes the undo shortcut. */
export function undoShortcut(): string {
  return /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘Z' : 'Ctrl+Z';
}

/** True when a key event should drive page shortcuts (not typing in a field). */
export function isShortcutTarget(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !(t && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName)));
}

/** Looks up an element by id, throwing when the page lacks it. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page has no #${id}`);
  return el as T;
}
