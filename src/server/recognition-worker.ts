/**
 * A recognition thread (started by `recognition-pool.ts`): reads drawings, pixel arrays and image
 * files with the model version each request names, off the main thread's event loop. It keeps the
 * recognizers of the versions it was sent, the newest two.
 */
import { parentPort } from 'node:worker_threads';
import type { Recognizer } from '../core/contracts.js';
import { parseModelFile } from '../core/model-file.js';
import { createRecognizer } from '../core/recognizer.js';
import { DataFormatError } from '../data/errors.js';
import {
  decodeUpload,
  type PoolAnswer,
  type PoolRequest,
  readNumber,
  THREAD_MODELS,
  unpackDrawing,
  withoutCanonical,
} from './recognition-protocol.js';

const port = parentPort;
if (!port) throw new Error('recognition-worker.ts runs as a worker thread only');

/** Recognizers by model version, in the order their files came; at most `THREAD_MODELS`. */
const recognizers = new Map<number, Recognizer>();

function recognizerFor(version: number, modelJson: string | undefined): Recognizer {
  let r = recognizers.get(version);
  if (r) return r;
  if (modelJson === undefined) throw new Error(`model version ${version} was never sent`);
  r = createRecognizer(parseModelFile(JSON.parse(modelJson)));
  recognizers.set(version, r);
  while (recognizers.size > THREAD_MODELS)
    recognizers.delete(recognizers.keys().next().value as number);
  return r;
}

port.on('message', (m: PoolRequest) => {
  let answer: PoolAnswer;
  try {
    const r = recognizerFor(m.version, m.model);
    const { input } = m;
    let result: PoolAnswer & { ok: true };
    if (input.kind === 'number') {
      result = {
        id: m.id,
        ok: true,
        result: readNumber(r, unpackDrawing(input.drawing), input.hints),
      };
    } else {
      const read =
        input.kind === 'drawing'
          ? r.recognizeDrawing(unpackDrawing(input))
          : input.kind === 'pixels'
            ? r.recognizeImage({ width: input.width, height: input.height, data: input.data })
            : r.recognizeImage(decodeUpload(input.bytes));
      result = { id: m.id, ok: true, result: withoutCanonical(read) };
    }
    answer = result;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    answer = {
      id: m.id,
      ok: false,
      message,
      ...(err instanceof DataFormatError ? { statusCode: 400 } : {}),
    };
  }
  port.postMessage(answer);
});
