/**
 * `digitrec crossval`: the writer-disjoint evaluation. Real drawings with writers are split into
 * folds by writer; each fold's model is trained on the `--data` sources plus the other writers and
 * tested on the held-out writers and on `--eval` sets. `--ladder` adds the steps without real
 * drawings (MNIST alone, all `--data` sources) so the gain of each shows.
 */
import { writeFileSync } from 'node:fs';
import type { TrainingSource } from '../core/combined.js';
import type { Metrics } from '../core/contracts.js';
import { logisticRegressionCV } from '../core/cv.js';
import { type WriterCvResult, writerCrossValidation } from '../core/writer-cv.js';
import { parseSourceSpec } from '../data/sources.js';
import { integerOption, parseArgs, UsageError } from './args.js';
import { ProgressBar } from './progress.js';
import { formatMetricsLine, pct, table } from './text.js';
import { prepareSource, prepareTrainingSources, TRAIN_HELP, trainConfig } from './train.js';

export const CROSSVAL_HELP = `digitrec crossval --real FILE [options]   writer-disjoint evaluation on real drawings
  --real FILE[@W]      real drawings with writers (e.g. a strokes JSONL file), held out by
                       writer; W is their sample weight when trained on  [1]
  --folds K            outer folds over the writers                      [5]
  --without-real       train on --data only (the real drawings are only tested on)
  --ladder             run MNIST alone, then --data, then --data + real drawings
  --json FILE          also write the results as JSON
  and the training options of digitrec train (--data, --features, --Cs, --cv for the inner
  cross-validation, --seed, --target-error, --eval [mnist-test], …):
${TRAIN_HELP.split('\n').slice(1).join('\n')}`;

/** One step of the evaluation: a name, the sources it trains on, and its result. */
export interface CrossvalStep {
  name: string;
  includeReal: boolean;
  result: WriterCvResult;
}

function foldTable(result: WriterCvResult, tests: string[]): string {
  const head = [
    'fold',
    'writers',
    'n train',
    'C',
    'T',
    'threshold',
    'held-out acc',
    'ECE',
    'redraw',
    'accepted acc',
    ...tests,
  ];
  const rows = result.folds.map((f) => [
    String(f.fold + 1),
    String(f.writers.length),
    String(f.nTrain),
    f.C.toPrecision(3),
    f.temperature.toFixed(3),
    f.threshold.toFixed(3),
    pct(f.heldOut.accuracy),
    f.heldOut.ece.toFixed(4),
    pct(f.heldOut.redrawRate),
    pct(f.heldOut.acceptedAccuracy),
    ...tests.map((t) => pct(f.tests[t].accuracy)),
  ]);
  return table([head, ...rows]);
}

function summaryRow(step: CrossvalStep, tests: string[]): string[] {
  const p: Metrics = step.result.pooled;
  return [
    step.name,
    pct(p.accuracy),
    p.ece.toFixed(4),
    pct(p.redrawRate),
    pct(p.acceptedAccuracy),
    ...tests.map((t) => pct(step.result.testAccuracy[t])),
  ];
}

/** Runs `digitrec crossval`. */
export function crossvalCommand(
  argv: string[],
  log: (s: string) => void = console.log,
): CrossvalStep[] {
  // Own options first; the rest are train's.
  const own = {
    real: 'string',
    folds: 'string',
    'without-real': 'boolean',
    ladder: 'boolean',
    json: 'string',
  } as const;
  const mine: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2).split('=')[0] : '';
    if (name in own) {
      mine.push(argv[i]);
      if (
        own[name as keyof typeof own] === 'string' &&
        !argv[i].includes('=') &&
        i + 1 < argv.length
      )
        mine.push(argv[++i]);
    } else rest.push(argv[i]);
  }
  const { options } = parseArgs(mine, own);
  if (typeof options.real !== 'string') throw new UsageError('--real FILE is required');
  const nFolds =
    typeof options.folds === 'string' ? integerOption('folds', options.folds, 2, 1000) : 5;
  const config = trainConfig(rest);
  const t0 = performance.now();

  const { sources: base } = prepareTrainingSources(config, log);
  const realSpec = parseSourceSpec(options.real);
  const realPrepared = prepareSource(realSpec.name, { ...config, limit: undefined }, log);
  if (!realPrepared.fs.groups || realPrepared.fs.groups.some((g) => g === '')) {
    throw new UsageError(`--real ${realSpec.name}: every drawing needs a writer or session`);
  }
  const real: TrainingSource = {
    name: realSpec.name,
    kind: 'real',
    set: realPrepared.fs,
    weight: realSpec.weight ?? config.weights[realSpec.name] ?? 1,
  };
  const tests = Object.fromEntries(
    config.eval.map((spec) => [spec, prepareSource(spec, { ...config, limit: undefined }, log).fs]),
  );
  const testNames = Object.keys(tests);

  const plan: { name: string; sources: TrainingSource[]; includeReal: boolean }[] = [];
  if (options.ladder) {
    const mnistOnly = base.filter((s) => s.kind === 'mnist');
    if (mnistOnly.length > 0 && mnistOnly.length < base.length)
      plan.push({ name: 'MNIST alone', sources: mnistOnly, includeReal: false });
    plan.push({ name: base.map((s) => s.name).join(' + '), sources: base, includeReal: false });
    plan.push({
      name: `${base.map((s) => s.name).join(' + ')} + real`,
      sources: base,
      includeReal: true,
    });
  } else {
    plan.push({
      name: options['without-real']
        ? base.map((s) => s.name).join(' + ')
        : `${base.map((s) => s.name).join(' + ')} + real`,
      sources: base,
      includeReal: !options['without-real'],
    });
  }

  const steps: CrossvalStep[] = [];
  for (const step of plan) {
    log(`\n== ${step.name} ==`);
    let bar: ProgressBar | undefined;
    const result = writerCrossValidation(step.sources, real, tests, {
      nFolds,
      includeReal: step.includeReal,
      targetError: config.targetError,
      cv: {
        Cs: config.Cs,
        cv: config.cv,
        seed: config.seed,
        scoring: config.scoring,
        maxIter: config.maxIter,
        tol: config.tol,
      },
      fit: (X, y, o) => logisticRegressionCV(X, y, o),
      onFold: (fold, n, nTrain) => {
        bar = new ProgressBar(
          fold < 0 ? `fit (${nTrain} rows)` : `fold ${fold + 1}/${n} (${nTrain} rows)`,
          1,
        );
      },
      onProgress: (e) => {
        if (bar) {
          bar.total = e.total;
          bar.update(e.done, `C=${e.C.toPrecision(3)}`);
        }
      },
    });
    log(foldTable(result, testNames));
    log(formatMetricsLine('held-out writers (pooled; each fold at its threshold)', result.pooled));
    steps.push({ name: step.name, includeReal: step.includeReal, result });
  }

  log(
    `\nWriter-disjoint evaluation: ${real.set.X.n} drawings of ${new Set(real.set.groups).size} writers in ${nFolds} folds\n${table(
      [
        ['training data', 'held-out acc', 'ECE', 'redraw', 'accepted acc', ...testNames],
        ...steps.map((s) => summaryRow(s, testNames)),
      ],
    )}`,
  );
  if (typeof options.json === 'string') {
    writeFileSync(
      options.json,
      `${JSON.stringify({ config, real: options.real, nFolds, steps }, null, 1)}\n`,
    );
    log(`wrote ${options.json}`);
  }
  log(`took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return steps;
}
