import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../random.js';
import {
  balancedLabels,
  drawTemplate,
  generateTemplateDrawings,
  pickTemplate,
  TEMPLATE_GROUP,
} from './generate.js';
import { boundingBox } from './geometry.js';
import { type DigitTemplate, TEMPLATES } from './templates.js';

function counts(labels: number[]): number[] {
  const c = new Array(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

// Shared by several tests: generating is the slow part.
const sample = generateTemplateDrawings({ count: 300, seed: 11 });

test('generateTemplateDrawings: balanced digits, unique ids, the template group', () => {
  assert.equal(sample.length, 300);
  assert.deepEqual(counts(sample.map((d) => d.label)), new Array(10).fill(30));
  assert.equal(new Set(sample.map((d) => d.id)).size, 300);
  for (const d of sample) {
    assert.equal(d.group, TEMPLATE_GROUP);
    assert.match(d.id, new RegExp(`^synthetic-template/11/\\d+/${d.label}-`));
  }
  const odd = generateTemplateDrawings({ count: 95, seed: 2 });
  for (const c of counts(odd.map((d) => d.label))) assert.ok(c === 9 || c === 10);
});

test('generateTemplateDrawings: the same seed gives the same drawings, another seed others', () => {
  const a = generateTemplateDrawings({ count: 20, seed: 5 });
  assert.deepEqual(a, generateTemplateDrawings({ count: 20, seed: 5 }));
  assert.notDeepEqual(a, generateTemplateDrawings({ count: 20, seed: 6 }));
});

test('generateTemplateDrawings: ink inside the canvas, brush 14–22, height 50–85%', () => {
  for (const { drawing } of sample) {
    assert.equal(drawing.width, 280);
    assert.equal(drawing.height, 280);
    assert.ok(drawing.brushWidth >= 14 && drawing.brushWidth <= 22);
    const r = drawing.brushWidth / 2;
    const box = boundingBox(drawing.strokes)!;
    assert.ok(box.minX >= r && box.minY >= r && box.maxX <= 280 - r && box.maxY <= 280 - r);
    // Sampling every few pixels may cut the very top or bottom of a curve by a pixel or so.
    const h = (box.maxY - box.minY) / 280;
    assert.ok(h >= 0.5 - 1 / 280 && h <= 0.85 + 0.001, `height ${h}`);
  }
});

test('generateTemplateDrawings: points come every 3–6 px like pointer events', () => {
  const gaps: number[] = [];
  for (const { drawing } of sample) {
    for (const s of drawing.strokes) {
      // The last gap of a stroke may be short: skip it.
      for (let i = 1; i < s.length - 1; i++) {
        gaps.push(Math.hypot(s[i].x - s[i - 1].x, s[i].y - s[i - 1].y));
      }
    }
  }
  // Gaps are 3–6 px × 0.8–1.2 along the curve; a chord is no longer than its arc, and only
  // shorter by much across a sharp turn.
  gaps.sort((a, b) => a - b);
  assert.ok(gaps[gaps.length - 1] <= 6 * 1.2 + 0.02);
  assert.ok(gaps[Math.floor(gaps.length * 0.01)] >= 3 * 0.8 * 0.95);
  const median = gaps[gaps.length >> 1];
  assert.ok(median > 3.5 && median < 5.5, `median ${median}`);
});

test('without noise a 1-stick is one vertical stroke of the drawn height', () => {
  const out = generateTemplateDrawings({
    count: 12,
    seed: 3,
    styles: ['1-stick'],
    jitter: 0,
    maxRotation: 0,
    maxShear: 0,
    wobble: 0,
    aspect: [1, 1],
    height: [0.6, 0.6],
  });
  for (const d of out) {
    assert.equal(d.label, 1);
    assert.equal(d.drawing.strokes.length, 1);
    const s = d.drawing.strokes[0];
    for (const p of s) assert.equal(p.x, s[0].x);
    assert.ok(Math.abs(s[s.length - 1].y - s[0].y - 168) < 0.02);
  }
});

test('styles restrict the draw and balance the digits they cover', () => {
  const out = generateTemplateDrawings({ count: 40, seed: 8, styles: ['7-bar', '9-hook-left'] });
  assert.deepEqual(counts(out.map((d) => d.label)), [0, 0, 0, 0, 0, 0, 0, 20, 0, 20]);
  for (const d of out) {
    assert.equal(d.drawing.strokes.length, d.label === 7 ? 2 : 1);
    assert.ok(d.id.endsWith(d.label === 7 ? '/7-bar' : '/9-hook-left'));
  }
  const only3 = generateTemplateDrawings({ count: 10, seed: 1, digits: [3] });
  assert.ok(only3.every((d) => d.label === 3));
});

test('a hooked 9 drawn on the canvas still ends left of its stem', () => {
  const rng = createRng(21);
  const t = TEMPLATES.find((x) => x.style === '9-hook-left')!;
  for (let k = 0; k < 20; k++) {
    const s = drawTemplate(t, rng, { maxRotation: 5 }).strokes[0];
    const box = boundingBox([s])!;
    const end = s[s.length - 1];
    const stem = s.find((p) => p.y > box.minY + 0.6 * (box.maxY - box.minY))!;
    assert.ok(end.x < stem.x - 0.15 * (box.maxY - box.minY));
  }
});

test('generateTemplateDrawings rejects bad options, naming them', () => {
  assert.throws(() => generateTemplateDrawings({ count: -1, seed: 1 }), /count/);
  assert.throws(
    () => generateTemplateDrawings({ count: 1, seed: 1, brushWidth: [22, 14] }),
    /brushWidth/,
  );
  assert.throws(
    () => generateTemplateDrawings({ count: 1, seed: 1, styles: ['9-nope'] }),
    /unknown style "9-nope"/,
  );
  assert.throws(() => generateTemplateDrawings({ count: 1, seed: 1, digits: [10] }), RangeError);
  assert.throws(
    () => generateTemplateDrawings({ count: 1, seed: 1, styles: ['7-bar'], digits: [1] }),
    /no template/,
  );
  assert.throws(() => generateTemplateDrawings({ count: 1, seed: 1, wobble: 2 }), /wobble/);
  assert.deepEqual(generateTemplateDrawings({ count: 0, seed: 1 }), []);
});

test('balancedLabels: each digit ⌊n/k⌋ or ⌈n/k⌉ times, and which get one more varies', () => {
  const extra = new Set<number>();
  for (let seed = 0; seed < 10; seed++) {
    const labels = balancedLabels(13, [2, 5, 7], createRng(seed));
    const c = counts(labels);
    assert.equal(c[2] + c[5] + c[7], 13);
    for (const d of [2, 5, 7]) {
      assert.ok(c[d] === 4 || c[d] === 5);
      if (c[d] === 5) extra.add(d);
    }
  }
  assert.ok(extra.size > 1);
  assert.throws(() => balancedLabels(3, [], createRng(1)), /digits/);
});

test('pickTemplate draws in proportion to the weights', () => {
  const a = { digit: 1, style: '1-a', weight: 3, strokes: [] } as DigitTemplate;
  const b = { digit: 1, style: '1-b', weight: 1, strokes: [] } as DigitTemplate;
  const rng = createRng(9);
  let na = 0;
  for (let i = 0; i < 8000; i++) if (pickTemplate([a, b], rng) === a) na++;
  assert.ok(Math.abs(na / 8000 - 0.75) < 0.02);
});

test('every style can be drawn and gives strokes with points', () => {
  const rng = createRng(1);
  for (const t of TEMPLATES) {
    const d = drawTemplate(t, rng);
    assert.equal(d.strokes.length, t.strokes.length, t.style);
    for (const s of d.strokes) assert.ok(s.length >= 5, t.style);
  }
});
