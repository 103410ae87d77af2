/**
 * The Draw page's "Why?" view: on the 28×28 image the model saw, the pixels that pushed toward
 * the answer (orange) and toward the runner-up (blue), from the exact split of the log-odds
 * (`core/why.ts`), and the parts in words.
 */
import type { ModelFile, Recognition } from '../core/contracts.js';
import type { Drawing } from '../core/types.js';
import { type Explanation, explain } from '../core/why.js';

/** RGBA of a pixel: the ink in grey, with the term's colour over it (strength ∝ |v| / max). */
export function whyColour(ink: number, v: number, max: number): [number, number, number, number] {
  const base = 255 - Math.round(140 * Math.max(0, Math.min(1, ink)));
  const a = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
  const [r, g, b] = v >= 0 ? [230, 120, 0] : [30, 110, 230];
  const mix = (c: number) => Math.round(base * (1 - a) + c * a);
  return [mix(r), mix(g), mix(b), 255];
}

/** The parts of an explanation in words. */
export function whyWords(e: Explanation): string {
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;
  const times = Math.exp(e.logOdds);
  return (
    `Why ${e.answer} rather than ${e.runnerUp}: orange pushed toward ${e.answer}, blue toward ${e.runnerUp}. ` +
    `The picture ${signed(e.image)}` +
    (e.onlineTerms ? `, the pen's path ${signed(e.online)}` : '') +
    `, the model's base rates ${signed(e.intercept)}: ${signed(e.logOdds)} in all, so ${e.answer} is ` +
    `${times >= 100 ? Math.round(times).toLocaleString('en') : times.toFixed(1)} times as likely as ${e.runnerUp}.`
  );
}

/** Paints the explanation of `r` (its two likeliest digits) on `canvas` and says it in `text`. */
export function showWhy(
  canvas: HTMLCanvasElement,
  text: HTMLElement,
  model: ModelFile,
  drawing: Drawing,
  r: Recognition,
): void {
  if (r.empty) {
    text.textContent = 'Draw a digit, then ask why.';
    canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    return;
  }
  const e = explain(model, { drawing }, r.top2[0], r.top2[1]);
  const side = e.canonical.width;
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  // Full colour at the 95th percentile of the terms' sizes, so one strong pixel does not wash out
  // the rest.
  const sizes = Array.from(e.pixels, Math.abs)
    .filter((v) => v > 0)
    .sort((p, q) => p - q);
  const max = sizes[Math.floor(0.95 * (sizes.length - 1))] ?? 0;
  const out = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++)
    out.data.set(whyColour(e.canonical.data[i], e.pixels[i], max), 4 * i);
  ctx.putImageData(out, 0, 0);
  text.textContent = whyWords(e);
}
