import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSourceSpec, samplesPath, sourceKind, syntheticCount } from './sources.js';
import { SYNTHETIC_CHUNK, syntheticDrawings } from './synthetic.js';

test('syntheticDrawings: reproducible from the seed, balanced within chunks, progress per chunk', () => {
  const progress: number[] = [];
  const a = syntheticDrawings(SYNTHETIC_CHUNK + 30, 7, {}, (done) => progress.push(done));
  assert.deepEqual(progress, [SYNTHETIC_CHUNK, SYNTHETIC_CHUNK + 30]);
  assert.equal(a.length, SYNTHETIC_CHUNK + 30);
  const b = syntheticDrawings(SYNTHETIC_CHUNK + 30, 7);
  assert.deepEqual(b, a);
  const c = syntheticDrawings(30, 8);
  assert.notDeepEqual(c, a.slice(0, 30));
  // The first chunk of 500 has each digit 50 times; the second chunk of 30, 3 times.
  const counts = (ds: typeof a) => {
    const n = new Array(10).fill(0);
    for (const d of ds) n[d.label]++;
    return n;
  };
  assert.deepEqual(counts(a.slice(0, SYNTHETIC_CHUNK)), new Array(10).fill(50));
  assert.deepEqual(counts(a.slice(SYNTHETIC_CHUNK)), new Array(10).fill(3));
  assert.equal(new Set(a.map((d) => d.id)).size, a.length, 'ids are unique');
  // Templates only: every drawing is a template drawing.
  const t = syntheticDrawings(20, 1, { mix: { templates: 1, restroked: 0 } });
  assert.ok(t.every((d) => d.group === 'synthetic-template'));
  assert.throws(() => syntheticDrawings(-1, 0), /count must be a whole number ≥ 0, got -1/);
  assert.throws(() => syntheticDrawings(1, -1), /seed must be a whole number/);
});

test('source specs: NAME@WEIGHT, synthetic:N, samples:PATH, and the kind of each source', () => {
  assert.deepEqual(parseSourceSpec('mnist'), { name: 'mnist' });
  assert.deepEqual(parseSourceSpec('synthetic:20000@2'), { name: 'synthetic:20000', weight: 2 });
  assert.deepEqual(parseSourceSpec('../a b/x.jsonl@0.5'), { name: '../a b/x.jsonl', weight: 0.5 });
  assert.throws(() => parseSourceSpec('mnist@'), /expected NAME@WEIGHT/);
  assert.throws(() => parseSourceSpec('mnist@-1'), /expected NAME@WEIGHT/);
  assert.throws(() => parseSourceSpec('@2'), /expected NAME@WEIGHT/);
  assert.equal(syntheticCount('synthetic'), 20000);
  assert.equal(syntheticCount('synthetic:300'), 300);
  assert.equal(syntheticCount('mnist'), undefined);
  assert.throws(() => syntheticCount('synthetic:1.5'), /synthetic:N with N a whole number/);
  assert.throws(() => syntheticCount('synthetic:0'), /synthetic:N with N a whole number/);
  assert.equal(samplesPath('samples:/tmp/x.db'), '/tmp/x.db');
  assert.equal(samplesPath('mnist'), undefined);
  const drawings = { kind: 'drawings' as const, drawings: [], source: 'x' };
  assert.equal(sourceKind('synthetic:10', drawings), 'synthetic');
  assert.equal(sourceKind('x.jsonl', drawings), 'real');
  const images = {
    kind: 'images' as const,
    set: { n: 0, width: 28, height: 28, pixels: new Uint8Array(0), labels: new Uint8Array(0) },
    source: 'mnist',
  };
  assert.equal(sourceKind('mnist', images), 'mnist');
});
