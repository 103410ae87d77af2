/**
 * The drawing pad on touch screens, the live answer while drawing, and the pages' layout at four
 * viewport sizes, in real headless Chromium against a real server (`npm run build` first).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BrowserHarness,
  fixtureFor,
  openPage,
  startHarness,
  touchDraw,
} from './browser-harness.js';
import { DIGIT_STROKES } from './test-digits.js';

// Browser globals used inside page callbacks: this file is typechecked without the DOM library.
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
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
