// The bench page's script (bundled by scripts/bench.mjs with esbuild): recognition from strokes
// through the core bundle, timed in the page. Not part of the app.
import type { ModelFile } from '../../src/core/contracts.js';
import { createRecognizer } from '../../src/core/recognizer.js';
import { DIGIT_STROKES, drawingOf } from '../../src/server/test-digits.js';

/** Runs `iterations` recognitions after `warmup`, returning each one's milliseconds. */
async function runBench(iterations: number, warmup: number) {
  const model = (await (await fetch('/model.json')).json()) as ModelFile;
  const recognizer = createRecognizer(model);
  const drawings = Object.values(DIGIT_STROKES).map((s) => drawingOf(s));
  for (let i = 0; i < warmup; i++) recognizer.recognizeDrawing(drawings[i % drawings.length]);
  const times: number[] = [];
  const digits: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    const r = recognizer.recognizeDrawing(drawings[i % drawings.length]);
    times.push(performance.now() - t);
    if (i < drawings.length) digits.push(r.digit ?? -1);
  }
  return {
    times,
    digits,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
  };
}

(globalThis as unknown as { runBench: typeof runBench }).runBench = runBench;
