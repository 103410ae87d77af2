import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FUSION_WEIGHTS } from '../core/fusion.js';
import { serialiseModelFile } from '../core/model-file.js';
import { hashData } from './sources.js';
import { syntheticDrawings } from './synthetic.js';
import {
  resolveTrainConfig,
  styleFolds,
  TrainConfigError,
  type TrainingEvent,
  trainModel,
} from './training.js';

// A config that trains in about a second: 600 template drawings (no MNIST), HOG, one C, 2 folds.
const tiny = {
  data: ['synthetic:600', 'drawn@2'],
  synthetic: { mix: { templates: 1, restroked: 0 } },
  features: 'hog',
  Cs: [1],
  cv: 2,
  eval: [],
  limit: 600,
  createdAt: '2026-01-01',
};

test('trainModel uses preloaded data by name, reports progress, and is reproducible', () => {
  // Drawings with sessions stand in for the app's own samples.
  const drawings = syntheticDrawings(200, 7, { mix: { templates: 1, restroked: 0 } }).map(
    (d, i) => ({ ...d, group: `s${i % 20}` }),
  );
  const preloaded = { drawn: { kind: 'drawings' as const, drawings, source: 'drawn' } };
  const events: TrainingEvent[] = [];
  const config = resolveTrainConfig(tiny);
  const a = trainModel(config, { preloaded, onEvent: (e) => events.push(e) });
  const b = trainModel(config, { preloaded });
  assert.equal(serialiseModelFile(a), serialiseModelFile(b));

  // The preloaded drawings were trained on, with their weight, in group folds (sessions whole).
  const drawn = a.training.sources.find((s) => s.name === 'drawn');
  assert.deepEqual(drawn, {
    name: 'drawn',
    count: 200,
    hash: hashData(preloaded.drawn),
    weight: 2,
  });
  assert.equal(a.training.n, 800);
  assert.equal(a.cv.foldKind, 'group');
  assert.ok(a.metrics['cv-out-of-fold:drawn'].n === 200);

  // Progress per phase, ending at its total; then CV, calibration and metrics, in that order.
  const cvProgress = events.filter((e) => e.kind === 'progress' && e.label === 'cross-validation');
  assert.deepEqual(
    cvProgress.map((e) => (e.kind === 'progress' ? [e.done, e.total] : [])).at(-1),
    [3, 3],
  );
  // The synthetic drawings are generated with progress of their own, up to all 600.
  const generated = events.filter((e) => e.kind === 'progress' && e.phase === 'generate');
  assert.deepEqual(
    generated.map((e) => (e.kind === 'progress' ? [e.done, e.total] : [])).at(-1),
    [600, 600],
  );
  const labels = new Set(events.map((e) => (e.kind === 'progress' ? e.label : e.kind)));
  assert.deepEqual(
    [...labels],
    [
      'generating synthetic:600',
      'features synthetic:600',
      'features drawn',
      'cross-validation',
      'cv',
      'online reader',
      'calibrated',
      'metrics',
    ],
  );
});

test('the online reader learns from the drawings with a person stroke order and is fused by CV', () => {
  const drawings = syntheticDrawings(200, 7, { mix: { templates: 1, restroked: 0 } }).map(
    (d, i) => ({ ...d, group: `s${i % 20}` }),
  );
  const preloaded = { drawn: { kind: 'drawings' as const, drawings, source: 'drawn' } };
  const config = resolveTrainConfig({ ...tiny, onlineCs: [0.3, 3], templateFolds: 'style' });
  const model = trainModel(config, { preloaded });
  const online = model.online;
  const fusion = model.fusion;
  assert.ok(online && fusion, 'the model has an online reader and a fusion');
  assert.equal(model.version, 2);
  assert.equal(online.features, 'trajectory');
  assert.equal(online.weights.length, 10);
  assert.deepEqual(online.cv.Cs, [0.3, 3]);
  // Trained on every template and drawn row (800), folds as the image reader's.
  assert.equal(model.metrics['cv-out-of-fold:online-reader'].n, 800);
  assert.equal(online.cv.nFolds, 2);
  assert.equal(fusion.weightFrom, 'cv');
  assert.ok(FUSION_WEIGHTS.includes(fusion.onlineWeight));
  // 200 real rows are under the 500 trusted alone: calibrated on real + synthetic rows.
  assert.equal(fusion.calibration.kind, 'real+synthetic');
  assert.equal(fusion.calibration.n, 800);
  assert.ok(fusion.threshold > 0 && fusion.threshold <= 1);
  // Template styles are held out whole: a style's rows sit in one fold.
  assert.equal(model.cv.foldKind, 'group');
  // A fixed weight is taken as given; online: false trains the image reader alone.
  const fixed = trainModel(resolveTrainConfig({ ...tiny, fusionWeight: 0.5 }), { preloaded });
  assert.equal(fixed.fusion?.onlineWeight, 0.5);
  assert.equal(fixed.fusion?.weightFrom, 'config');
  const alone = trainModel(resolveTrainConfig({ ...tiny, online: false }), { preloaded });
  assert.equal(alone.online, undefined);
  assert.equal(alone.fusion, undefined);
  assert.deepEqual(alone.weights, fixed.weights);
  assert.throws(
    () => resolveTrainConfig({ ...tiny, fusionWeight: 'big' }),
    /fusionWeight must be 'cv' or a number ≥ 0, got "big"/,
  );
  assert.throws(
    () => resolveTrainConfig({ ...tiny, templateFolds: 'writer' }),
    /templateFolds must be 'style' or 'stratified'/,
  );
});

test("styleFolds deals each digit's template styles round-robin, whole, over the folds", () => {
  const y = Uint8Array.of(0, 0, 0, 0, 1, 1, 1, 5);
  const styles = ['0-a', '0-b', '0-c', '0-a', '1-x', '1-y', undefined, undefined];
  const base = { folds: new Int32Array(8), groups: styles.map((_, i) => `row/${i}`) };
  const { folds, groups } = styleFolds(y, styles, base, 3);
  // Digit 0's styles sorted (a, b, c) start at fold 0; digit 1's (x, y) at fold 1.
  assert.deepEqual(Array.from(folds), [0, 1, 2, 0, 1, 2, 0, 0]);
  assert.deepEqual(groups.slice(0, 4), [
    'template-style/0-a',
    'template-style/0-b',
    'template-style/0-c',
    'template-style/0-a',
  ]);
  assert.equal(groups[6], 'row/6');
});

test('trainModel with the drawings of one session only (an app just started) still trains, the session held out whole', () => {
  const drawings = syntheticDrawings(60, 9, { mix: { templates: 1, restroked: 0 } }).map((d) => ({
    ...d,
    group: 'first-visitor',
  }));
  const preloaded = { drawn: { kind: 'drawings' as const, drawings, source: 'drawn' } };
  const model = trainModel(resolveTrainConfig({ ...tiny, cv: 3 }), { preloaded });
  assert.equal(model.cv.nFolds, 3);
  assert.equal(model.cv.foldKind, 'group');
  assert.equal(model.metrics['cv-out-of-fold:drawn'].n, 60);
  // Every drawing was scored out of fold (the session whole in one fold, not trained on there).
  const perSource = model.metrics['cv-out-of-fold:drawn'];
  assert.ok(perSource.accuracy > 0.5, `drawn out-of-fold accuracy ${perSource.accuracy}`);
});

test('resolveTrainConfig and trainModel name what is wrong with a configuration', () => {
  assert.throws(
    () => resolveTrainConfig({ ...tiny, colour: 'red' }, 'retrainConfig'),
    (e: Error) =>
      e instanceof TrainConfigError && /retrainConfig: unknown setting colour/.test(e.message),
  );
  assert.throws(
    () => resolveTrainConfig({ features: 'sift' }),
    /features must be one of .* got sift/,
  );
  assert.throws(() => resolveTrainConfig({ data: [] }), /--data names no source/);
  for (const height of [[0.9, 0.5], [0, 0.5], [0.3], 'small'])
    assert.throws(
      () => resolveTrainConfig({ ...tiny, synthetic: { height } }),
      /synthetic\.height must be \[low, high\] with 0\.05 ≤ low ≤ high ≤ 1 .*got /,
      JSON.stringify(height),
    );
  assert.doesNotThrow(() => resolveTrainConfig({ ...tiny, synthetic: { height: [0.25, 0.85] } }));
  assert.throws(() => resolveTrainConfig([]), /expected a JSON object/);
  assert.throws(
    () => trainModel(resolveTrainConfig({ ...tiny, data: ['synthetic:100'], groupCv: true })),
    /--group-cv needs a drawing source with writers or sessions/,
  );
});
