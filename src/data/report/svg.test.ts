import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks, redrawChart } from './svg.js';

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
