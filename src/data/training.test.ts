import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialiseModelFile } from '../core/model-file.js';
import { hashData } from './sources.js';
import { syntheticDrawings } from './synthetic.js';
import {
  resolveTrainConfig,
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
  const cvProgress = events.filter((e) => e.kind === 'progress' && e.phase === 'cross-validation');
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
      'calibrated',
      'metrics',
    ],
  );
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
  assert.throws(() => resolveTrainConfig([]), /expected a JSON object/);
  assert.throws(
    () => trainModel(resolveTrainConfig({ ...tiny, data: ['synthetic:100'], groupCv: true })),
    /--group-cv needs a drawing source with writers or sessions/,
  );
});
