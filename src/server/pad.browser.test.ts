/**
 * The drawing pad on touch screens, the live answer while drawing, and the pages' layout at four
 * viewport sizes, in real headless Chromium against a real server (`npm run build` first).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRecognizer } from '../core/recognizer.js';
import {
  type BrowserHarness,
  canvasMapper,
  fixtureFor,
  mouseStroke,
  openPage,
  startHarness,
  statusText,
  touchDraw,
} from './browser-harness.js';
import { DIGIT_STROKES } from './test-digits.js';

// Browser globals used inside page callbacks: this file is typechecked without the DOM library.
declare const document: {
  getElementById(
    id: string,
  ): { textContent: string | null; dataset: Record<string, string | undefined> } | null;
};

let h: BrowserHarness;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

describe('touch', () => {
  test('a tap on Clear right after a fast finger stroke clears the pad', async () => {
    const context = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = await openPage(context, `${h.base}/`);
      for (let i = 0; i < 3; i++) {
        await touchDraw(page, context, h.model, fixtureFor(h.model, DIGIT_STROKES.seven));
        const clear = page.getByRole('button', { name: 'Clear', exact: true });
        await page.waitForFunction(
          () => !(document.getElementById('clear') as unknown as { disabled: boolean }).disabled,
        );
        const box = await clear.boundingBox();
        assert.ok(box);
        await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
        await page.waitForFunction(
          () => /Draw a digit/.test(document.getElementById('status')?.textContent ?? ''),
          undefined,
          { timeout: 3000 },
        );
      }
    } finally {
      await context.close();
    }
  });
});

describe('the live answer', () => {
  test('no verdict while a stroke is drawn, nor between the strokes of a two-stroke digit', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      // The page's timers and frames run only when the test says (no race with the pause).
      await context.clock.install();
      const page = await openPage(context, `${h.base}/`);
      await context.clock.pauseAt(Date.now() + 60_000);
      const state = () => page.locator('#result').getAttribute('data-state');
      const yes = page.getByRole('button', { name: /^Yes/ });
      const frame = () => context.clock.runFor(20);
      // A 7 in two strokes: the bar, then the stem.
      const [bar, stem] = fixtureFor(h.model, [
        [
          [78, 58],
          [204, 58],
        ],
        [
          [204, 58],
          [120, 236],
        ],
      ]).strokes;
      // The first frame of the first stroke, and the whole stroke with the button still down.
      const at = await canvasMapper(page, h.model);
      await page.mouse.move(...at(bar[0].x, bar[0].y));
      await page.mouse.down();
      await frame();
      assert.equal(await state(), 'live');
      assert.doesNotMatch(await statusText(page), /sure|%/);
      await mouseStroke(page, h.model, bar, false, false);
      await frame();
      assert.equal(await state(), 'live');
      assert.doesNotMatch(await statusText(page), /sure|%/);
      assert.equal(await yes.isVisible(), false);
      // Pen up, and the second stroke begins 300 ms later, within the pause: still no verdict.
      await page.mouse.up();
      await context.clock.runFor(300);
      assert.equal(await state(), 'live');
      assert.equal(await yes.isVisible(), false);
      await mouseStroke(page, h.model, stem, false);
      await frame();
      assert.equal(await state(), 'live');
      assert.equal(await yes.isVisible(), false);
      await page.mouse.up();
      await context.clock.runFor(300);
      assert.equal(await state(), 'live', 'no verdict 300 ms after the last pen-up');
      // The verdict comes after the pause (400 ms).
      await context.clock.runFor(200);
      assert.equal(await state(), 'sure');
      assert.match(await statusText(page), /^7 — \d+% sure$/);
      assert.equal(await yes.isVisible(), true);
    } finally {
      await context.close();
    }
  });
});

const SIZES = [
  { width: 390, height: 844 },
  { width: 844, height: 390 },
  { width: 768, height: 1024 },
  { width: 1280, height: 800 },
];

/** Where screenshots go when DIGITREC_SCREENSHOTS names a folder (to look at them). */
const SHOTS = process.env.DIGITREC_SCREENSHOTS;

describe('the layout', () => {
  before(async () => {
    // A few samples, so the Data page has thumbnails and counts to lay out.
    for (const [label, name] of [
      [1, 'one'],
      [7, 'seven'],
      [0, 'zero'],
    ] as const) {
      const res = await fetch(`${h.base}/api/samples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          label,
          drawing: fixtureFor(h.model, DIGIT_STROKES[name]),
          source: 'collect',
          sessionId: 's-layout',
        }),
      });
      assert.equal(res.status, 201);
    }
  });

  for (const size of SIZES) {
    const name = `${size.width}x${size.height}`;
    test(`at ${name} no page scrolls sideways, the pad and its toolbar are in the viewport and the picker's buttons are ≥ 44 px wide`, async () => {
      const context = await h.browser.newContext({
        viewport: size,
        hasTouch: size.width < 1000,
        isMobile: size.width < 1000,
      });
      try {
        for (const path of ['/', '/collect', '/data', '/embed']) {
          const page = await openPage(context, `${h.base}${path}`);
          const pageWidth = await page.evaluate(
            () =>
              (document as unknown as { documentElement: { scrollWidth: number } }).documentElement
                .scrollWidth,
          );
          assert.ok(pageWidth <= size.width, `${path} at ${name} is ${pageWidth} px wide`);
          for (const id of path === '/data' || path === '/embed' ? [] : ['#pad', '#clear']) {
            const box = await page.locator(id).boundingBox();
            assert.ok(box, `${path} ${id} is laid out`);
            assert.ok(
              box.x >= 0 &&
                box.y >= 0 &&
                box.x + box.width <= size.width &&
                box.y + box.height <= size.height,
              `${path} at ${name}: ${id} ${JSON.stringify(box)} is inside the viewport`,
            );
          }
          if (path === '/') {
            await touchOrMouseDraw(page, context, size.width < 1000);
            await page.waitForSelector('#digit-picker button');
            await page.waitForFunction(
              () => document.getElementById('result')?.dataset.state === 'sure',
            );
            const widths = await page
              .locator('#digit-picker button')
              .evaluateAll((bs) =>
                bs.map((b) => (b as unknown as { offsetWidth: number }).offsetWidth),
              );
            assert.equal(widths.length, 10);
            assert.ok(
              widths.every((w) => w >= 44),
              `picker buttons at ${name}: ${widths.join(', ')} px`,
            );
          }
          if (SHOTS) {
            const file = path === '/' ? 'draw' : path.slice(1);
            await page.screenshot({ path: `${SHOTS}/${file}-${name}.png`, fullPage: true });
          }
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }

  async function touchOrMouseDraw(
    page: Awaited<ReturnType<typeof openPage>>,
    context: Parameters<typeof touchDraw>[1],
    touch: boolean,
  ): Promise<void> {
    const seven = fixtureFor(h.model, DIGIT_STROKES.seven);
    if (touch) await touchDraw(page, context, h.model, seven);
    else await mouseStroke(page, h.model, seven.strokes[0]);
  }
});

describe('focus and colour scheme', () => {
  test('focus goes to Undo after Clear and to the pad after Yes', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openPage(context, `${h.base}/`);
      const focused = () =>
        page.evaluate(
          () => (document as unknown as { activeElement: { id: string } }).activeElement.id,
        );
      const seven = fixtureFor(h.model, DIGIT_STROKES.seven);
      await mouseStroke(page, h.model, seven.strokes[0]);
      await page.getByRole('button', { name: 'Clear', exact: true }).focus();
      await page.keyboard.press('Enter');
      assert.equal(await focused(), 'undo');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.getElementById('result')?.dataset.state === 'sure');
      await page.getByRole('button', { name: "Yes, it's 7" }).focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() =>
        /saved as a 7/.test(document.getElementById('saved')?.textContent ?? ''),
      );
      assert.equal(await focused(), 'pad');
    } finally {
      await context.close();
    }
  });

  test('on Collect, Clear can be undone, and focus goes to Undo after Clear and to the pad after Save', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await openPage(context, `${h.base}/collect`);
      const focused = () =>
        page.evaluate(
          () => (document as unknown as { activeElement: { id: string } }).activeElement.id,
        );
      const saveDisabled = () =>
        page.evaluate(
          () => (document.getElementById('save') as unknown as { disabled: boolean }).disabled,
        );
      const asked = Number(await page.locator('#ask').getAttribute('data-digit'));
      const one = fixtureFor(h.model, DIGIT_STROKES.one);
      // Collect asks first when the model reads the 1 as sure and another digit is asked for.
      const reading = createRecognizer(h.model).recognizeDrawing(one);
      const doubted =
        reading.verdict === 'not-a-digit' ||
        (reading.verdict === 'digit' && reading.digit !== asked);
      await mouseStroke(page, h.model, one.strokes[0]);
      assert.equal(await saveDisabled(), false);
      await page.getByRole('button', { name: 'Clear', exact: true }).focus();
      await page.keyboard.press('Enter');
      assert.equal(await saveDisabled(), true, 'nothing to save after Clear');
      assert.equal(await focused(), 'undo');
      await page.keyboard.press('Enter');
      assert.equal(await saveDisabled(), false, 'Undo brought the drawing back');
      await page.getByRole('button', { name: 'Save', exact: true }).focus();
      await page.keyboard.press('Enter');
      if (doubted) {
        await page.waitForFunction(() => document.getElementById('confirm-text')?.textContent);
        assert.equal(await focused(), 'confirm-save', 'the question takes the focus');
        await page.keyboard.press('Enter');
      }
      await page.waitForFunction(
        (d) =>
          document.getElementById('saved')?.textContent ===
          `Saved your ${d}. Here is the next one.`,
        asked,
      );
      assert.equal(await focused(), 'pad');
    } finally {
      await context.close();
    }
  });

  test('dark mode follows prefers-color-scheme, the pad too', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await h.browser.newContext({
        viewport: { width: 390, height: 844 },
        colorScheme,
      });
      try {
        const page = await openPage(context, `${h.base}/`);
        const [body, paper] = await page.evaluate(() => {
          const g = globalThis as unknown as {
            getComputedStyle(e: unknown): { backgroundColor: string };
            document: {
              documentElement: unknown;
              getElementById(id: string): {
                getContext(k: '2d'): {
                  getImageData(x: number, y: number, w: number, h: number): { data: number[] };
                };
              };
            };
          };
          const px = g.document.getElementById('pad').getContext('2d').getImageData(2, 2, 1, 1);
          return [
            g.getComputedStyle(g.document.documentElement).backgroundColor,
            Array.from(px.data),
          ];
        });
        const bodyLevel = Number(/\d+/.exec(body)?.[0]);
        if (colorScheme === 'dark') {
          assert.ok(bodyLevel < 60, `dark page background ${body}`);
          assert.ok(paper[0] < 60, `dark pad paper ${paper}`);
        } else {
          assert.ok(bodyLevel > 200, `light page background ${body}`);
          assert.ok(paper[0] > 200, `light pad paper ${paper}`);
        }
      } finally {
        await context.close();
      }
    }
  });
});

describe('what the pages load', () => {
  test('Collect gets only the canvas, never the model; Draw gets the model; every page has a favicon', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const requested = new Map<string, string[]>();
      for (const path of ['/', '/collect', '/data']) {
        const page = await context.newPage();
        const urls: string[] = [];
        page.on('request', (r) => urls.push(new URL(r.url()).pathname));
        await page.goto(`${h.base}${path}`);
        await page.waitForSelector('body[data-ready="true"]');
        requested.set(path, urls);
        const icon = await page.locator('link[rel="icon"]').getAttribute('href');
        assert.equal(icon, '/favicon.svg', `${path} names its favicon`);
        await page.close();
      }
      assert.ok(requested.get('/')?.includes('/api/model'), 'the Draw page runs the model');
      assert.ok(requested.get('/collect')?.includes('/api/model/canvas'));
      assert.equal(requested.get('/collect')?.includes('/api/model'), false);
      const res = await fetch(`${h.base}/favicon.svg`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
      assert.match(await res.text(), /^<svg /);
    } finally {
      await context.close();
    }
  });
});
