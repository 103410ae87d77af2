/**
 * `<digit-pad>` in other people's pages, in real headless Chromium: a blank page on a tiny static
 * server with nothing but the script tag and the model file beside it, drawn on with the mouse
 * and a finger (offline once loaded), styled with custom properties and ::part, cleared from the
 * keyboard; and the app's demo page (`npm run build` first).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { Drawing } from '../core/types.js';
import { parseDrawingJson } from '../data/drawing-json.js';
import { DEFAULT_MODEL_PATH } from '../data/model-io.js';
import { DEFAULT_WEB_ROOT } from './app.js';
import {
  type BrowserHarness,
  mouseStroke,
  openPage,
  startHarness,
  touchDraw,
} from './browser-harness.js';

// Browser globals used inside page callbacks: this file is typechecked without the DOM library.
declare const document: {
  querySelector(s: string): unknown;
  getElementById(id: string): { textContent: string | null } | null;
};
declare const window: { events: { type: string; detail: Record<string, unknown> }[] };
declare const navigator: { onLine: boolean };
declare const scrollX: number;
declare const scrollY: number;
declare const getComputedStyle: unknown;

/** A page of someone else's: the script from a sub-folder, the model beside it, some style. */
const BLANK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Someone's form</title>
<style>
  digit-pad { --digit-pad-size: 300px; --digit-pad-ink: rgb(200, 0, 0); }
  digit-pad::part(frame) { border: 4px solid rgb(0, 128, 0); }
</style>
<script src="vendor/digit-pad.js"></script>
</head><body>
<digit-pad label="First digit of your code"></digit-pad>
<script>
  window.events = [];
  const pad = document.querySelector('digit-pad');
  for (const type of ['ready', 'digit', 'error'])
    pad.addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));
</script>
</body></html>`;

const FILES: Record<string, { type: string; body: () => Buffer | string }> = {
  '/': { type: 'text/html', body: () => BLANK_PAGE },
  '/vendor/digit-pad.js': {
    type: 'text/javascript',
    body: () => readFileSync(join(DEFAULT_WEB_ROOT, 'digit-pad.js')),
  },
  '/vendor/digitrec-model.json': {
    type: 'application/json',
    body: () => readFileSync(DEFAULT_MODEL_PATH),
  },
};

let h: BrowserHarness;
let server: Server;
let base: string;
let four: Drawing;

before(async () => {
  h = await startHarness();
  four = parseDrawingJson(
    readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'four.json'), 'utf8'),
    'four.json',
  );
  server = createServer((request, response) => {
    const file = FILES[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.type }).end(file.body());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  await h?.close();
  await new Promise((ok) => server?.close(ok));
});

const CANVAS = 'digit-pad canvas';

/** Opens the blank page and waits for the pad's `ready` event; fails on any page error. */
async function openBlank(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForFunction(() => window.events.some((e) => e.type === 'ready'));
  assert.deepEqual(errors, []);
  return page;
}

/** The `n`-th `digit` event's detail (1-based), once it has come. */
async function digitEvent(page: Page, n: number): Promise<Record<string, unknown>> {
  await page.waitForFunction(
    (k) => window.events.filter((e) => e.type === 'digit').length >= k,
    n,
    { timeout: 5000 },
  );
  return page.evaluate((k) => window.events.filter((e) => e.type === 'digit')[k - 1].detail, n);
}

describe('<digit-pad> in a blank page', () => {
  test('one script tag and the model beside it: a drawn 4 gives a digit event', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openBlank(context);
      for (const stroke of four.strokes)
        await mouseStroke(page, h.model, stroke, true, true, CANVAS);
      const d = await digitEvent(page, 1);
      assert.equal(d.digit, 4);
      assert.equal(d.verdict, 'digit');
      assert.equal(d.accepted, true);
      const p = d.probabilities as number[];
      assert.equal(p.length, 10);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.equal(d.confidence, Math.max(...p));
      assert.equal((d.drawing as Drawing).strokes.length, 2);
      assert.equal(d.model, h.model.id);
      // One event per verdict: the two strokes of the 4 were judged together.
      assert.equal(
        await page.evaluate(() => window.events.filter((e) => e.type === 'digit').length),
        1,
      );
      assert.match((await page.getByRole('status').textContent()) ?? '', /^4 — \d+% sure$/);

      // Styled from outside: the ink colour through --digit-pad-ink, the frame through ::part.
      const stroke = four.strokes[1];
      const ink = stroke[Math.floor(stroke.length / 2)];
      const style = await page.evaluate(
        ([x, y]) => {
          const host = document.querySelector('digit-pad') as {
            shadowRoot: { querySelector(s: string): unknown };
            getBoundingClientRect(): { width: number };
          };
          const canvas = host.shadowRoot.querySelector('canvas') as {
            width: number;
            getContext(t: '2d'): {
              getImageData(x: number, y: number, w: number, h: number): { data: number[] };
            };
          };
          const frame = host.shadowRoot.querySelector('.frame');
          // A point in the middle of the 4's second stroke.
          const k = canvas.width / 280;
          const px = Array.from(
            canvas.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data,
          );
          const css = (
            getComputedStyle as (e: unknown) => { borderTopColor: string; borderTopWidth: string }
          )(frame);
          return {
            px,
            width: host.getBoundingClientRect().width,
            border: { borderTopColor: css.borderTopColor, borderTopWidth: css.borderTopWidth },
          };
        },
        [ink.x, ink.y],
      );
      assert.deepEqual(style.px.slice(0, 3), [200, 0, 0], `ink pixel ${style.px}`);
      assert.equal(style.width, 300);
      assert.equal(style.border.borderTopColor, 'rgb(0, 128, 0)');
      assert.equal(style.border.borderTopWidth, '4px');

      // Accessible: a labelled drawing area, real buttons, a live status; Escape clears.
      const canvas = page.getByRole('img', { name: /^First digit of your code: drawing area/ });
      await canvas.focus();
      await page.keyboard.press('Escape');
      const cleared = await digitEvent(page, 2);
      assert.equal(cleared.verdict, 'empty');
      assert.equal(cleared.digit, -1);
      assert.equal(await page.getByRole('button', { name: 'Clear' }).isDisabled(), true);
      // Undo brings the 4 back (Ctrl+Z on the pad), and it is read again.
      await page.keyboard.press('Control+z');
      assert.equal((await digitEvent(page, 3)).digit, 4);
    } finally {
      await context.close();
    }
  });

  test('on a phone, offline once loaded: a finger-drawn 4 gives a digit event', async () => {
    const context = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = await openBlank(context);
      await context.setOffline(true);
      assert.equal(await page.evaluate(() => navigator.onLine), false);
      await touchDraw(page, context, h.model, four, CANVAS);
      const d = await digitEvent(page, 1);
      assert.equal(d.digit, 4);
      assert.equal(d.verdict, 'digit');
      // The page did not scroll or zoom under the finger (touch-action: none on the canvas).
      assert.deepEqual(await page.evaluate(() => [scrollX, scrollY]), [0, 0]);
    } finally {
      await context.close();
    }
  });

  test('a model that cannot be loaded is said in the pad and in an error event', async () => {
    const context = await h.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(base);
      await page.evaluate(() => {
        (
          document.querySelector('digit-pad') as { setAttribute(k: string, v: string): void }
        ).setAttribute('model', '/missing.json');
      });
      await page.waitForFunction(() => window.events.some((e) => e.type === 'error'));
      assert.match(
        (await page.getByRole('status').textContent()) ?? '',
        /cannot read digits: could not load the model .*missing\.json: 404/,
      );
    } finally {
      await context.close();
    }
  });
});

test("the app's demo page (/embed): both pads read a drawn 4", async () => {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openPage(context, `${h.base}/embed`);
    for (const id of ['plain', 'styled']) {
      for (const stroke of four.strokes)
        await mouseStroke(page, h.model, stroke, true, true, `#${id} canvas`);
      await page.waitForFunction(
        (i) => /"digit": 4/.test(document.getElementById(`${i}-event`)?.textContent ?? ''),
        id,
        { timeout: 5000 },
      );
      assert.match((await page.locator(`#${id}-event`).textContent()) ?? '', /"verdict": "digit"/);
    }
  } finally {
    await context.close();
  }
});
