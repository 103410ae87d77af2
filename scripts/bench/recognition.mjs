// Recognition from strokes as the draw page does it (`createRecognizer(model).recognizeDrawing`:
// both readers, fused, on a two-reader model), timed call by call, and each stage of it timed in
// batches for the readers' shares. Shared by the Node part ('recognize', core from dist/) and the
// Chromium page (scripts/bench/browser-entry.mjs, core bundled from src/), so both measure the
// same thing. `core` holds the functions; `drawings` the fixture drawings.

/** Median of a list of numbers. */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `warmup` then `iterations` whole recognitions (one time each), then the stages in batches
 * of `batch` calls (the browser's timer is 5 µs at best, so single stage calls are not timed).
 * Returns each recognition's milliseconds, the digits and readers of the fixtures, and each
 * stage's median milliseconds per call.
 */
export function runRecognitionBench(core, model, drawings, { iterations, warmup, batch = 50 }) {
  const { createRecognizer, preprocessDrawing, extractFeatures, trajectoryFeatures } = core;
  const { packWeights, linearLogits, TRAJECTORY_LENGTH } = core;
  const recognizer = createRecognizer(model);
  for (let i = 0; i < warmup; i++) recognizer.recognizeDrawing(drawings[i % drawings.length]);
  const times = [];
  const fixtures = [];
  for (let i = 0; i < iterations; i++) {
    const drawing = drawings[i % drawings.length];
    const t = performance.now();
    const r = recognizer.recognizeDrawing(drawing);
    times.push(performance.now() - t);
    if (i < drawings.length) {
      fixtures.push({
        digit: r.digit,
        image: r.readers?.image.digit ?? null,
        online: r.readers?.online?.digit ?? null,
      });
    }
  }

  // The stages, as recognizer.ts runs them (same functions and buffers).
  const k = model.classes.length;
  const d = model.nFeatures;
  const W = packWeights(model);
  const b = Float64Array.from(model.intercepts);
  const features = new Float32Array(d);
  const logits = new Float64Array(k);
  const online = model.online && model.fusion ? model.online : null;
  const Wo = online ? packWeights(online) : null;
  const bo = online ? Float64Array.from(online.intercepts) : null;
  const traj = new Float32Array(TRAJECTORY_LENGTH);
  const zo = new Float64Array(k);
  const canonicals = drawings.map((dr) => preprocessDrawing(dr, model.preprocessing).canonical);
  const stages = {
    preprocess: (i) => preprocessDrawing(drawings[i], model.preprocessing),
    imageFeaturesAndLogits: (i) => {
      extractFeatures(canonicals[i], model.features, features);
      linearLogits(W, b, k, d, features, 0, logits, 0);
    },
  };
  if (online) {
    stages.onlineFeaturesAndLogits = (i) => {
      trajectoryFeatures(drawings[i].strokes, traj);
      linearLogits(Wo, bo, k, TRAJECTORY_LENGTH, traj, 0, zo, 0);
    };
  }
  stages.whole = (i) => recognizer.recognizeDrawing(drawings[i]);
  // Rounds interleave the stages, so a change in the machine's load hits every stage alike.
  const rounds = Math.max(10, Math.round(iterations / batch / 2));
  const perCall = Object.fromEntries(Object.keys(stages).map((name) => [name, []]));
  for (const f of Object.values(stages)) for (let i = 0; i < batch; i++) f(i % drawings.length);
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(stages)) {
      const t = performance.now();
      for (let i = 0; i < batch; i++) f(i % drawings.length);
      perCall[name].push((performance.now() - t) / batch);
    }
  }
  const stageMs = Object.fromEntries(Object.entries(perCall).map(([k, v]) => [k, median(v)]));
  return { times, fixtures, stageMs, batch, rounds, twoReaders: online !== null };
}

/**
 * The readers' shares of a whole recognition from the stage medians: the image reader is
 * rasterise → canonicalise → features → logits, the online reader trajectory → logits; the rest
 * (fusion, softmax, the answer's object) is what is left of the whole.
 */
export function readerShares(stageMs) {
  const whole = stageMs.whole;
  const image = stageMs.preprocess + stageMs.imageFeaturesAndLogits;
  const online = stageMs.onlineFeaturesAndLogits ?? 0;
  return {
    imageReaderMs: image,
    onlineReaderMs: online,
    restMs: Math.max(0, whole - image - online),
    imageShare: image / whole,
    onlineShare: online / whole,
  };
}
