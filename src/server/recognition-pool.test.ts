import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ModelFile, Recognizer } from '../core/contracts.js';
import { createRng } from '../core/random.js';
import { rasterise } from '../core/rasterise.js';
import { createRecognizer } from '../core/recognizer.js';
import { templateNumber } from '../core/synth/numbers.js';
import { encodePng } from '../data/image-decode.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { HttpError } from './http-error.js';
import type { ServingModel } from './models.js';
import { checkRecognitionThreads, RecognitionPool } from './recognition-pool.js';
import { decodeUpload, readNumber, withoutCanonical } from './recognition-protocol.js';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

let model: ModelFile;
let recognizer: Recognizer;
let serving: ServingModel;

before(() => {
  model = loadModel(DEFAULT_MODEL_PATH);
  recognizer = createRecognizer(model);
  serving = { version: 1, model, recognizer, json: JSON.stringify(model) };
});

/** Every fixture digit, as the routes pass it. */
function drawings() {
  return Object.values(DIGIT_STROKES).map((s) =>
    drawingOf(s, model.canvas.brushWidth, model.canvas.size),
  );
}

for (const threads of [0, 1, 2]) {
  describe(`a pool of ${threads} recognition thread(s)`, () => {
    let pool: RecognitionPool;
    before(() => {
      pool = new RecognitionPool(threads);
    });
    after(() => pool.close());

    test('reads drawings, pixels and image files exactly as the core recognizer does', async () => {
      for (const d of drawings()) {
        const expected = withoutCanonical(recognizer.recognizeDrawing(d));
        // Concurrent reads spread over the threads, each answered with its own recognition.
        const got = await Promise.all(
          [1, 2, 3].map(() => pool.read(serving, { kind: 'drawing', drawing: d })),
        );
        for (const r of got) assert.deepEqual(r, expected);
        const small = rasterise(d, { scale: 0.1 });
        assert.deepEqual(
          await pool.read(serving, { kind: 'pixels', image: small }),
          withoutCanonical(recognizer.recognizeImage(small)),
        );
        const png = encodePng(rasterise(d));
        assert.deepEqual(
          await pool.read(serving, { kind: 'image', bytes: png }),
          withoutCanonical(recognizer.recognizeImage(decodeUpload(png))),
        );
        // The caller's buffers are copied, not taken (a transferred one reads as empty).
        assert.equal(small.data.length, small.width * small.height);
        assert.ok(png.byteLength > 0);
      }
    });

    test('reads numbers exactly as a reading in the calling thread does', async () => {
      for (const [text, hints] of [
        ['2026', {}],
        ['17', { max: 99 }],
        ['305', { length: 3, digitsOnly: false }],
      ] as const) {
        const { drawing } = templateNumber(text, createRng(text.length));
        const got = await pool.readNumber(serving, drawing, hints);
        assert.deepEqual(got, readNumber(recognizer, drawing, hints));
        assert.equal(got.digits.length, text.length);
        assert.equal(got.modelVersion, model.id);
      }
    });

    test('a broken image file is a 400 naming the problem, and the pool keeps reading', async () => {
      await assert.rejects(
        pool.read(serving, { kind: 'image', bytes: new Uint8Array([137, 80, 78, 71, 1, 2, 3]) }),
        (err: unknown) =>
          err instanceof HttpError && err.statusCode === 400 && /PNG/.test(err.message),
      );
      const seven = drawingOf(DIGIT_STROKES.seven, model.canvas.brushWidth, model.canvas.size);
      assert.equal((await pool.read(serving, { kind: 'drawing', drawing: seven })).digit, 7);
    });

    test('reads with the version it is given: a promoted model is used from its first request', async () => {
      // Version 2 accepts only certainty (threshold 1), version 1 accepts this seven.
      const strict: ModelFile = JSON.parse(serving.json);
      strict.id = `${model.id}-strict`;
      strict.threshold = 1;
      if (strict.fusion) strict.fusion.threshold = 1;
      const v2: ServingModel = {
        version: 2,
        model: strict,
        recognizer: createRecognizer(strict),
        json: JSON.stringify(strict),
      };
      const seven = drawingOf(DIGIT_STROKES.seven, model.canvas.brushWidth, model.canvas.size);
      for (let round = 0; round < 2; round++) {
        const [a, b] = await Promise.all([
          pool.read(serving, { kind: 'drawing', drawing: seven }),
          pool.read(v2, { kind: 'drawing', drawing: seven }),
        ]);
        assert.equal(a.verdict, 'digit');
        assert.equal(b.verdict, 'unsure');
        assert.equal(b.threshold, 1);
        assert.ok(b.confidence < 1);
        assert.equal(a.confidence, b.confidence);
      }
    });
  });
}

test('a rollback to a version the thread has dropped sends its file again', async () => {
  const pool = new RecognitionPool(1);
  try {
    const seven = drawingOf(DIGIT_STROKES.seven, model.canvas.brushWidth, model.canvas.size);
    const versions = [1, 2, 3, 1, 3, 2, 1].map((version) => ({ ...serving, version }));
    // More versions than a thread keeps, then back to the first: every read still answers.
    for (const v of versions) {
      const r = await pool.read(v, { kind: 'drawing', drawing: seven });
      assert.equal(r.digit, 7);
    }
  } finally {
    await pool.close();
  }
});

test('a closed pool refuses reads, saying so', async () => {
  const pool = new RecognitionPool(1);
  await pool.close();
  const seven = drawingOf(DIGIT_STROKES.seven);
  await assert.rejects(pool.read(serving, { kind: 'drawing', drawing: seven }), /closed/);
});

test('thread counts outside 0…8 are refused, naming what was expected', () => {
  for (const bad of [-1, 1.5, 9, Number.NaN]) {
    assert.throws(() => checkRecognitionThreads(bad), /expected an integer from 0 to 8/);
  }
  assert.equal(checkRecognitionThreads(0), 0);
});
