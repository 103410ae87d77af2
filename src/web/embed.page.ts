/**
 * The embed demo page: two `<digit-pad>` elements (loaded by their own script tag, as any page
 * would) and the detail of each one's latest `digit` event.
 */

import { byId } from './api.js';
import type { DigitEventDetail } from './digit-pad.js';

/** The event's detail as shown: a field a line, numbers rounded, the strokes summarised. */
function describe(d: DigitEventDetail): string {
  const shown: Record<string, unknown> = {
    digit: d.digit,
    confidence: Number(d.confidence.toFixed(4)),
    verdict: d.verdict,
    accepted: d.accepted,
    top2: d.top2,
    notDigit: d.notDigit === null ? null : Number(d.notDigit.toFixed(4)),
    probabilities: d.probabilities.map((p) => Number(p.toFixed(3))),
    drawing: `${d.drawing.strokes.length} strokes on ${d.drawing.width}×${d.drawing.height}`,
    model: d.model,
  };
  const lines = Object.entries(shown).map(([k, v]) => `  "${k}": ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

let ready = 0;
for (const id of ['plain', 'styled']) {
  const pad = byId(id);
  const out = byId(`${id}-event`);
  pad.addEventListener('digit', (e) => {
    out.textContent = `digit event\n${describe((e as CustomEvent<DigitEventDetail>).detail)}`;
  });
  pad.addEventListener('ready', () => {
    if (++ready === 2) document.body.dataset.ready = 'true';
  });
}
