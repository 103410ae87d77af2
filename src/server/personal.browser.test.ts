import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { SessionExamplesJson } from '../contracts/schemas.js';
import {
  type BrowserHarness,
  fixtureFor,
  mouseStroke,
  openPage,
  startHarness,
  statusText,
} from './browser-harness.js';

// The page's globals as the callbacks below use them (the tests are type-checked without the DOM).
declare const document: {
  getElementById(
    id: string,
  ): { dataset: Record<string, string>; textContent: string | null; hidden: boolean } | null;
};
declare const localStorage: { getItem(key: string): string | null };

/**
 * This person's 7: a short flag and a long upright, which the default model reads as a 1. Each
 * drawing is moved a little (dx, dy) and its flag starts elsewhere (fx), as a hand does.
 */
function seven(dx: number, dy: number, fx: number): [number, number][][] {
  return [
    [
      [80 + fx + dx, 90 + dy],
      [150 + dx, 40 + dy],
      [150 + dx, 240 + dy],
    ],
  ];
}

const SEVENS = [
  seven(0, 0, 0),
  seven(10, 5, -8),
  seven(-12, 8, 6),
  seven(6, -10, 10),
  seven(-5, 12, -4),
];
/** Drawn after the corrections: a new 7 in the same hand. */
const NEXT = seven(14, -6, 3);

let h: BrowserHarness;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

async function draw(page: Page, strokes: [number, number][][]): Promise<string> {
  for (const stroke of fixtureFor(h.model, strokes).strokes)
    await mouseStroke(page, h.model, stroke);
  await page.waitForFunction(() => {
    const state = document.getElementById('result')?.dataset.state;
    return state === 'sure' || state === 'unsure' || state === 'not-digit';
  });
  return statusText(page);
}

async function handwritingLine(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.getElementById('handwriting');
    return el?.hidden ? '' : (document.getElementById('handwriting-line')?.textContent ?? '');
  });
}

async function clear(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction(() => document.getElementById('result')?.dataset.state === 'empty');
}

test('corrections teach the page a 7 it read as 1; a reload keeps them; Forget restores the served model', async () => {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    let page = await openPage(context, `${h.base}/`);
    assert.equal(await handwritingLine(page), '');
    // The served model reads this person's 7 as a 1.
    assert.match(await draw(page, SEVENS[0]), /^1 — /);
    let examples = 0;
    for (const strokes of SEVENS) {
      if (examples > 0) await draw(page, strokes);
      const sure7 = /^7 — /.test(await statusText(page));
      if (sure7) await page.getByRole('button', { name: "Yes, it's 7" }).click();
      else await page.locator('#digit-picker button', { hasText: /^7$/ }).click();
      examples++;
      await page.waitForFunction(
        (n) =>
          document.getElementById('handwriting-line')?.textContent ===
          `Adapted to your handwriting: ${n} example${n === 1 ? '' : 's'}.`,
        examples,
      );
    }
    assert.match(await draw(page, NEXT), /^7 — \d+% sure$/);
    // The examples are the session's feedback samples on the server.
    const session = await page.evaluate(() => localStorage.getItem('digitrec.session'));
    const stored = (await (
      await fetch(`${h.base}/api/sessions/${session}/examples`)
    ).json()) as SessionExamplesJson;
    assert.deepEqual(
      stored.examples.map((e) => e.label),
      SEVENS.map(() => 7),
    );

    // After a reload the page adapts to them again.
    await page.close();
    page = await openPage(context, `${h.base}/`);
    assert.equal(
      await handwritingLine(page),
      `Adapted to your handwriting: ${SEVENS.length} examples.`,
    );
    assert.match(await draw(page, NEXT), /^7 — \d+% sure$/);

    // Forget: the served model again, now and after another reload.
    await page.getByRole('button', { name: 'Forget my handwriting' }).click();
    await page.waitForFunction(() => document.getElementById('handwriting')?.hidden === true);
    assert.match(await statusText(page), /^1 — /, 'the drawing on the pad is read again');
    await clear(page);
    assert.match(await draw(page, NEXT), /^1 — /);
    await page.close();
    page = await openPage(context, `${h.base}/`);
    assert.equal(await handwritingLine(page), '');
    assert.match(await draw(page, NEXT), /^1 — /);
  } finally {
    await context.close();
  }
});
