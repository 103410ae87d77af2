/** Behind a proxy (`trustProxy`): rate limits count the client named by X-Forwarded-For. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildApp } from './app.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

const dir = mkdtempSync(join(tmpdir(), 'digitrec-proxy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const body = {
  label: 7,
  drawing: drawingOf(DIGIT_STROKES.seven),
  source: 'collect',
  confirmNotDigit: true,
};

async function statuses(trustProxy: string[] | undefined, name: string): Promise<number[]> {
  const app = buildApp({
    dbPath: join(dir, `${name}.db`),
    rateLimits: { writesPerMinute: 1 },
    trustProxy,
  });
  try {
    const out: number[] = [];
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.1']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/samples',
        payload: body,
        headers: { 'x-forwarded-for': client },
      });
      out.push(res.statusCode);
    }
    return out;
  } finally {
    await app.close();
  }
}

test('with the proxy trusted each forwarded client has its own budget; without, the proxy has one', async () => {
  // inject's connection comes from 127.0.0.1, the proxy here.
  assert.deepEqual(await statuses(['127.0.0.1'], 'trusted'), [201, 201, 429]);
  assert.deepEqual(await statuses(undefined, 'untrusted'), [201, 429, 429]);
  assert.deepEqual(await statuses(['10.0.0.0/8'], 'other-proxy'), [201, 429, 429]);
});
