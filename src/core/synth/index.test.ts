import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSynthetic, type MnistSource, TEMPLATES } from './index.js';

/** Ten tiny "MNIST" images, one per digit: rings for even digits, bars of various slants for odd. */
function fakeMnist(): MnistSource {
  const n = 10;
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let d = 0; d < n; d++) {
    labels[d] = d;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const ink =
          d % 2 === 0
            ? Math.abs(Math.hypot(x - 14, y - 14) - 7) < 1.6
            : Math.abs(x - 14 - ((d - 5) * (y - 14)) / 10) < 1.6 && y > 3 && y < 24;
        pixels[d * 784 + y * 28 + x] = ink ? 255 : 0;
      }
    }
  }
  return { pixels, labels, n };
}

function counts(labels: number[]): number[] {
  const c = new Array(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

test('without MNIST: template drawings only, balanced, reproducible', () => {
  const a = generateSynthetic({ count: 50, seed: 3 });
  assert.equal(a.length, 50);
  assert.deepEqual(counts(a.map((d) => d.label)), new Array(10).fill(5));
  assert.ok(a.every((d) => d.group === 'synthetic-template'));
  assert.deepEqual(a, generateSynthetic({ count: 50, seed: 3 }));
  assert.notDeepEqual(a, generateSynthetic({ count: 50, seed: 4 }));
});

test('the mix is met exactly, and every digit is split between the sources alike', () => {
  const mnist = fakeMnist();
  const out = generateSynthetic({ count: 40, seed: 1, mnist, mix: { templates: 1, restroked: 3 } });
  assert.deepEqual(counts(out.map((d) => d.label)), new Array(10).fill(4));
  const restroked = out.filter((d) => d.group === 'synthetic-mnist');
  assert.equal(restroked.length, 30);
  assert.equal(out.filter((d) => d.group === 'synthetic-template').length, 10);
  for (const c of counts(restroked.map((d) => d.label))) assert.ok(c === 3);
  // A re-stroked drawing names its source image, whose label it carries.
  for (const d of restroked) assert.match(d.id, new RegExp(`/mnist-${d.label}(/aug)?$`));
  assert.equal(new Set(out.map((d) => d.id)).size, 40);
  assert.deepEqual(
    out,
    generateSynthetic({ count: 40, seed: 1, mnist, mix: { templates: 1, restroked: 3 } }),
  );
});

test('with MNIST and no mix, half and half; every drawing inside its canvas', () => {
  const out = generateSynthetic({
    count: 30,
    seed: 2,
    mnist: fakeMnist(),
    canvas: 200,
    brushWidth: [10, 12],
  });
  assert.equal(out.filter((d) => d.group === 'synthetic-mnist').length, 15);
  for (const { drawing } of out) {
    assert.equal(drawing.width, 200);
    assert.ok(drawing.brushWidth >= 10 && drawing.brushWidth <= 12);
    const r = drawing.brushWidth / 2;
    for (const s of drawing.strokes) {
      for (const p of s) assert.ok(p.x >= r && p.y >= r && p.x <= 200 - r && p.y <= 200 - r);
    }
  }
});

test('augment 0 leaves drawings as generated, augment 1 augments them all', () => {
  const none = generateSynthetic({ count: 20, seed: 5, augment: 0 });
  assert.ok(none.every((d) => !d.id.endsWith('/aug')));
  const all = generateSynthetic({ count: 20, seed: 5, augment: 1, mnist: fakeMnist() });
  assert.ok(all.every((d) => d.id.endsWith('/aug')));
});

test('template ids name a real style of the drawn digit', () => {
  const styles = new Map(TEMPLATES.map((t) => [t.style, t.digit]));
  for (const d of generateSynthetic({ count: 30, seed: 6, augment: 0 })) {
    const style = d.id.split('/').pop()!;
    assert.equal(styles.get(style), d.label, d.id);
  }
});

test('generateSynthetic rejects a mix it cannot make', () => {
  assert.throws(
    () => generateSynthetic({ count: 5, seed: 1, mix: { templates: 1, restroked: 1 } }),
    { name: 'TypeError', message: /mnist must be given/ },
  );
  assert.throws(
    () => generateSynthetic({ count: 5, seed: 1, mix: { templates: 0, restroked: 0 } }),
    /mix must have a positive weight/,
  );
  assert.throws(
    () => generateSynthetic({ count: 5, seed: 1, mix: { templates: -1, restroked: 2 } }),
    /mix.templates/,
  );
  const nine = fakeMnist();
  const partial = { pixels: nine.pixels, labels: nine.labels, n: 9 };
  assert.throws(
    () => generateSynthetic({ count: 5, seed: 1, mnist: partial }),
    /no image of digit 9/,
  );
  assert.throws(
    () => generateSynthetic({ count: 5, seed: 1, mnist: { ...nine, n: 11 } }),
    /n = 11 images/,
  );
  assert.throws(() => generateSynthetic({ count: 5, seed: 1, augment: 2 }), /augment/);
});

test('height: template and re-stroked digits are drawn at the asked share of the canvas', () => {
  const inkHeight = (strokes: { y: number }[][]) => {
    const ys = strokes.flat().map((p) => p.y);
    return Math.max(...ys) - Math.min(...ys);
  };
  const small = generateSynthetic({
    count: 60,
    seed: 3,
    mnist: fakeMnist(),
    augment: 0,
    height: [0.25, 0.3],
  });
  const usual = generateSynthetic({ count: 60, seed: 3, mnist: fakeMnist(), augment: 0 });
  // The stroke centres span at most the asked height (the brush adds to the ink, not the path).
  for (const d of small) assert.ok(inkHeight(d.drawing.strokes) <= 0.3 * 280 + 1e-6, d.id);
  const mean = (ds: typeof small) =>
    ds.reduce((a, d) => a + inkHeight(d.drawing.strokes), 0) / ds.length;
  assert.ok(mean(small) < 0.6 * mean(usual), `${mean(small)} vs ${mean(usual)}`);
  assert.throws(() => generateSynthetic({ count: 1, seed: 1, height: [0.9, 0.5] }), /height/);
});
