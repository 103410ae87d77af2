// Adapting the Draw page's recognizer to one more example (issue 13): what the page does after a
// "Yes" or a correction — the drawing's features, `Personaliser.add` (the fit and the personal
// readers), and a recognizer over the personal model. Timed with `sizes[i] − 1` examples already
// held (generated template drawings, labels as drawn), a fresh memory each repeat. Shared by the
// Node part (core from dist/) and the Chromium page (core bundled from src/).

/** Median of a list of numbers. */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * For each size n: `repeats` times, a memory holding n − 1 examples adds the n-th (timed), after
 * `warmup` untimed adds. Returns the milliseconds per size and their medians.
 */
export function runPersonalBench(core, model, { sizes, repeats, warmup = 3 }) {
  const { Personaliser, drawingFeatures, createRecognizer, generateTemplateDrawings } = core;
  const most = Math.max(...sizes);
  const drawings = generateTemplateDrawings({ count: most + repeats, seed: 13 });
  const rows = drawings.map((d) => ({
    label: d.label,
    kind: 'confirmed',
    ...drawingFeatures(model, d.drawing),
  }));
  const adaptOnce = (p, d) => {
    const f = drawingFeatures(model, d.drawing);
    p.add({ label: d.label, kind: 'corrected', ...f });
    return createRecognizer(model, p.model);
  };
  for (let i = 0; i < warmup; i++) adaptOnce(new Personaliser(model), drawings[i]);
  const out = {};
  for (const n of sizes) {
    const times = [];
    for (let r = 0; r < repeats; r++) {
      const p = new Personaliser(model);
      p.addAll(rows.slice(r, r + n - 1));
      const t = performance.now();
      adaptOnce(p, drawings[r + n - 1]);
      times.push(performance.now() - t);
    }
    out[n] = { medianMs: median(times), times };
  }
  return out;
}
