// The bench page's script (bundled by scripts/bench.mjs with esbuild): recognition from strokes
// through the core bundle, timed in the page. Not part of the app.
import { createRecognizer } from '../../src/core/recognizer.ts';
import { DIGIT_STROKES, drawingOf } from '../../src/server/test-digits.ts';

/** Runs `iterations` recognitions after `warmup`, returning each one's milliseconds. */
async function runBench(iterations, warmup) {
  const model = await (await fetch('/model.json')).json();
  const recognizer = createRecognizer(model);
  const drawings = Object.values(DIGIT_STROKES).map((s) => drawingOf(s));
  for (let i = 0; i < warmup; i++) recognizer.recognizeDrawing(drawings[i % drawings.length]);
  const times = [];
  const digits = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    const r = recognizer.recognizeDrawing(drawings[i % drawings.length]);
    times.push(performance.now() - t);
    if (i < drawings.length) digits.push(r.digit ?? -1);
  }
  return {
    times,
    digits,
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

globalThis.runBench = runBench;
