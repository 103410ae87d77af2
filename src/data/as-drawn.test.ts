/**
 * The committed default model on digits as people's devices deliver them: drawn small in a corner
 * of the pad, or sampled densely (a 240 Hz pen, coalesced pointer events). Synthetic and tablet
 * digits fill the canvas with a few dozen points; a not-a-digit check that learnt that refuses a
 * real digit for its size or its sampling — the data mismatch the product exists to avoid.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecognizer } from '../core/recognizer.js';
import { generateTemplateDrawings } from '../core/synth/generate.js';
import type { Drawing, Point } from '../core/types.js';
import { DEFAULT_MODEL_PATH, loadModel } from './model-io.js';

/** `drawing` drawn `scale` times as big about (cx, cy), with `density` times as many points. */
function asDrawn(drawing: Drawing, scale: number, density: number, cx = 140, cy = 140): Drawing {
  const at = (x: number, y: number) => ({ x: cx + (x - 140) * scale, y: cy + (y - 140) * scale });
  const strokes = drawing.strokes.map((s) => {
    const out: Point[] = [];
    s.forEach((p, i) => {
      if (i > 0) {
        const q = s[i - 1];
        for (let k = 1; k < density; k++) {
          const f = k / density;
          out.push(at(q.x + (p.x - q.x) * f, q.y + (p.y - q.y) * f));
        }
      }
      out.push(at(p.x, p.y));
    });
    return out;
  });
  return { ...drawing, strokes };
}

// Seed 901: not the training seed (0), so these are drawings the model has not seen.
const digits = generateTemplateDrawings({ count: 200, seed: 901 });
const recognizer = createRecognizer(loadModel(DEFAULT_MODEL_PATH));

function shares(transform: (d: Drawing) => Drawing) {
  let notDigit = 0;
  let right = 0;
  for (const d of digits) {
    const r = recognizer.recognizeDrawing(transform(d.drawing));
    if (r.verdict === 'not-a-digit') notDigit++;
    if (r.digit === d.label) right++;
  }
  return { notDigit: notDigit / digits.length, right: right / digits.length };
}

const asMade = shares((d) => d);

test('as made, the default model reads unseen synthetic digits and refuses almost none', () => {
  assert.ok(asMade.right >= 0.97, `read right ${asMade.right}`);
  assert.ok(asMade.notDigit <= 0.02, `not a digit ${asMade.notDigit}`);
});

for (const [name, scale, density, cx, cy] of [
  ['at half size', 0.5, 1, 140, 140],
  ['at a third of the size, in a corner', 0.33, 1, 70, 80],
  ['with six times the points (a fast pen)', 1, 6, 140, 140],
  ['at half size with four times the points', 0.5, 4, 160, 120],
] as const) {
  test(`a digit drawn ${name} is still a digit, read the same`, () => {
    const s = shares((d) => asDrawn(d, scale, density, cx, cy));
    assert.ok(
      s.notDigit <= asMade.notDigit + 0.02,
      `not a digit ${s.notDigit} (as made ${asMade.notDigit})`,
    );
    assert.ok(s.right >= asMade.right - 0.02, `read right ${s.right} (as made ${asMade.right})`);
  });
}
