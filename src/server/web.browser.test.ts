/**
 * The web app in real headless Chromium (Debian's /usr/bin/chromium through playwright-core)
 * against a real server on 127.0.0.1: digits are drawn with the mouse (and once with touch) along
 * the strokes of hand-written fixtures, the status text is checked, and the rows the pages stored
 * are read back from the SQLite file. Needs the built web app (`npm run build`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ModelFile } from '../core/contracts.js';
import { createRecognizer } from '../core/recognizer.js';
import type { Drawing } from '../core/types.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { buildApp, DEFAULT_WEB_ROOT } from './app.js';
import { DIGIT_STROKES, drawingOf, leastSureScribble } from './test-digits.js';

// Browser globals used inside page callbacks: this file is typechecked without the DOM library.
interface ElementLike {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
}
interface CanvasLike {
  width: number;
  clientWidth: number;
  clientLeft: number;
  clientTop: number;
  getBoundingClientRect(): { left: number; top: number };
}
declare const document: {
  querySelector(selector: string): ElementLike | null;
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): ElementLike | null;
};
declare const localStorage: { getItem(key: string): string | null };
declare function getComputedStyle(element: unknown): { touchAction: string };

const TOKEN = 'browser-admin';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let dir: string;
let dbPath: string;
let model: ModelFile;
let app: FastifyInstance;
let base: string;
let browser: Browser;

before(async () => {
  assert.ok(
    existsSync(join(DEFAULT_WEB_ROOT, 'draw.page.js')),
    `the web app is not built (${DEFAULT_WEB_ROOT}): run npm run build first`,
  );
  dir = mkdtempSync(join(tmpdir(), 'digitrec-browser-'));
  dbPath = join(dir, 'browser.db');
  model = loadModel(DEFAULT_MODEL_PATH);
  // Retraining is a small configuration here: 2,000 template drawings, HOG, one C, two folds.
  app = buildApp({
    dbPath,
    model,
    adminToken: TOKEN,
    retrainConfig: {
      data: ['synthetic:2000'],
      synthetic: { mix: { templates: 1, restroked: 0 } },
      features: 'hog',
      Cs: [1],
      cv: 2,
      eval: [],
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  base = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;

function rows(): Row[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM samples ORDER BY id').all() as Row[];
  } finally {
    db.close();
  }
}

function fixture(strokes: [number, number][][]): Drawing {
  return drawingOf(strokes, model.canvas.brushWidth, model.canvas.size);
}

/** Page coordinates of logical canvas coordinates. */
async function canvasMapper(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const box = await page.locator('#pad').evaluate((c: CanvasLike) => {
    const r = c.getBoundingClientRect();
    return { left: r.left + c.clientLeft, top: r.top + c.clientTop, width: c.clientWidth };
  });
  const k = box.width / model.canvas.size;
  return (x, y) => [box.left + x * k, box.top + y * k];
}

/** Draws a drawing with the mouse: down at each stroke's first point, along it, up at its end. */
async function drawWithMouse(page: Page, drawing: Drawing): Promise<void> {
  const at = await canvasMapper(page);
  for (const stroke of drawing.strokes) {
    const [x0, y0] = at(stroke[0].x, stroke[0].y);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const p of stroke.slice(1)) {
      const [x, y] = at(p.x, p.y);
      await page.mouse.move(x, y);
    }
    await page.mouse.up();
  }
}

/** Draws with touch events through the DevTools protocol (pointerType "touch"). */
async function drawWithTouch(page: Page, context: BrowserContext, drawing: Drawing): Promise<void> {
  const at = await canvasMapper(page);
  const cdp = await context.newCDPSession(page);
  for (const stroke of drawing.strokes) {
    const points = stroke.map((p) => at(p.x, p.y));
    const touch = ([x, y]: [number, number]) => [{ x, y, id: 1, radiusX: 2, radiusY: 2, force: 1 }];
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchStart',
      touchPoints: touch(points[0]),
    });
    for (const p of points.slice(1)) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: touch(p) });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await cdp.detach();
}

/** Draws with a pen through the DevTools protocol (pointerType "pen", pressure 0.5). */
async function drawWithPen(page: Page, context: BrowserContext, drawing: Drawing): Promise<void> {
  const at = await canvasMapper(page);
  const cdp = await context.newCDPSession(page);
  const pen = { pointerType: 'pen' as const, button: 'left' as const, force: 0.5 };
  for (const stroke of drawing.strokes) {
    const points = stroke.map((p) => at(p.x, p.y));
    const [x0, y0] = points[0];
    await cdp.send('Input.dispatchMouseEvent', {
      type: 'mouseMoved',
      x: x0,
      y: y0,
      ...pen,
      buttons: 0,
    });
    await cdp.send('Input.dispatchMouseEvent', {
      type: 'mousePressed',
      x: x0,
      y: y0,
      clickCount: 1,
      buttons: 1,
      ...pen,
    });
    for (const [x, y] of points.slice(1)) {
      await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y, buttons: 1, ...pen });
    }
    const [x1, y1] = points[points.length - 1];
    await cdp.send('Input.dispatchMouseEvent', {
      type: 'mouseReleased',
      x: x1,
      y: y1,
      clickCount: 1,
      buttons: 0,
      ...pen,
    });
  }
  await cdp.detach();
}

async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('status').first().textContent()) ?? '';
}

/**
 * Waits until the text of the element matching `selector` matches `pattern`; on a timeout the
 * error says what the element said instead.
 */
async function waitForText(page: Page, selector: string, pattern: RegExp): Promise<string> {
  try {
    await page.waitForFunction(
      ([sel, source, flags]) => {
        const el = document.querySelector(sel);
        return el !== null && new RegExp(source, flags).test(el.textContent ?? '');
      },
      [selector, pattern.source, pattern.flags] as const,
      { timeout: 20_000 },
    );
  } catch (err) {
    const now = await page
      .locator(selector)
      .first()
      .textContent()
      .catch(() => '(no element)');
    throw new Error(`${selector} never matched ${pattern}; it says ${JSON.stringify(now)}`, {
      cause: err,
    });
  }
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Waits until the status text matches. */
function waitForStatus(page: Page, pattern: RegExp): Promise<string> {
  return waitForText(page, '[role="status"]', pattern);
}

/** Content-Security-Policy violations Chromium reported on any page of this file. */
const cspViolations: string[] = [];

async function openPage(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${path}: ${m.text()}`);
  });
  await page.goto(`${base}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(errors, []);
  return page;
}

describe('the Draw page', () => {
  let context: BrowserContext;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });
  after(() => context.close());

  test('is accessible by name, shows a prompt when empty, and recognises a drawn 1 live', async () => {
    const page = await openPage(context, '/');
    const pad = page.getByRole('img', { name: 'Drawing area' });
    assert.equal(await pad.count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Undo', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Clear', exact: true }).count(), 1);
    const prompt = await statusText(page);
    assert.match(prompt, /Draw a digit/);
    assert.doesNotMatch(prompt, /^[0-9]/);
    assert.equal(await pad.evaluate((c) => getComputedStyle(c).touchAction), 'none');

    await drawWithMouse(page, fixture(DIGIT_STROKES.one));
    const text = await waitForStatus(page, /^1 — \d+% sure$/);
    assert.match(text, /^1 — \d+% sure$/);
    // Ten bars, the 28×28 view, and the feedback question.
    assert.equal(await page.locator('#bars li').count(), 10);
    assert.equal(await page.locator('#sees').evaluate((c: CanvasLike) => c.width), 28);
    assert.equal(await page.getByRole('button', { name: "Yes, it's 1" }).count(), 1);
    // The canvas backing store follows devicePixelRatio.
    const px = await pad.evaluate((c: CanvasLike) => [c.width, c.clientWidth]);
    assert.equal(px[0], px[1]);
  });

  test('Undo (Ctrl+Z) removes the last stroke, Clear / Escape empty the canvas, Undo takes Clear back', async () => {
    const page = await openPage(context, '/');
    await drawWithMouse(page, fixture(DIGIT_STROKES.seven));
    await waitForStatus(page, /^7 — \d+% sure$/);
    await page.keyboard.press('Control+z');
    await waitForStatus(page, /Draw a digit/);
    await drawWithMouse(page, fixture(DIGIT_STROKES.seven));
    await waitForStatus(page, /^7 /);
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await waitForStatus(page, /Draw a digit/);
    await drawWithMouse(page, fixture(DIGIT_STROKES.one));
    await waitForStatus(page, /^1 /);
    await page.keyboard.press('Escape');
    await waitForStatus(page, /Draw a digit/);
    // Clear can be undone: Undo brings the drawing back, and then removes its stroke.
    const undo = page.getByRole('button', { name: 'Undo', exact: true });
    assert.equal(await undo.isDisabled(), false);
    await undo.click();
    await waitForStatus(page, /^1 — \d+% sure$/);
    await page.keyboard.press('Control+z');
    await waitForStatus(page, /Draw a digit/);
    assert.equal(await undo.isDisabled(), true);
    assert.match(
      String(await page.getByRole('button', { name: 'Undo', exact: true }).getAttribute('title')),
      /Ctrl\+Z/,
    );
    assert.equal(rows().length, 0, 'nothing is stored without feedback');
  });

  test('feedback path: confirming a sure 7 stores it with its prediction and model version', async () => {
    const page = await openPage(context, '/');
    await drawWithMouse(page, fixture(DIGIT_STROKES.seven));
    const text = await waitForStatus(page, /^7 — \d+% sure$/);
    const shownPct = Number(/(\d+)%/.exec(text)?.[1]);
    const before = rows().length;
    await page.getByRole('button', { name: "Yes, it's 7" }).click();
    await waitForText(page, '#saved', /saved as a 7/);
    await waitForStatus(page, /Draw a digit/);
    const all = rows();
    assert.equal(all.length, before + 1);
    const row = all[all.length - 1];
    const session = await page.evaluate(() => localStorage.getItem('digitrec.session'));
    assert.equal(row.label, 7);
    assert.equal(row.source, 'feedback');
    assert.equal(row.predicted, 7);
    assert.equal(Math.floor(Number(row.confidence) * 100), shownPct);
    assert.equal(row.model_version, model.id);
    assert.equal(row.pointer_type, 'mouse');
    assert.equal(row.session_id, session);
    assert.equal(row.canvas_width, model.canvas.size);
    assert.equal(row.brush_width, model.canvas.brushWidth);
    assert.equal((row.image as Buffer).length, 784);
    const strokes = JSON.parse(String(row.strokes)) as number[][][];
    assert.equal(strokes.length, 1);
    assert.ok(strokes[0].length > 20, 'the stroke keeps its points');
    assert.ok(
      strokes[0].every((p) => p.length === 3),
      'points carry timestamps',
    );
  });

  test('a pen drawing is recognised and its sample records pointer type pen', async () => {
    const page = await openPage(context, '/');
    await drawWithPen(page, context, fixture(DIGIT_STROKES.zero));
    await waitForStatus(page, /^0 — \d+% sure$/);
    const before = rows().length;
    await page.getByRole('button', { name: "Yes, it's 0" }).click();
    await waitForText(page, '#saved', /saved as a 0/);
    const all = rows();
    assert.equal(all.length, before + 1);
    assert.equal(all[all.length - 1].pointer_type, 'pen');
    assert.equal(all[all.length - 1].label, 0);
  });

  test('redraw path: an ambiguous scribble says Not sure, and the right digit can be given', async () => {
    const recognizer = createRecognizer(model);
    const scribble = leastSureScribble(
      (d) => recognizer.recognizeDrawing(d),
      model.canvas.brushWidth,
      model.canvas.size,
    );
    assert.ok(
      scribble.maxConfidence < model.threshold,
      `precondition: the model is unsure of the "${scribble.name}" scribble (${scribble.maxConfidence} < ${model.threshold})`,
    );
    const page = await openPage(context, '/');
    await drawWithMouse(page, fixture(scribble.strokes));
    const text = await waitForStatus(page, /Not sure/);
    assert.match(text, /^Not sure — is it (\d) or (\d)\? Please redraw\.$/);
    assert.equal(await page.getByRole('button', { name: /^Yes/ }).isVisible(), false);
    const before = rows().length;
    await page.locator('#digit-picker').getByRole('button', { name: '3', exact: true }).click();
    await waitForText(page, '#saved', /saved as a 3/);
    const all = rows();
    assert.equal(all.length, before + 1);
    const row = all[all.length - 1];
    assert.equal(row.label, 3);
    assert.equal(row.source, 'feedback');
    assert.ok(Number(row.confidence) < model.threshold, 'stored with the low confidence it got');
  });
});

describe('the Draw page on a phone, drawn with a finger', () => {
  test('touch drawing at devicePixelRatio 3 is recognised and stored with pointer type touch', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = await openPage(context, '/');
      const [backing, css] = await page
        .locator('#pad')
        .evaluate((c: CanvasLike) => [c.width, c.clientWidth]);
      assert.equal(backing, Math.round(css * 3));
      assert.ok(css <= 390);
      await drawWithTouch(page, context, fixture(DIGIT_STROKES.one));
      await waitForStatus(page, /^1 — \d+% sure$/);
      const before = rows().length;
      // A click, not a tap: Chromium drops a synthetic tap sent within moments of the end of a
      // protocol-driven touch drag (no person is that fast), which would make the test flaky.
      await page.getByRole('button', { name: "Yes, it's 1" }).click();
      await waitForText(page, '#saved', /saved as a 1/);
      const all = rows();
      assert.equal(all.length, before + 1);
      assert.equal(all[all.length - 1].pointer_type, 'touch');
      assert.equal(all[all.length - 1].label, 1);
    } finally {
      await context.close();
    }
  });
});

describe('the Collect page', () => {
  test('asks for the least-collected digit, saves it with that label and the session, moves on', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openPage(context, '/collect');
      const askedBefore = Number(await page.locator('#ask').getAttribute('data-digit'));
      const stats = (await (await fetch(`${base}/api/stats`)).json()) as { byLabel: number[] };
      assert.equal(askedBefore, stats.byLabel.indexOf(Math.min(...stats.byLabel)));
      assert.match(
        (await page.locator('#ask').textContent()) ?? '',
        new RegExp(`draw a ${askedBefore}`),
      );
      assert.equal(
        await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(),
        true,
      );
      const before = rows().length;
      // A drawing the model confidently reads as another digit is held back with a question.
      const other = askedBefore === 0 ? 'one' : 'zero';
      const otherDigit = other === 'one' ? 1 : 0;
      assert.equal(
        createRecognizer(model).recognizeDrawing(fixture(DIGIT_STROKES[other])).verdict,
        'digit',
        'the model reads the fixture as a sure digit',
      );
      await drawWithMouse(page, fixture(DIGIT_STROKES[other]));
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await waitForText(
        page,
        '#confirm-text',
        new RegExp(
          `That looks like an? ${otherDigit} to me, not an? ${askedBefore}\\. Save it as an? ${askedBefore} anyway\\?`,
        ),
      );
      assert.equal(rows().length, before, 'nothing stored before the answer');
      assert.equal(
        await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(),
        true,
      );
      // Redraw clears the pad and the question; a second try answered "Save anyway" is stored.
      await page.getByRole('button', { name: 'Redraw' }).click();
      assert.equal(await page.locator('#confirm').isVisible(), false);
      assert.equal(rows().length, before);
      await drawWithMouse(page, fixture(DIGIT_STROKES[other]));
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('button', { name: 'Save anyway' }).click();
      await page.waitForFunction(
        (d) => (document.getElementById('saved')?.textContent ?? '').includes(`Saved your ${d}`),
        askedBefore,
      );
      await waitForText(page, '#session-line', /You have drawn 1 digit,/);
      const all = rows();
      assert.equal(all.length, before + 1);
      const row = all[all.length - 1];
      const session = await page.evaluate(() => localStorage.getItem('digitrec.session'));
      assert.equal(row.label, askedBefore);
      assert.equal(row.source, 'collect');
      assert.equal(row.session_id, session);
      assert.match(String(session), /^s-[0-9a-f]{24}$/);
      // The next digit asked is again the least collected.
      const after = (await (await fetch(`${base}/api/stats`)).json()) as { byLabel: number[] };
      const expectedNext = after.byLabel.indexOf(Math.min(...after.byLabel));
      await page.waitForFunction(
        (d) => document.getElementById('ask')?.dataset.digit === String(d),
        expectedNext,
      );
      // Enter saves too (and, if the model doubts the drawing, Enter on the focused "Save anyway").
      await drawWithMouse(page, fixture(DIGIT_STROKES.one));
      await page.keyboard.press('Enter');
      if (expectedNext !== 1) {
        await waitForText(page, '#confirm-text', /Save it as an? \d anyway\?/);
        await page.keyboard.press('Enter');
      }
      await waitForText(page, '#session-line', /You have drawn 2 digits/);
      assert.equal(rows()[rows().length - 1].label, expectedNext);
    } finally {
      await context.close();
    }
  });
});

describe('the Data page', () => {
  test('shows counts and thumbnails, filters, relabels and deletes with the admin token, imports', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openPage(context, '/data');
      const stored = rows();
      assert.ok(stored.length >= 3, 'earlier tests stored samples');
      await page.waitForFunction(
        (n) => document.querySelectorAll('#thumbs li').length === n,
        stored.length,
      );
      const total = (await page.locator('#by-source').textContent()) ?? '';
      assert.match(total, new RegExp(`total\\s*${stored.length}$`));

      // Filter by label: the thumbnails and the downloads follow.
      await page.locator('#filter-label').selectOption('7');
      const sevens = stored.filter((r) => r.label === 7).length;
      await page.waitForFunction(
        (n) => document.querySelectorAll('#thumbs li').length === n,
        sevens,
      );
      const csvLink = page.locator('#export-csv');
      assert.equal(await csvLink.textContent(), 'Download the filtered samples as CSV');
      const href = (await csvLink.getAttribute('href')) ?? '';
      assert.equal(href, '/api/samples/export?label=7&format=csv');
      const csv = await (await fetch(`${base}${href}`)).text();
      const csvRows = csv.trim().split('\n').slice(1);
      assert.equal(csvRows.length, sevens);
      assert.ok(csvRows.every((r) => r.startsWith('7,')));
      await page.locator('#filter-label').selectOption('');
      await page.waitForFunction(
        (n) => document.querySelectorAll('#thumbs li').length === n,
        stored.length,
      );

      // Without the token the server refuses; with it, relabel works.
      const target = stored[stored.length - 1];
      const card = page.getByRole('button', { name: new RegExp(`^Sample ${target.id}:`) });
      await card.click();
      assert.equal(await page.locator('#detail-save').isDisabled(), true);
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      // A wrong token is checked with the server and refused: admin actions stay off.
      await page.locator('#token').fill(`${TOKEN}-wrong`);
      await page.getByRole('button', { name: 'Use', exact: true }).click();
      await waitForText(page, '#admin-state', /refused this token/);
      assert.equal(await page.locator('#import-button').isDisabled(), true);
      await page.locator('#token').fill(TOKEN);
      await page.getByRole('button', { name: 'Use', exact: true }).click();
      await waitForText(page, '#admin-state', /Token accepted by the server/);
      await card.click();
      const newLabel = target.label === 5 ? 6 : 5;
      await page.locator('#detail-label').selectOption(String(newLabel));
      await page.getByRole('button', { name: 'Relabel', exact: true }).click();
      await page.waitForFunction(
        (l) =>
          (document.getElementById('detail-message')?.textContent ?? '').includes(
            `Relabelled as ${l}`,
          ),
        newLabel,
      );
      assert.equal(rows().find((r) => r.id === target.id)?.label, newLabel);

      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.waitForFunction(
        (n) => document.querySelectorAll('#thumbs li').length === n,
        stored.length - 1,
      );
      assert.equal(
        rows().some((r) => r.id === target.id),
        false,
      );

      // Import a strokes JSONL file.
      const line = (label: number, name: keyof typeof DIGIT_STROKES) =>
        JSON.stringify({
          id: `file-${label}`,
          label,
          stroke_width: model.canvas.brushWidth,
          strokes: fixture(DIGIT_STROKES[name]).strokes.map((s) => s.map((p) => [p.x, p.y])),
        });
      await page.locator('#import-file').setInputFiles({
        name: 'two.jsonl',
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(`${line(1, 'one')}\n${line(7, 'seven')}\n`),
      });
      assert.equal(await page.locator('#import-format').inputValue(), 'jsonl');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await waitForText(page, '#import-message', /Imported 2 samples/);
      // A file that cannot be imported is named as the person named it.
      await page.locator('#import-file').setInputFiles({
        name: 'mine.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('label,p0\n3,0\n'),
      });
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const refused = await waitForText(page, '#import-message', /line 1/);
      assert.match(refused, /^mine\.csv line 1: /);
      const imported = rows().filter((r) => r.source === 'import');
      assert.deepEqual(
        imported.map((r) => r.label),
        [1, 7],
      );
    } finally {
      await context.close();
    }
  });
});

describe('the Data page: models', () => {
  test('the admin retrains: the progress bar moves, the new version appears with its report', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await openPage(context, '/data');
      await page.waitForSelector('#versions tr[data-version="1"]');
      assert.match((await page.locator('#versions tr').first().textContent()) ?? '', /serving/);
      assert.equal(await page.locator('#retrain').isDisabled(), true, 'no token yet');
      await page.locator('#token').fill(TOKEN);
      await page.getByRole('button', { name: 'Use', exact: true }).click();
      await page.waitForFunction(
        () => !(document.getElementById('retrain') as unknown as { disabled: boolean }).disabled,
      );

      // Record the bar's value every 10 ms from the page itself.
      await page.evaluate(`window.barValues = [];
        setInterval(() => window.barValues.push(document.getElementById('train-bar').value), 10);`);
      // Retrain asks first, and says whether the new model could be promoted.
      const { heldOutDrawings } = (await (
        await fetch(`${base}/api/admin/train`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as { heldOutDrawings: number };
      assert.equal(await page.locator('#retrain-promotable').isVisible(), heldOutDrawings === 0);
      const asked = new Promise<string>((resolve) => {
        page.once('dialog', (d) => {
          resolve(d.message());
          void d.accept();
        });
      });
      await page.getByRole('button', { name: 'Retrain', exact: true }).click();
      assert.match(
        await asked,
        heldOutDrawings === 0
          ? /^Retrain now\? There are no held-out app drawings yet.*not promoted/
          : new RegExp(`^Retrain now\\? .*held-out app drawings \\(${heldOutDrawings}\\)`),
      );
      await page.waitForSelector('#versions tr[data-version="2"]', { timeout: 60_000 });
      const phase = await waitForText(page, '#train-phase', /Job 1 done in .*: version 2/);
      const values = (await page.evaluate('window.barValues')) as number[];
      assert.ok(
        values.some((v) => v > 0 && v < 1),
        `the bar showed progress between 0 and 1: ${[...new Set(values)].join(', ')}`,
      );
      assert.equal(values.at(-1), 1);
      assert.match(
        (await page.locator('#train-log').textContent()) ?? '',
        /cross-validation: best C 1/,
      );

      // The page shows what the API says about version 2.
      const list = (await (await fetch(`${base}/api/models`)).json()) as {
        versions: { version: number; status: string; modelId: string }[];
      };
      const v2 = list.versions.find((v) => v.version === 2);
      assert.ok(v2);
      const row = page.locator('#versions tr[data-version="2"]');
      assert.match((await row.textContent()) ?? '', new RegExp(v2.modelId));
      assert.match(phase, v2.status === 'serving' ? /is serving/ : /was not promoted/);

      // Its report, in the frame: the new model beside the one serving before it.
      await row.getByRole('button', { name: 'Report' }).click();
      const frame = page.frameLocator('#report-frame');
      await frame.locator('body').waitFor();
      assert.match(
        (await frame.locator('body').textContent()) ?? '',
        new RegExp(`A · ${v2.modelId}`),
      );
    } finally {
      await context.close();
    }
  });
});

test('no page did anything its Content-Security-Policy refused', () => {
  assert.deepEqual(cspViolations, []);
});
