/**
 * The embed demo page: three `<digit-pad>` elements (loaded by their own script tag, as any page
 * would), two reading a digit and one a number, and the detail of each one's latest event.
 */

import { byId } from './api.js';
import type { DigitEventDetail, NumberEventDetail } from './digit-pad.js';

const round = (p: number, places: number) => Number(p.toFixed(places));

/** An event's detail as shown: a field a line, numbers rounded, the strokes summarised. */
function describe(shown: Record<string, unknown>): string {
  const lines = Object.entries(shown).map(([k, v]) => `  "${k}": ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

function describeDigit(d: DigitEventDetail): string {
  return describe({
    digit: d.digit,
    confidence: round(d.confidence, 4),
    verdict: d.verdict,
    accepted: d.accepted,
    top2: d.top2,
    notDigit: d.notDigit === null ? null : round(d.notDigit, 4),
    probabilities: d.probabilities.map((p) => round(p, 3)),
    drawing: `${d.drawing.strokes.length} strokes on ${d.drawing.width}×${d.drawing.height}`,
    model: d.model,
  });
}

function describeNumber(d: NumberEventDetail): string {
  return describe({
    number: d.number,
    confidence: round(d.confidence, 4),
    accepted: d.accepted,
    digits: d.digits.map((g) => ({
      digit: g.digit,
      confidence: round(g.confidence, 3),
      unsure: g.unsure,
      ...(g.picked ? { picked: true } : {}),
    })),
    alternatives: d.alternatives.map((a) => `${a.number} ${round(a.probability, 3)}`),
    problem: d.problem,
    hints: d.hints,
    drawing: `${d.drawing.strokes.length} strokes on ${d.drawing.width}×${d.drawing.height}`,
    model: d.model,
  });
}

const pads = ['plain', 'styled', 'number'];
let ready = 0;
for (const id of pads) {
  const pad = byId(id);
  const out = byId(`${id}-event`);
  pad.addEventListener('digit', (e) => {
    out.textContent = `digit event\n${describeDigit((e as CustomEvent<DigitEventDetail>).detail)}`;
  });
  pad.addEventListener('number', (e) => {
    out.textContent = `number event\n${describeNumber((e as CustomEvent<NumberEventDetail>).detail)}`;
  });
  pad.addEventListener('ready', () => {
    if (++ready === pads.length) document.body.dataset.ready = 'true';
  });
}
