import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ModelFile } from '../core/contracts.js';
import { createRecognizer } from '../core/recognizer.js';
import { generateJunkDrawings } from '../core/synth/junk.js';
import { tinyJunkModel } from '../data/junk-fixture.js';
import { readSampleStore } from '../data/samples.js';
import { buildApp } from './app.js';

let dir: string;
let model: ModelFile;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-not-digit-'));
  model = tinyJunkModel();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('predict says "not-a-digit" for a tap; a sample of it needs confirmNotDigit', async () => {
  const dbPath = join(dir, 'a.db');
  const token = 'a-long-enough-admin-token';
  const app = buildApp({ dbPath, model, adminToken: token });
  try {
    const recognizer = createRecognizer(model);
    const tap = generateJunkDrawings({ count: 30, seed: 5, kinds: ['tap'] })
      .map((j) => j.drawing)
      .find((d) => recognizer.recognizeDrawing(d).verdict === 'not-a-digit');
    assert.ok(tap, 'the tiny model calls some tap not a digit');
    let res = await app.inject({ method: 'POST', url: '/api/predict', payload: { drawing: tap } });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.equal(r.verdict, 'not-a-digit');
    assert.equal(r.accepted, false);
    assert.ok(r.notDigit >= (model.junk?.threshold ?? 1));

    const sample = { label: 0, drawing: tap, source: 'feedback' };
    res = await app.inject({ method: 'POST', url: '/api/samples', payload: sample });
    assert.equal(res.statusCode, 409, res.body);
    assert.match(
      res.json().message,
      /reads this drawing as not a digit.*as a 0 anyway.*confirmNotDigit: true/,
    );
    res = await app.inject({ method: 'GET', url: '/api/samples' });
    assert.equal(res.json().total, 0, 'nothing was stored');

    res = await app.inject({
      method: 'POST',
      url: '/api/samples',
      payload: { ...sample, confirmNotDigit: true },
    });
    assert.equal(res.statusCode, 201, res.body);
    const stored = res.json();
    assert.equal(stored.notDigit, true, "stored on the person's word, and marked");
    // Retraining's reader of the store leaves it out until someone relabels it.
    let read = readSampleStore(dbPath);
    assert.equal(read.drawings.length, 0);
    assert.equal(read.notDigit, 1);
    res = await app.inject({
      method: 'PATCH',
      url: `/api/samples/${stored.id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { label: 0 },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      res.json().notDigit,
      false,
      'relabelling (even to the same label) clears the mark',
    );
    read = readSampleStore(dbPath);
    assert.deepEqual(
      read.drawings.map((d) => d.id),
      [`samples/${stored.id}`],
    );
    assert.equal(read.notDigit, 0);
    res = await app.inject({
      method: 'POST',
      url: '/api/samples',
      payload: { ...sample, confirmNotDigit: 'yes' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /confirmNotDigit must be true or false, got "yes"/);

    // The OpenAPI document names the verdicts.
    res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    const schema = res.json().components.schemas.Recognition.properties.verdict;
    assert.deepEqual(schema.enum, ['digit', 'unsure', 'not-a-digit', 'empty']);
  } finally {
    await app.close();
  }
});
