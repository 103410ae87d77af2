/**
 * `digitrec crossval`: the writer-disjoint evaluation. Real drawings with writers are split into
 * folds by writer; each fold's model — both readers, trained exactly as `digitrec train` trains —
 * learns from the `--data` sources plus the other writers and is read on the held-out writers, and
 * scored on the `--eval` sets. `--ladder` adds the steps without real drawings (MNIST alone, all
 * `--data` sources) so the gain of each shows. Every figure is given for the development and the
 * confirmation writers (`data/writers.ts`), with the worst writer of each.
 */
import { writeFileSync } from 'node:fs';
import type { Metrics } from '../core/contracts.js';
import { loadDataSource, parseSourceSpec } from '../data/sources.js';
import { crossvalidateByWriter, type WriterCvSummary } from '../data/writer-crossval.js';
import { integerOption, parseArgs, UsageError } from './args.js';
import { formatMetricsLine, pct, table } from './text.js';
import { TRAIN_HELP, trainConfig, withProgressBars } from './train.js';

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

/** One step of the evaluation: a name, whether it trains on the real drawings, and its result. */
export interface CrossvalStep {
  name: string;
  includeReal: boolean;
  result: WriterCvSummary;
}

function foldTable(result: WriterCvSummary, tests: string[]): string {
  const head = [
    'fold',
    'writers',
    'n train',
    'C',
    'online C',
    'w',
    'threshold',
    'held-out acc',
    'image',
    'online',
    'redraw',
    'accepted acc',
    ...tests,
  ];
  const rows = result.folds.map((f) => [
    String(f.fold + 1),
    String(f.writers.length),
    String(f.nTrain),
    f.C.toPrecision(3),
    f.onlineC === null ? '–' : f.onlineC.toPrecision(3),
    f.onlineWeight === null ? '–' : String(f.onlineWeight),
    f.threshold.toFixed(3),
    pct(f.heldOut.accuracy),
    f.readers ? pct(f.readers.image) : '–',
    f.readers ? pct(f.readers.online) : '–',
    pct(f.heldOut.redrawRate),
    pct(f.heldOut.acceptedAccuracy),
    ...tests.map((t) => pct(f.tests[t].accuracy)),
  ]);
  return table([head, ...rows]);
}

function groupCells(result: WriterCvSummary, group: string): string[] {
  const g = result.groups.find((x) => x.group === group);
  if (!g) return ['–', '–', '–', '–'];
  return [
    pct(g.metrics.accuracy),
    pct(g.metrics.redrawRate),
    pct(g.metrics.acceptedAccuracy),
    `${g.worst.writer} ${pct(g.worst.accuracy)}`,
  ];
}

function summaryRow(step: CrossvalStep, tests: string[]): string[] {
  const p: Metrics = step.result.pooled;
  return [
    step.name,
    pct(p.accuracy),
    pct(p.redrawRate),
    pct(p.acceptedAccuracy),
    ...groupCells(step.result, 'development'),
    ...groupCells(step.result, 'confirmation'),
    ...tests.map(
      (t) => `${pct(step.result.testAccuracy[t].mean)} (${pct(step.result.testAccuracy[t].min)})`,
    ),
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
  const realSpec = parseSourceSpec(options.real);
  const loaded = loadDataSource(realSpec.name);
  if (loaded.kind !== 'drawings')
    throw new UsageError(`--real ${realSpec.name}: expected drawings with strokes and writers`);
  if (loaded.drawings.some((d) => d.group === undefined || d.group === ''))
    throw new UsageError(`--real ${realSpec.name}: every drawing needs a writer or session`);
  const real = {
    name: realSpec.name,
    drawings: loaded.drawings,
    weight: realSpec.weight ?? config.weights[realSpec.name] ?? 1,
  };
  const testNames = config.eval;
  const base = config.data;
  const mnistOnly = base.filter((s) => /^mnist(-train)?(@|$)/.test(s));
  const plan: { name: string; data: string[]; includeReal: boolean }[] = [];
  if (options.ladder) {
    if (mnistOnly.length > 0 && mnistOnly.length < base.length)
      plan.push({ name: 'MNIST alone', data: mnistOnly, includeReal: false });
    plan.push({ name: base.join(' + '), data: base, includeReal: false });
    plan.push({ name: `${base.join(' + ')} + real`, data: base, includeReal: true });
  } else {
    plan.push({
      name: options['without-real'] ? base.join(' + ') : `${base.join(' + ')} + real`,
      data: base,
      includeReal: !options['without-real'],
    });
  }

  const steps: CrossvalStep[] = [];
  for (const step of plan) {
    log(`\n== ${step.name} ==`);
    const result = crossvalidateByWriter({ ...config, data: step.data }, real, {
      nFolds,
      includeReal: step.includeReal,
      training: withProgressBars(() => {}),
      onFold: (fold, n) =>
        log(fold < 0 ? 'one model (no real drawings in training)' : `fold ${fold + 1}/${n}`),
    });
    log(foldTable(result, testNames));
    log(formatMetricsLine('held-out writers (pooled; each fold at its threshold)', result.pooled));
    steps.push({ name: step.name, includeReal: step.includeReal, result });
  }

  const writers = new Set(real.drawings.map((d) => d.group)).size;
  log(
    `\nWriter-disjoint evaluation: ${real.drawings.length} drawings of ${writers} writers in ${nFolds} folds\n${table(
      [
        [
          'training data',
          'held-out acc',
          'redraw',
          'accepted acc',
          'dev acc',
          'dev redraw',
          'dev accepted',
          'dev worst',
          'confirm acc',
          'confirm redraw',
          'confirm accepted',
          'confirm worst',
          ...testNames.map((t) => `${t} mean (min)`),
        ],
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
