import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tinyJunkModel } from '../data/junk-fixture.js';
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
  ): { dataset: Record<string, string>; textContent: string | null } | null;
};

/** The part of `GET /api/samples` this test reads. */
interface SampleList {
  total: number;
  samples: { label: number; notDigit: boolean; source: string }[];
}

/** A # in four strokes: two slanted uprights and two bars. */
const HASH: [number, number][][] = [
  [
    [120, 50],
    [100, 230],
  ],
  [
    [185, 50],
    [165, 230],
  ],
  [
    [60, 110],
    [230, 110],
  ],
  [
    [55, 170],
    [225, 170],
  ],
];

// A real server serving a small model with a not-a-digit reader, and Debian's Chromium.
let h: BrowserHarness;
before(async () => {
  h = await startHarness('browser-admin', tinyJunkModel());
});
after(() => h?.close());

test('a # is answered "That doesn\'t look like a digit" and saved as a digit only on a second press', async () => {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await openPage(context, `${h.base}/`);
    const hash = fixtureFor(h.model, HASH);
    for (const stroke of hash.strokes) await mouseStroke(page, h.model, stroke);
    await page.waitForFunction(
      () => document.getElementById('result')?.dataset.state === 'not-digit',
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(
      await statusText(page),
      "That doesn't look like a digit. Please draw one digit, 0 to 9.",
    );
    assert.equal(await page.getByRole('button', { name: /^Yes/ }).isVisible(), false);
    // One press of 4 asks again; nothing is stored yet.
    const four = page.locator('#digit-picker button', { hasText: /^4$/ });
    await four.click();
    await page.waitForFunction(() =>
      /Save it as a 4 anyway\? Press 4 again\./.test(
        document.getElementById('feedback-question')?.textContent ?? '',
      ),
    );
    let res = await fetch(`${h.base}/api/samples`);
    assert.equal(((await res.json()) as SampleList).total, 0);
    // The second press stores it, confirmed.
    await four.click();
    await page.waitForFunction(() =>
      /saved as a 4/.test(document.getElementById('saved')?.textContent ?? ''),
    );
    res = await fetch(`${h.base}/api/samples`);
    const list = (await res.json()) as SampleList;
    assert.equal(list.total, 1);
    assert.equal(list.samples[0].label, 4);
  } finally {
    await context.close();
  }
});

test('Collect asks before saving a # as the digit it asked for; "Save anyway" stores it marked', async () => {
  const context = await h.browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await openPage(context, `${h.base}/collect`);
    const before = ((await (await fetch(`${h.base}/api/samples`)).json()) as SampleList).total;
    const asked = Number(await page.locator('#ask').getAttribute('data-digit'));
    for (const stroke of fixtureFor(h.model, HASH).strokes)
      await mouseStroke(page, h.model, stroke);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction(
      (d) =>
        new RegExp(`^That doesn't look like a digit to me\\. Save it as an? ${d} anyway\\?$`).test(
          document.getElementById('confirm-text')?.textContent ?? '',
        ),
      asked,
    );
    let list = (await (await fetch(`${h.base}/api/samples`)).json()) as SampleList;
    assert.equal(list.total, before, 'nothing stored before the answer');
    await page.getByRole('button', { name: 'Save anyway' }).click();
    await page.waitForFunction(
      (d) => (document.getElementById('saved')?.textContent ?? '').includes(`Saved your ${d}`),
      asked,
    );
    list = (await (await fetch(`${h.base}/api/samples`)).json()) as SampleList;
    assert.equal(list.total, before + 1);
    const newest = list.samples[0];
    assert.deepEqual(
      { label: newest.label, source: newest.source, notDigit: newest.notDigit },
      { label: asked, source: 'collect', notDigit: true },
    );
  } finally {
    await context.close();
  }
});
