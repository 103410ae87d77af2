/**
 * The Data page: counts by digit, source and day; thumbnails of the stored canonical images with
 * filters; relabel and delete (admin); export; import (admin); the model versions, retraining and
 * reports (`models-panel.ts`). The admin token is typed into the
 * page, kept in sessionStorage and sent as `Authorization: Bearer …`.
 */
import { ApiError, api, byId, jsonInit, type SampleJson, type Stats } from './api.js';
import { startModelsPanel } from './models-panel.js';
import { percentFloor, plural } from './present.js';
import { drawGray, imageFromBase64, renderBars } from './view.js';

const PAGE_SIZE = 60;
const TOKEN_KEY = 'digitrec.adminToken';

const byLabel = byId('by-label');
const bySource = byId('by-source');
const byDay = byId('by-day');
const adminForm = byId<HTMLFormElement>('admin-form');
const tokenInput = byId<HTMLInputElement>('token');
const forgetButton = byId<HTMLButtonElement>('forget');
const adminState = byId('admin-state');
const exportCsv = byId<HTMLAnchorElement>('export-csv');
const exportJsonl = byId<HTMLAnchorElement>('export-jsonl');
const importForm = byId<HTMLFormElement>('import-form');
const importFormat = byId<HTMLSelectElement>('import-format');
const importFile = byId<HTMLInputElement>('import-file');
const importButton = byId<HTMLButtonElement>('import-button');
const importMessage = byId('import-message');
const filterLabel = byId<HTMLSelectElement>('filter-label');
const filterSource = byId<HTMLSelectElement>('filter-source');
const filterWrong = byId<HTMLInputElement>('filter-wrong');
const pageLine = byId('page-line');
const thumbs = byId('thumbs');
const prev = byId<HTMLButtonElement>('prev');
const next = byId<HTMLButtonElement>('next');
const dialog = byId<HTMLDialogElement>('detail');
const detailTitle = byId('detail-title');
const detailImage = byId<HTMLCanvasElement>('detail-image');
const detailFacts = byId('detail-facts');
const detailLabel = byId<HTMLSelectElement>('detail-label');
const detailSave = byId<HTMLButtonElement>('detail-save');
const detailDelete = byId<HTMLButtonElement>('detail-delete');
const detailMessage = byId('detail-message');

let offset = 0;
let current: SampleJson | null = null;
let refreshModels = () => {};

function token(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function authInit(init: RequestInit = {}): RequestInit {
  const t = token();
  return t ? { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${t}` } } : init;
}

function setMessage(el: HTMLElement, text: string, kind: 'ok' | 'error' | '' = ''): void {
  el.textContent = text;
  el.className = `message ${kind}`;
}

/**
 * Shows whether admin actions are enabled: only with a token the server accepted. `note` replaces
 * the default line (e.g. why a token was refused).
 */
function showAdminState(note?: string): void {
  const on = token() !== '';
  forgetButton.hidden = !on;
  tokenInput.value = '';
  tokenInput.placeholder = on ? 'token set for this tab' : 'admin token';
  // A refusal reads as an error; the usual line as a hint.
  adminState.className = note ? 'message error' : 'hint';
  adminState.textContent =
    note ??
    (on
      ? 'Token accepted by the server: relabel, delete, import and retraining are enabled in this tab.'
      : 'Relabel, delete, import and retraining need the server’s admin token.');
  importButton.disabled = !on;
  detailSave.disabled = !on;
  detailDelete.disabled = !on;
}

/** Why the server refused a token, or null when it accepted it. */
async function checkToken(t: string): Promise<string | null> {
  try {
    await api<unknown>('/api/admin/train', { headers: { authorization: `Bearer ${t}` } });
    return null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401)
      return 'The server refused this token (wrong admin token); admin actions stay off.';
    if (err instanceof ApiError && err.status === 403)
      return 'Admin actions are off on this server: it was started without DIGITREC_ADMIN_TOKEN.';
    return `Could not check the token: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function storeToken(t: string | null): void {
  try {
    if (t === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, t);
  } catch {
    // Storage blocked: nothing to keep.
  }
}

/** Checks `t` with the server, keeps it only if accepted, and updates the page. */
async function useToken(t: string, submit: HTMLButtonElement | null): Promise<void> {
  if (submit) submit.disabled = true;
  adminState.className = 'hint';
  adminState.textContent = 'Checking the token with the server…';
  const refused = await checkToken(t);
  if (submit) submit.disabled = false;
  storeToken(refused === null ? t : null);
  showAdminState(refused ?? undefined);
  refreshModels();
}

/** The Download links fetch what the filters select. */
function updateExportLinks(): void {
  const q = filterQuery();
  const filtered = q.toString() !== '';
  for (const [a, format, what] of [
    [exportCsv, 'csv', 'CSV'],
    [exportJsonl, 'jsonl', 'strokes JSONL'],
  ] as const) {
    q.set('format', format);
    a.href = `/api/samples/export?${q}`;
    a.textContent = `Download ${filtered ? 'the filtered samples' : 'all samples'} as ${what}`;
  }
}

function filterQuery(): URLSearchParams {
  const q = new URLSearchParams();
  if (filterLabel.value !== '') q.set('label', filterLabel.value);
  if (filterSource.value !== '') q.set('source', filterSource.value);
  if (filterWrong.checked) q.set('mispredicted', 'true');
  return q;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

async function loadStats(): Promise<void> {
  const s = await api<Stats>('/api/stats');
  renderBars(byLabel, s.byLabel, { label: String });
  bySource.replaceChildren(
    ...Object.entries(s.bySource).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]),
    el('dt', {}, 'total'),
    el('dd', {}, String(s.total)),
  );
  const days = s.byDay.slice(-14).reverse();
  byDay.replaceChildren(
    ...(days.length === 0
      ? [el('tr', {}, el('td', { colSpan: 2 }, 'No samples yet'))]
      : days.map((d) => el('tr', {}, el('td', {}, d.day), el('td', {}, String(d.count))))),
  );
}

function describe(s: SampleJson): string {
  const guess =
    s.predicted === null
      ? 'no prediction'
      : s.notDigit
        ? 'model said not a digit, skipped by retraining'
        : `model said ${s.predicted} (${percentFloor(s.confidence ?? 0)}%)`;
  return `Sample ${s.id}: labelled ${s.label}, ${guess}, ${s.source}`;
}

function thumb(s: SampleJson): HTMLLIElement {
  const c = el('canvas', { width: 28, height: 28 });
  c.setAttribute('aria-hidden', 'true');
  drawGray(c, imageFromBase64(s.image), true);
  const wrong = s.notDigit || (s.predicted !== null && s.predicted !== s.label);
  const line = el('span', { className: 'label-line' }, `Label ${s.label}`);
  const model = el(
    'span',
    { className: 'model' },
    s.predicted === null ? 'no prediction' : s.notDigit ? 'not a digit?' : `model: ${s.predicted}`,
  );
  const meta = el('span', { className: 'meta' }, `${s.source} #${s.id}`);
  const b = el('button', { type: 'button', className: wrong ? 'wrong' : '' }, c, line, model, meta);
  b.setAttribute('aria-label', describe(s));
  b.addEventListener('click', () => openDetail(s));
  return el('li', {}, b);
}

async function loadSamples(): Promise<void> {
  const q = filterQuery();
  q.set('limit', String(PAGE_SIZE));
  q.set('offset', String(offset));
  const page = await api<{ total: number; samples: SampleJson[] }>(`/api/samples?${q}`);
  if (page.samples.length === 0 && offset > 0 && page.total > 0) {
    offset = Math.max(0, Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE);
    return loadSamples();
  }
  thumbs.replaceChildren(...page.samples.map(thumb));
  pageLine.textContent =
    page.total === 0
      ? 'No samples match. Draw some on the Collect page, or import a file.'
      : `Showing ${offset + 1}–${offset + page.samples.length} of ${plural(page.total, 'sample')}, newest first.`;
  prev.disabled = offset === 0;
  next.disabled = offset + page.samples.length >= page.total;
}

async function reload(): Promise<void> {
  try {
    await Promise.all([loadStats(), loadSamples()]);
  } catch (err) {
    pageLine.textContent = `Could not load the samples: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function openDetail(s: SampleJson): void {
  current = s;
  detailTitle.textContent = `Sample ${s.id}`;
  drawGray(detailImage, imageFromBase64(s.image), true);
  const facts: [string, string][] = [
    ['Label', String(s.label)],
    [
      'Model said',
      s.predicted === null
        ? '—'
        : `${s.predicted} (${percentFloor(s.confidence ?? 0)}% sure, model ${s.modelVersion ?? '?'})`,
    ],
    ...(s.notDigit
      ? ([
          [
            'Retraining',
            'skipped: the model read this as not a digit. Relabel it (the same label confirms it) to train on it.',
          ],
        ] as [string, string][])
      : []),
    ['Source', s.source],
    ['Pointer', s.pointerType ?? '—'],
    ['Session', s.sessionId ?? '—'],
    ['Strokes', s.strokeCount > 0 ? String(s.strokeCount) : 'image only'],
    ['Created', new Date(s.createdAt).toLocaleString()],
  ];
  detailFacts.replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  detailLabel.value = String(s.label);
  setMessage(detailMessage, token() ? '' : 'Set the admin token to relabel or delete.');
  dialog.showModal();
}

async function relabel(): Promise<void> {
  if (!current) return;
  const label = Number(detailLabel.value);
  try {
    const s = await api<SampleJson>(
      `/api/samples/${current.id}`,
      authInit(jsonInit('PATCH', { label })),
    );
    current = s;
    setMessage(detailMessage, `Relabelled as ${s.label}.`, 'ok');
    await reload();
  } catch (err) {
    setMessage(detailMessage, errorText(err), 'error');
  }
}

async function remove(): Promise<void> {
  if (!current) return;
  if (!confirm(`Delete sample ${current.id}? This cannot be undone.`)) return;
  try {
    await api<void>(`/api/samples/${current.id}`, authInit({ method: 'DELETE' }));
    dialog.close();
    current = null;
    await reload();
  } catch (err) {
    setMessage(detailMessage, errorText(err), 'error');
  }
}

function errorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) {
    return `${err.message}. Check the admin token.`;
  }
  return err instanceof Error ? err.message : String(err);
}

async function importFileNow(): Promise<void> {
  const file = importFile.files?.[0];
  if (!file) {
    setMessage(importMessage, 'Choose a file first.', 'error');
    return;
  }
  importButton.disabled = true;
  setMessage(importMessage, `Importing ${file.name}…`);
  try {
    const r = await api<{ imported: number; total: number }>(
      `/api/samples/import?format=${importFormat.value}`,
      authInit({
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: file,
      }),
    );
    setMessage(importMessage, `Imported ${plural(r.imported, 'sample')}; ${r.total} in all.`, 'ok');
    importFile.value = '';
    offset = 0;
    await reload();
  } catch (err) {
    // The server names the upload after its format; the person knows it by its own name.
    const text = errorText(err).replace(/^upload\.(csv|jsonl|unipen)\b/, file.name);
    setMessage(importMessage, text, 'error');
  }
  importButton.disabled = token() === '';
}

function guessFormat(): void {
  const name = importFile.files?.[0]?.name.toLowerCase() ?? '';
  if (name.endsWith('.csv')) importFormat.value = 'csv';
  else if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) importFormat.value = 'jsonl';
  else if (name.endsWith('.unipen') || name.endsWith('.dat')) importFormat.value = 'unipen';
}

function start(): void {
  for (let d = 0; d < 10; d++) {
    filterLabel.append(el('option', { value: String(d) }, String(d)));
    detailLabel.append(el('option', { value: String(d) }, String(d)));
  }
  adminForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const t = tokenInput.value.trim();
    if (t) void useToken(t, e.submitter instanceof HTMLButtonElement ? e.submitter : null);
  });
  forgetButton.addEventListener('click', () => {
    storeToken(null);
    showAdminState();
    refreshModels();
  });
  importForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void importFileNow();
  });
  importFile.addEventListener('change', guessFormat);
  for (const f of [filterLabel, filterSource, filterWrong]) {
    f.addEventListener('change', () => {
      offset = 0;
      updateExportLinks();
      void loadSamples();
    });
  }
  byId('filters').addEventListener('submit', (e) => e.preventDefault());
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void loadSamples();
  });
  next.addEventListener('click', () => {
    offset += PAGE_SIZE;
    void loadSamples();
  });
  detailSave.addEventListener('click', () => void relabel());
  detailDelete.addEventListener('click', () => void remove());
  updateExportLinks();
  showAdminState();
  refreshModels = startModelsPanel({ token, authInit });
  // A token kept from earlier in this tab is checked again (the server may have a new one).
  const kept = token();
  const checked = kept ? useToken(kept, null) : Promise.resolve();
  void Promise.all([reload(), checked]).then(() => {
    document.body.dataset.ready = 'true';
  });
}

start();
