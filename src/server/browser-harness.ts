/**
 * What the pad and layout browser tests share: a real server on 127.0.0.1 with a temporary
 * database, Debian's Chromium through playwright-core, and ways to draw on the pad with the mouse
 * or a finger. (Test helper only; nothing in the app uses it.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { NUMBER_PAD_ASPECT } from '../contracts/limits.js';
import type { ModelFile } from '../core/contracts.js';
import type { Drawing } from '../core/types.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { buildApp, DEFAULT_WEB_ROOT } from './app.js';
import { drawingOf } from './test-digits.js';

/** The launch flags of the browser tests (headless, no sandbox, nothing fetched). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone's browser context: 390×844 CSS px at 2× with touch, for `browser.newContext`. */
export const PHONE = Object.freeze({
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
});

/** A running server and browser; `close` stops both and removes the database. */
export interface BrowserHarness {
  base: string;
  browser: Browser;
  model: ModelFile;
  dbPath: string;
  close(): Promise<void>;
}

/** Starts a server (admin token `token`, serving `model`, the default model unless given) and a browser. */
export async function startHarness(
  token = 'browser-admin',
  model: ModelFile = loadModel(DEFAULT_MODEL_PATH),
): Promise<BrowserHarness> {
  assert.ok(
    existsSync(join(DEFAULT_WEB_ROOT, 'draw.page.js')),
    `the web app is not built (${DEFAULT_WEB_ROOT}): run npm run build first`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-pad-'));
  const dbPath = join(dir, 'pad.db');
  const app: FastifyInstance = buildApp({ dbPath, model, adminToken: token });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  } catch (error) {
    // Without a browser the listening server would keep the test process alive forever.
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    base: `http://127.0.0.1:${address.port}`,
    browser,
    model,
    dbPath,
    async close() {
      await browser.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A drawing of fixture corner lists with the model's brush and canvas. */
export function fixtureFor(model: ModelFile, strokes: [number, number][][]): Drawing {
  return drawingOf(strokes, model.canvas.brushWidth, model.canvas.size);
}

interface CanvasBox {
  clientWidth: number;
  clientLeft: number;
  clientTop: number;
  getBoundingClientRect(): { left: number; top: number };
}

/**
 * Page coordinates of logical canvas coordinates (of the canvas `selector` finds, `width` logical
 * pixels wide: the model's canvas side unless given, as for a wide number pad).
 */
export async function canvasMapper(
  page: Page,
  model: ModelFile,
  selector = '#pad',
  width = model.canvas.size,
): Promise<(x: number, y: number) => [number, number]> {
  const box = await page.locator(selector).evaluate((c: CanvasBox) => {
    const r = c.getBoundingClientRect();
    return { left: r.left + c.clientLeft, top: r.top + c.clientTop, width: c.clientWidth };
  });
  const k = box.width / width;
  return (x, y) => [box.left + x * k, box.top + y * k];
}

/**
 * Draws one stroke with the mouse: presses at its first point (unless `press` is false: the
 * button is down already), moves along it, and lifts at its end (unless `lift` is false).
 */
export async function mouseStroke(
  page: Page,
  model: ModelFile,
  stroke: Drawing['strokes'][number],
  lift = true,
  press = true,
  selector = '#pad',
): Promise<void> {
  const at = await canvasMapper(page, model, selector);
  const [x0, y0] = at(stroke[0].x, stroke[0].y);
  await page.mouse.move(x0, y0);
  if (press) await page.mouse.down();
  for (const p of stroke.slice(1)) {
    const [x, y] = at(p.x, p.y);
    await page.mouse.move(x, y);
  }
  if (lift) await page.mouse.up();
}

/**
 * Draws with touch events through the DevTools protocol (pointerType "touch"), as fast as it can,
 * on a canvas `drawing.width` logical pixels wide.
 */
export async function touchDraw(
  page: Page,
  context: BrowserContext,
  model: ModelFile,
  drawing: Drawing,
  selector = '#pad',
): Promise<void> {
  const at = await canvasMapper(page, model, selector, drawing.width);
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

/** A number's strokes moved onto the wide number pad (`size` high): centred, 60% of its height. */
export function onNumberPad(d: Drawing, size: number): Drawing {
  const pts = d.strokes.flat();
  const minX = Math.min(...pts.map((p) => p.x));
  const maxX = Math.max(...pts.map((p) => p.x));
  const minY = Math.min(...pts.map((p) => p.y));
  const maxY = Math.max(...pts.map((p) => p.y));
  const width = Math.round(size * NUMBER_PAD_ASPECT);
  const k = Math.min((0.6 * size) / (maxY - minY), (0.85 * width) / (maxX - minX));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return {
    ...d,
    width,
    height: size,
    strokes: d.strokes.map((s) =>
      s.map((p) => ({ x: width / 2 + (p.x - cx) * k, y: size / 2 + (p.y - cy) * k })),
    ),
  };
}

/**
 * Writes every stroke of `drawing` with the mouse on the canvas `selector` finds (`drawing.width`
 * logical pixels wide); the button stays down at the end of the last one when `lift` is false.
 */
export async function mouseWrite(
  page: Page,
  model: ModelFile,
  drawing: Drawing,
  selector: string,
  lift = true,
): Promise<void> {
  await page.locator(selector).scrollIntoViewIfNeeded();
  for (const [i, stroke] of drawing.strokes.entries()) {
    const at = await canvasMapper(page, model, selector, drawing.width);
    const [x0, y0] = at(stroke[0].x, stroke[0].y);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p.x, p.y));
    if (lift || i < drawing.strokes.length - 1) await page.mouse.up();
  }
}

/** Opens a page and waits until it says it is ready; fails on any page error. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(errors, []);
  return page;
}

/** The text of the page's status (its live region). */
export async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('status').first().textContent()) ?? '';
}
