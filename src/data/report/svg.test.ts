import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks, redrawChart, scalingChart } from './svg.js';

/** The y-axis tick labels of a chart: the end-anchored tick texts. */
function yLabels(svg: string): string[] {
  return [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map(
    (m) => m[1],
  );
}

test('niceTicks: steps of 1, 2 or 5 × 10^k covering the range', () => {
  const near = (got: number[], want: number[]) => {
    assert.equal(got.length, want.length, `${got} vs ${want}`);
    for (const [i, v] of got.entries())
      assert.ok(Math.abs(v - want[i]) < 1e-12, `${got} vs ${want}`);
  };
  near(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  near(niceTicks(0.98, 1, 5), [0.98, 0.985, 0.99, 0.995, 1]);
  near(niceTicks(-3, 17, 4), [0, 5, 10, 15]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test('redrawChart: y labels on a 98–100% axis are all different (0.5% steps get a decimal)', () => {
  const curve = [0, 0.01, 0.02, 0.03].map((redrawRate, i) => ({
    threshold: 0.5 + i / 10,
    redrawRate,
    accepted: 100 - i,
    acceptedAccuracy: 0.985 + i * 0.004,
  }));
  const svg = redrawChart([{ label: 'm', color: '#000', curve, operating: curve[2] }]);
  const labels = yLabels(svg);
  assert.deepEqual(labels, ['98.0%', '98.5%', '99.0%', '99.5%', '100.0%']);
  // A wide range keeps whole percentages.
  const wide = curve.map((p, i) => ({ ...p, acceptedAccuracy: 0.7 + i * 0.1 }));
  assert.deepEqual(
    yLabels(redrawChart([{ label: 'm', color: '#000', curve: wide, operating: wide[1] }])),
    ['60%', '70%', '80%', '90%', '100%'],
  );
});

test('scalingChart: a dot per run at its (images, seconds), in order of n, labelled; bad points refused', () => {
  const svg = scalingChart(
    [
      { n: 60000, seconds: 24.6 },
      { n: 10000, seconds: 5.24 },
      { n: 120000, seconds: 92.7 },
      { n: 30000, seconds: 12.4 },
    ],
    'HOG recipe',
  );
  const dots = [
    ...svg.matchAll(/<circle class="run" cx="([\d.]+)" cy="([\d.]+)" r="4" data-n="(\d+)"/g),
  ];
  assert.deepEqual(
    dots.map((m) => Number(m[3])),
    [10000, 30000, 60000, 120000],
  );
  // x grows with n, y (SVG: downwards) falls as time grows; the frame is 56…454 × 34…256, the
  // x axis 0…120k and the y axis 0…102 s (10% above the slowest run).
  const x = dots.map((m) => Number(m[1]));
  const y = dots.map((m) => Number(m[2]));
  assert.deepEqual(
    x,
    [56 + (10 / 120) * 398, 56 + (30 / 120) * 398, 56 + (60 / 120) * 398, 454].map(
      (v) => Math.round(v * 10) / 10,
    ),
  );
  assert.equal(y[3], Math.round((256 - (92.7 / 101.97) * 222) * 10) / 10);
  assert.ok(y[0] > y[1] && y[1] > y[2] && y[2] > y[3]);
  for (const label of [
    '5.2 s',
    '12 s',
    '25 s',
    '93 s',
    '0',
    '50k',
    '100k',
    'training images',
    'HOG recipe',
  ])
    assert.ok(svg.includes(`>${label}<`), label);
  assert.throws(() => scalingChart([], 't'), /at least one point/);
  assert.throws(() => scalingChart([{ n: 0, seconds: 1 }], 't'), /bad point n=0/);
});
