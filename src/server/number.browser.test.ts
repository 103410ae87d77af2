import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRng } from '../core/random.js';
import { templateNumber } from '../core/synth/numbers.js';
import {
  type BrowserHarness,
  fixtureFor,
  mouseStroke,
  mouseWrite,
  onNumberPad,
  openPage,
  startHarness,
} from './browser-harness.js';
import { DIGIT_STROKES } from './test-digits.js';

// The page's globals as the callbacks below use them (the tests are type-checked without the DOM).
declare const document: {
  getElementById(
    id: string,
  ): { dataset: Record<string, string>; textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

interface CanvasPixels {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

// A real server with the default model, and Debian's Chromium.
let h: BrowserHarness;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`number mode at ${viewport.width}×${viewport.height}: "2026" written with the mouse reads 2026`, async () => {
    const context = await h.browser.newContext({ viewport });
    try {
      const page = await openPage(context, `${h.base}/`);
      assert.equal(await page.locator('#number-mode').isVisible(), false);
      await page.getByRole('button', { name: 'A number' }).click();
      assert.equal(await page.locator('#number-mode').isVisible(), true);
      assert.equal(
        await page.locator('#pad').isVisible(),
        false,
        'the digit pad is out of the way',
      );
      assert.equal(
        await page.getByRole('button', { name: 'A number' }).getAttribute('aria-pressed'),
        'true',
      );
      const written = onNumberPad(
        templateNumber('2026', createRng(2026)).drawing,
        h.model.canvas.size,
      );
      await mouseWrite(page, h.model, written, '#number-pad');
      await page.waitForFunction(
        () =>
          /^2026 — \d+% sure$/.test(document.getElementById('number-status')?.textContent ?? ''),
        undefined,
        { timeout: 60_000 },
      );
      assert.equal(await page.locator('#number-digits li').count(), 4);
      assert.equal(await page.locator('.number-digit.unsure').count(), 0);
      // Undo takes the 6's stroke away: three digits remain, read as 202.
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.waitForFunction(() =>
        (document.getElementById('number-status')?.textContent ?? '').startsWith('202'),
      );
      if (process.env.DIGITREC_SCREENSHOTS) {
        await page.getByRole('button', { name: 'Undo' }).click();
        await mouseWrite(
          page,
          h.model,
          { ...written, strokes: written.strokes.slice(-2) },
          '#number-pad',
        );
        await page.waitForTimeout(800);
        await page.screenshot({
          path: `${process.env.DIGITREC_SCREENSHOTS}/number-${viewport.width}.png`,
          fullPage: true,
        });
      }
      // Back to one digit: the single-digit pad again.
      await page.getByRole('button', { name: 'One digit' }).click();
      assert.equal(await page.locator('#pad').isVisible(), true);
      assert.equal(await page.locator('#number-mode').isVisible(), false);
    } finally {
      await context.close();
    }
  });
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`Why? at ${viewport.width}×${viewport.height}: a 7 painted toward 7 and toward the runner-up, with its parts`, async () => {
    const context = await h.browser.newContext({ viewport });
    try {
      const page = await openPage(context, `${h.base}/`);
      for (const stroke of fixtureFor(h.model, DIGIT_STROKES.seven).strokes)
        await mouseStroke(page, h.model, stroke);
      await page.waitForFunction(() =>
        /^7 — /.test(document.getElementById('status')?.textContent ?? ''),
      );
      assert.equal(await page.locator('#why-view').isVisible(), false);
      await page.getByRole('button', { name: 'Why?' }).click();
      assert.equal(await page.locator('#why-view').isVisible(), true);
      const text = (await page.locator('#why-text').textContent()) ?? '';
      assert.match(
        text,
        /^Why 7 rather than \d: orange pushed toward 7, blue toward \d\. The picture [+−]\d/,
      );
      assert.match(text, /the pen's path [+−]\d/);
      // Orange (toward 7) and blue (toward the runner-up) pixels are both on the image.
      const colours = await page.locator('#why-image').evaluate((c: CanvasPixels) => {
        const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let orange = 0;
        let blue = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] > d[i + 2] + 60) orange++;
          if (d[i + 2] > d[i] + 60) blue++;
        }
        return { orange, blue };
      });
      assert.ok(colours.orange > 0 && colours.blue > 0, JSON.stringify(colours));
      if (process.env.DIGITREC_SCREENSHOTS)
        await page.screenshot({
          path: `${process.env.DIGITREC_SCREENSHOTS}/why-${viewport.width}.png`,
          fullPage: true,
        });
    } finally {
      await context.close();
    }
  });
}
