/**
 * The Models section of the Data page: the model versions with their metrics and status, a
 * Retrain button with a live progress bar, ETA and log fed by the server's event stream, Promote /
 * Restore per version, and each version's report in a frame.
 */
import {
  ApiError,
  api,
  byId,
  type JobJson,
  type ModelVersionJson,
  readEvents,
  type SetFiguresJson,
} from './api.js';
import { jobPhaseText } from './present.js';

/** How the panel reaches the admin token. */
export interface ModelsPanelOptions {
  /** The admin token set in the page, or ''. */
  token: () => string;
  /** Adds the token to a request. */
  authInit: (init?: RequestInit) => RequestInit;
}

function pct(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(digits)}%`;
}

function figures(f: SetFiguresJson | undefined): string {
  if (!f) return '—';
  const versus =
    f.servingAccuracy !== undefined ? ` (v${f.comparedWith}: ${pct(f.servingAccuracy)})` : '';
  return `${pct(f.accuracy)} of ${f.n}${versus}`;
}

const STATUS_TEXT: Record<ModelVersionJson['status'], string> = {
  serving: 'serving',
  candidate: 'candidate (not compared)',
  'candidate-rejected': 'rejected (worse)',
  retired: 'retired',
};

/** Sets up the panel; returns a function that refreshes it (after the token changes). */
export function startModelsPanel(o: ModelsPanelOptions): () => void {
  const retrain = byId<HTMLButtonElement>('retrain');
  const cancel = byId<HTMLButtonElement>('cancel-train');
  const progressBox = byId('train-progress');
  const phase = byId('train-phase');
  const bar = byId<HTMLProgressElement>('train-bar');
  const log = byId('train-log');
  const message = byId('models-message');
  const promotable = byId('retrain-promotable');
  const versions = byId('versions');
  const report = byId('report');
  const reportTitle = byId('report-title');
  const reportLink = byId<HTMLAnchorElement>('report-link');
  const reportFrame = byId<HTMLIFrameElement>('report-frame');
  let running = false;
  let following = false;
  /** Held-out app drawings a new job would compare on (null: not known, e.g. no token). */
  let heldOutDrawings: number | null = null;
  /** The last job shown and when it arrived, so its clock keeps moving between events. */
  let shown: { job: JobJson; at: number } | null = null;
  let ticker: ReturnType<typeof setInterval> | undefined;

  const say = (text: string, kind: 'ok' | 'error' | '' = '') => {
    message.textContent = text;
    message.className = `message ${kind}`;
  };
  const errorText = (err: unknown) =>
    err instanceof ApiError && err.status === 401
      ? `${err.message}. Check the admin token.`
      : err instanceof Error
        ? err.message
        : String(err);

  const cell = (text: string, className = '') => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };

  function showReport(v: ModelVersionJson): void {
    if (!v.report) return;
    reportTitle.textContent = `Report of version ${v.version} (model ${v.modelId})`;
    reportLink.href = v.report;
    reportFrame.src = v.report;
    report.hidden = false;
  }

  async function promote(v: ModelVersionJson): Promise<void> {
    try {
      await api<ModelVersionJson>(
        `/api/admin/models/${v.version}/promote`,
        o.authInit({ method: 'POST' }),
      );
      say(`Version ${v.version} is serving now.`, 'ok');
    } catch (err) {
      say(errorText(err), 'error');
    }
    await loadVersions();
  }

  function row(v: ModelVersionJson): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = v.status;
    tr.dataset.version = String(v.version);
    const status = cell(STATUS_TEXT[v.status], `status-${v.status}`);
    if (v.summary.reason) status.title = v.summary.reason;
    const actions = document.createElement('td');
    actions.className = 'actions';
    if (v.report) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Report';
      b.addEventListener('click', () => showReport(v));
      actions.append(b);
    }
    if (v.status !== 'serving') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'promote';
      b.textContent = v.status === 'retired' ? 'Restore' : 'Promote';
      b.disabled = o.token() === '';
      b.title = o.token() === '' ? 'Set the admin token first' : `Serve version ${v.version}`;
      b.addEventListener('click', () => void promote(v));
      actions.append(' ', b);
    }
    tr.append(
      cell(`v${v.version}`),
      status,
      cell(v.modelId),
      cell(figures(v.metrics.cv)),
      cell(figures(v.metrics.heldOut)),
      cell(figures(v.metrics.mnistTest)),
      cell(new Date(v.createdAt).toLocaleString()),
      actions,
    );
    return tr;
  }

  async function loadVersions(): Promise<void> {
    try {
      const list = await api<{ serving: number; versions: ModelVersionJson[] }>('/api/models');
      versions.replaceChildren(...list.versions.map(row));
    } catch (err) {
      say(`Could not load the models: ${errorText(err)}`, 'error');
    }
  }

  function tick(): void {
    if (!shown) return;
    phase.textContent = jobPhaseText(shown.job, (performance.now() - shown.at) / 1000);
  }

  function showJob(job: JobJson): void {
    progressBox.hidden = false;
    running = job.status === 'running';
    retrain.disabled = running || o.token() === '';
    cancel.hidden = !running;
    const fraction = job.total > 0 ? job.done / job.total : 0;
    bar.value = job.status === 'succeeded' ? 1 : fraction;
    progressBox.dataset.status = job.status;
    shown = { job, at: performance.now() };
    tick();
    // Elapsed time and ETA move every second, also while a long step sends no event.
    clearInterval(ticker);
    if (running) ticker = setInterval(tick, 1000);
    log.textContent = job.log.join('\n');
    log.scrollTop = log.scrollHeight;
  }

  /** Follows the running job's events until it ends, then refreshes the list. */
  async function follow(): Promise<void> {
    if (following) return;
    following = true;
    try {
      const res = await fetch('/api/admin/train/events', o.authInit());
      if (!res.ok) throw new ApiError(res.status, `the progress stream answered ${res.status}`);
      await readEvents(res, (type, data) => {
        const { job, line } = data as { job?: JobJson | null; line?: string };
        if (job) showJob(job);
        if (type === 'log' && line !== undefined) {
          log.textContent += `${log.textContent ? '\n' : ''}${line}`;
          log.scrollTop = log.scrollHeight;
        }
        if (type === 'done' && job) {
          if (job.status === 'succeeded' && job.result) say(job.result.reason, 'ok');
          else if (job.status === 'failed') say(`Training failed: ${job.error}`, 'error');
          else if (job.status === 'cancelled')
            say('Training cancelled; the serving model is unchanged.');
        }
      });
    } catch (err) {
      say(`Lost the training progress: ${errorText(err)}`, 'error');
    } finally {
      following = false;
      running = false;
      clearInterval(ticker);
      cancel.hidden = true;
      retrain.disabled = o.token() === '';
      await loadVersions();
    }
  }

  retrain.addEventListener('click', async () => {
    const question =
      heldOutDrawings === 0
        ? 'Retrain now? There are no held-out app drawings yet, so the new model cannot be compared with the serving one: it will be kept as a candidate, not promoted. Training takes a few minutes.'
        : `Retrain now? The new model replaces the serving one only if it is not worse on the held-out app drawings${heldOutDrawings === null ? '' : ` (${heldOutDrawings})`}. Training takes a few minutes.`;
    if (!confirm(question)) return;
    retrain.disabled = true;
    say('');
    try {
      const job = await api<JobJson>('/api/admin/train', o.authInit({ method: 'POST' }));
      showJob(job);
      void follow();
    } catch (err) {
      say(errorText(err), 'error');
      retrain.disabled = o.token() === '';
    }
  });
  cancel.addEventListener('click', async () => {
    try {
      await api<JobJson>('/api/admin/train', o.authInit({ method: 'DELETE' }));
    } catch (err) {
      say(errorText(err), 'error');
    }
  });
  byId('report-close').addEventListener('click', () => {
    report.hidden = true;
    reportFrame.removeAttribute('src');
  });

  /** Says beforehand when a new model could not be promoted (no held-out drawings to compare on). */
  function showPromotable(): void {
    promotable.hidden = heldOutDrawings !== 0;
    promotable.textContent =
      'No held-out app drawings yet (a fifth of the writers on Collect are kept apart to compare models on): a retrained model would be kept as a candidate, not promoted.';
  }

  const refresh = () => {
    retrain.disabled = running || o.token() === '';
    retrain.title = o.token() === '' ? 'Set the admin token first' : '';
    void loadVersions();
    heldOutDrawings = null;
    showPromotable();
    if (o.token() === '') return;
    // A job started elsewhere (or before a reload) is followed too.
    api<{ job: JobJson | null; heldOutDrawings: number }>('/api/admin/train', o.authInit()).then(
      (r) => {
        heldOutDrawings = r.heldOutDrawings;
        showPromotable();
        if (r.job) showJob(r.job);
        if (r.job?.status === 'running') void follow();
      },
      () => {},
    );
  };
  refresh();
  return refresh;
}
