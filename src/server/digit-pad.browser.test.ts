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
import { createRng } from '../core/random.js';
import { templateNumber } from '../core/synth/numbers.js';
import type { Drawing } from '../core/types.js';
import { parseDrawingJson } from '../data/drawing-json.js';
import { DEFAULT_MODEL_PATH } from '../data/model-io.js';
import { DEFAULT_WEB_ROOT } from './app.js';
import {
  type BrowserHarness,
  mouseStroke,
  mouseWrite,
  onNumberPad,
  openPage,
  PHONE,
  startHarness,
  touchDraw,
} from './browser-harness.js';
import { polyline } from './test-digits.js';

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

/**
 * A page of someone else's: the script from a sub-folder, the model beside it, some style, and
 * one pad with `attributes`.
 */
const blankPage = (attributes: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Someone's form</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  digit-pad { --digit-pad-size: 300px; --digit-pad-ink: rgb(200, 0, 0); }
  digit-pad::part(frame) { border: 4px solid rgb(0, 128, 0); }
</style>
<script src="vendor/digit-pad.js"></script>
</head><body>
<digit-pad ${attributes}></digit-pad>
<script>
  window.events = [];
  const pad = document.querySelector('digit-pad');
  for (const type of ['ready', 'digit', 'number', 'error'])
    pad.addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));
</script>
</body></html>`;

/** The blank page's pad when the URL gives none (`/?pad=…` gives its attributes). */
const DEFAULT_PAD = 'label="First digit of your code"';

const FILES: Record<string, { type: string; body: () => Buffer | string }> = {
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
/** "2026" as the template writes it (a stroke a digit), on the wide pad. */
let year: Drawing;
/**
 * The same with its 6 swapped for one stroke halfway between a 1 and a 7 (a down-stroke with a
 * short flag, 0.37 of a full 7's): the default model reads 1 or 7 at 50–80% however the pointer
 * rounds it, below the 85% a number needs, so only that digit is unsure.
 */
let ambiguous: Drawing;

before(async () => {
  h = await startHarness();
  four = parseDrawingJson(
    readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'four.json'), 'utf8'),
    'four.json',
  );
  year = {
    ...onNumberPad(templateNumber('2026', createRng(2026)).drawing, h.model.canvas.size),
    brushWidth: h.model.canvas.brushWidth,
  };
  assert.equal(year.strokes.length, 4, 'one stroke a digit');
  const six = year.strokes[3];
  const xs = six.map((p) => p.x);
  const ys = six.map((p) => p.y);
  const [top, bottom] = [Math.min(...ys), Math.max(...ys)];
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const height = bottom - top;
  const flag = 0.37;
  ambiguous = {
    ...year,
    strokes: [
      ...year.strokes.slice(0, 3),
      polyline([
        [cx - 0.5 * flag * height, top + 0.15 * flag * height],
        [cx + 0.1 * height, top],
        [cx, bottom],
      ]),
    ],
  };
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/')
      return void response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(blankPage(url.searchParams.get('pad') ?? DEFAULT_PAD));
    const file = FILES[url.pathname];
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

/**
 * Opens the blank page (its pad with `pad`'s attributes) and waits for the pad's `ready` event;
 * fails on any page error.
 */
async function openBlank(context: BrowserContext, pad = DEFAULT_PAD): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/?pad=${encodeURIComponent(pad)}`);
  await page.waitForFunction(() => window.events.some((e) => e.type === 'ready'));
  assert.deepEqual(errors, []);
  return page;
}

/** The `n`-th event of `type` (1-based; default `digit`), once it has come: its detail. */
async function padEvent(page: Page, n: number, type = 'digit'): Promise<Record<string, unknown>> {
  await page.waitForFunction(
    ([k, t]) => window.events.filter((e) => e.type === t).length >= k,
    [n, type] as const,
    { timeout: 10_000 },
  );
  return page.evaluate(([k, t]) => window.events.filter((e) => e.type === t)[k - 1].detail, [
    n,
    type,
  ] as const);
}

const digitEvent = (page: Page, n: number) => padEvent(page, n);

/** The latest `number` event's detail ({} before the first). */
const lastNumber = (page: Page): Promise<Record<string, unknown>> =>
  page.evaluate(() => window.events.filter((e) => e.type === 'number').at(-1)?.detail ?? {});

/**
 * The detail of the latest `number` event once one has read `strokes` strokes (a pause between
 * two strokes of a fast test may give an event of its own before).
 */
async function numberOf(page: Page, strokes: number): Promise<Record<string, unknown>> {
  await page.waitForFunction(
    (n) =>
      (
        window.events.filter((e) => e.type === 'number').at(-1)?.detail.drawing as
          | Drawing
          | undefined
      )?.strokes.length === n,
    strokes,
    { timeout: 10_000 },
  );
  return lastNumber(page);
}

/** How many events of `type` the page has had. */
const eventCount = (page: Page, type: string) =>
  page.evaluate((t) => window.events.filter((e) => e.type === t).length, type);

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
    const context = await h.browser.newContext(PHONE);
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

/** The pad's number marks: each one's class list and left edge (percent of the pad). */
async function marks(page: Page): Promise<{ unsure: boolean; left: number; colour: string }[]> {
  return page.evaluate(() => {
    const host = document.querySelector('digit-pad') as {
      shadowRoot: {
        querySelectorAll(s: string): Iterable<{
          classList: { contains(c: string): boolean };
          style: { left: string };
        }>;
      };
    };
    return [...host.shadowRoot.querySelectorAll('.number-mark')].map((m) => ({
      unsure: m.classList.contains('unsure'),
      left: Number.parseFloat(m.style.left),
      colour: (getComputedStyle as (e: unknown) => { borderTopColor: string })(m).borderTopColor,
    }));
  });
}

describe('<digit-pad mode="number"> in a blank page', () => {
  test('"2026" written with the mouse gives a number event reading 2026, after the pen-up only', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openBlank(context, 'mode="number" label="Year"');
      // The wide pad: 2.5 × --digit-pad-size (300px here) wide, its canvas 5:2.
      const width = await page
        .locator('digit-pad')
        .evaluate(
          (e: { getBoundingClientRect(): { width: number } }) => e.getBoundingClientRect().width,
        );
      assert.equal(width, 750);
      const box = await page.locator(CANVAS).boundingBox();
      assert.ok(box);
      assert.ok(Math.abs(box.width / box.height - 2.5) < 0.01, `${box.width}×${box.height}`);
      assert.match(
        (await page.getByRole('img', { name: /^Year: drawing area/ }).getAttribute('aria-label')) ??
          '',
        /Escape clears/,
      );
      assert.equal(await page.getByRole('status').textContent(), 'Write a number to start');
      await mouseWrite(page, h.model, { ...year, strokes: year.strokes.slice(0, 3) }, CANVAS);
      const first = await numberOf(page, 3);
      // The last stroke with the button held past the pause: no event mid-stroke.
      const before = await eventCount(page, 'number');
      await mouseWrite(page, h.model, { ...year, strokes: year.strokes.slice(3) }, CANVAS, false);
      await page.waitForTimeout(900);
      assert.equal(
        await eventCount(page, 'number'),
        before,
        'no number event while the pen is down',
      );
      await page.mouse.up();
      const d = await padEvent(page, before + 1, 'number');
      // One event for the stroke, at its pen-up pause (read again: no second one came).
      await page.waitForTimeout(600);
      assert.equal(await eventCount(page, 'number'), before + 1);
      assert.equal(first.number, '202');
      assert.equal(d.number, '2026');
      assert.equal(d.accepted, true);
      assert.equal(d.empty, false);
      assert.equal(d.problem, null);
      assert.deepEqual(d.hints, {});
      const digits = d.digits as { digit: number; confidence: number; unsure: boolean }[];
      assert.deepEqual(
        digits.map((g) => [g.digit, g.unsure]),
        [
          [2, false],
          [0, false],
          [2, false],
          [6, false],
        ],
      );
      const alternatives = d.alternatives as { number: string; probability: number }[];
      assert.equal(alternatives[0].number, '2026');
      assert.equal(d.confidence, alternatives[0].probability);
      assert.ok((d.confidence as number) >= 0.85);
      const drawing = d.drawing as Drawing;
      assert.deepEqual([drawing.width, drawing.height, drawing.strokes.length], [700, 280, 4]);
      assert.equal(d.model, h.model.id);
      assert.match((await page.getByRole('status').textContent()) ?? '', /^2026 — \d+% sure$/);
      // No digit marked; one box per digit on the pad; the digits listed.
      assert.deepEqual(
        (await marks(page)).map((m) => m.unsure),
        [false, false, false, false],
      );
      assert.equal(
        await page.getByRole('list', { name: 'Each digit and how sure' }).locator('li').count(),
        4,
      );
      // Undo takes the 6 away, and that is read at once.
      await page.getByRole('button', { name: 'Undo' }).click();
      assert.equal((await padEvent(page, before + 2, 'number')).number, '202');
    } finally {
      await context.close();
    }
  });

  test('length="4": three digits cannot be the number, the fourth makes it 2026', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openBlank(context, 'mode="number" length="4"');
      await mouseWrite(page, h.model, { ...year, strokes: year.strokes.slice(0, 3) }, CANVAS);
      const three = await numberOf(page, 3);
      assert.deepEqual(three.hints, { length: 4 });
      assert.equal(three.number, '');
      assert.equal(three.accepted, false);
      assert.equal(three.problem, 'the 3 strokes cannot be read as 4 digits');
      assert.match(
        (await page.getByRole('status').textContent()) ?? '',
        /^Not sure — the 3 strokes/,
      );
      await mouseWrite(page, h.model, { ...year, strokes: year.strokes.slice(3) }, CANVAS);
      const d = await numberOf(page, 4);
      assert.equal(d.number, '2026');
      assert.equal(d.accepted, true);
      assert.equal(d.problem, null);
    } finally {
      await context.close();
    }
  });

  test('on a phone, offline once loaded: "2026" written with a finger reads 2026', async () => {
    const context = await h.browser.newContext(PHONE);
    try {
      const page = await openBlank(context, 'mode="number"');
      await context.setOffline(true);
      // The wide pad fits the phone: as wide as the page allows, still 5:2.
      const box = await page.locator(CANVAS).boundingBox();
      assert.ok(box && box.width <= 390, `the pad is ${box?.width} px wide`);
      assert.ok(Math.abs(box.width / box.height - 2.5) < 0.02, `${box.width}×${box.height}`);
      await touchDraw(page, context, h.model, year, CANVAS);
      await page.waitForFunction(
        () => window.events.some((e) => e.type === 'number' && e.detail.number === '2026'),
        undefined,
        { timeout: 10_000 },
      );
      const last = await lastNumber(page);
      assert.equal(last.accepted, true);
      assert.equal((last.drawing as Drawing).strokes.length, 4);
      assert.deepEqual(await page.evaluate(() => [scrollX, scrollY]), [0, 0]);
    } finally {
      await context.close();
    }
  });

  test('a digit between 1 and 7: only it is marked, on the pad and in words; Redraw or a pick fixes it', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openBlank(context, 'mode="number"');
      await mouseWrite(page, h.model, ambiguous, CANVAS);
      await page.waitForFunction(
        () =>
          window.events.some(
            (e) => e.type === 'number' && (e.detail.digits as unknown[]).length === 4,
          ),
        undefined,
        { timeout: 10_000 },
      );
      const d = await lastNumber(page);
      assert.ok(d);
      const digits = d.digits as {
        digit: number;
        unsure: boolean;
        choices: number[];
        strokes: number[];
      }[];
      assert.deepEqual(
        digits.map((g) => g.unsure),
        [false, false, false, true],
      );
      assert.deepEqual(
        digits.slice(0, 3).map((g) => g.digit),
        [2, 0, 2],
      );
      assert.deepEqual([...digits[3].choices.slice(0, 2)].sort(), [1, 7]);
      assert.deepEqual(digits[3].strokes, [3]);
      assert.equal(d.accepted, false);
      // The mark is the fourth box, the rightmost, in the warning colour; the others are clear.
      const m = await marks(page);
      assert.deepEqual(
        m.map((x) => x.unsure),
        [false, false, false, true],
      );
      assert.ok(m[3].left > Math.max(m[0].left, m[1].left, m[2].left));
      assert.equal(m[3].colour, 'rgb(154, 103, 0)');
      assert.equal(m[0].colour, 'rgba(0, 0, 0, 0)');
      // The live status names the number so far and the digit to fix.
      const status = (await page.getByRole('status').textContent()) ?? '';
      assert.match(
        status,
        /^Not sure of the fourth digit \((1 or 7|7 or 1)\?\) — redraw it or pick it\. Reading so far: 202[17]$/,
      );
      // Redraw removes just that digit's stroke; a clear 6 in its place reads 2026.
      const count = await eventCount(page, 'number');
      await page.getByRole('button', { name: 'Redraw' }).click();
      const redrawn = await padEvent(page, count + 1, 'number');
      assert.equal(redrawn.number, '202');
      assert.equal((redrawn.drawing as Drawing).strokes.length, 3);
      await mouseWrite(page, h.model, { ...year, strokes: year.strokes.slice(3) }, CANVAS);
      await page.waitForFunction(() => window.events.at(-1)?.detail.number === '2026', undefined, {
        timeout: 10_000,
      });
      assert.equal(await page.evaluate(() => window.events.at(-1)?.detail.accepted), true);
      // Written again, and the person picks 7: 2027, accepted, the digit marked as picked.
      await page.getByRole('button', { name: 'Clear' }).click();
      await mouseWrite(page, h.model, ambiguous, CANVAS);
      await page.getByRole('button', { name: '7', exact: true }).click();
      await page.waitForFunction(() => window.events.at(-1)?.detail.number === '2027');
      const picked = await lastNumber(page);
      assert.equal(picked.accepted, true);
      const last = (picked.digits as { digit: number; picked: boolean; unsure: boolean }[])[3];
      assert.deepEqual([last.digit, last.picked, last.unsure], [7, true, false]);
      assert.match((await page.getByRole('status').textContent()) ?? '', /^2027 — fixed by you$/);
      assert.deepEqual(
        (await marks(page)).map((x) => x.unsure),
        [false, false, false, false],
      );
    } finally {
      await context.close();
    }
  });

  test('a bad attribute is named in the console and an error event, and left out', async () => {
    const context = await h.browser.newContext();
    try {
      const page = await context.newPage();
      const logged: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') logged.push(msg.text());
      });
      await page.goto(`${base}/?pad=${encodeURIComponent('mode="number" length="four"')}`);
      await page.waitForFunction(() => window.events.some((e) => e.type === 'ready'));
      const expected =
        '<digit-pad>: the length attribute must be a whole number from 1 to 20, got "four"';
      assert.deepEqual(
        await page.evaluate(() =>
          window.events.filter((e) => e.type === 'error').map((e) => e.detail),
        ),
        [{ message: expected, attribute: 'length' }],
      );
      assert.deepEqual(logged, [expected]);
      // Still a number pad, read without the length.
      await mouseWrite(page, h.model, year, CANVAS);
      await page.waitForFunction(() => window.events.at(-1)?.detail.number === '2026', undefined, {
        timeout: 10_000,
      });
      // A range the wrong way round, set later, is named too.
      await page.evaluate(() => {
        const pad = document.querySelector('digit-pad') as {
          setAttribute(k: string, v: string): void;
        };
        pad.setAttribute('min', '3000');
        pad.setAttribute('max', '100');
      });
      await page.waitForFunction(() => window.events.some((e) => e.detail.attribute === 'max'));
      assert.match(
        (await page.evaluate(
          () => window.events.find((e) => e.detail.attribute === 'max')?.detail.message,
        )) as string,
        /the max attribute must be at least min \(3000\), got "100"$/,
      );
    } finally {
      await context.close();
    }
  });
});

test("the app's demo page (/embed): both digit pads read a drawn 4, the number pad 2026", async () => {
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
    await mouseWrite(page, h.model, year, '#number canvas');
    await page.waitForFunction(
      () => /"number": "2026"/.test(document.getElementById('number-event')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    const shown = (await page.locator('#number-event').textContent()) ?? '';
    assert.match(shown, /^number event\n/);
    assert.match(shown, /"accepted": true/);
    assert.match(shown, /"hints": \{"length":4\}/);
  } finally {
    await context.close();
  }
});
