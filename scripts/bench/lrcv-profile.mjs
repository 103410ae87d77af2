#!/usr/bin/env node
// Where the time of LogisticRegressionCV goes on the default model's image data (the sources,
// features and weights of models/default.config.json, Cs = 10, cv = 5, tol 1e-5 as in
// `node scripts/agreement.mjs run --backend simd --Cs 10 --cv 5`): runs the C path of one fold
// (`--fold F`) or the whole CV (`--fold all`, with the refit) on the SIMD kernel with rows split
// over 2 threads, counting every objective evaluation and timing it. Prints one JSON line per fit
// (C, L-BFGS iterations, evaluations, seconds inside the objective, wall and process CPU seconds),
// then a summary line; the load average is in every line, since the machine is shared.
//
//   node scripts/bench/lrcv-profile.mjs [--fold 0|all] [--memory 10] [--threads 2] [--out F.json]
//     [--limit N] (the first N items of each source, for a quick try)
//
// Process CPU counts both threads, so CPU seconds per evaluation are the figure to compare under
// load. Uses dist/ (run `npm run build` first).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { prepareCombinedSources, trainConfig } from '../../dist/cli/train.js';
import { fitFold, logisticRegressionCV, logspaceCs, sequentialFolds } from '../../dist/core/cv.js';
import { stratifiedKFold } from '../../dist/core/folds.js';
import { labelsPresent } from '../../dist/core/logistic-checks.js';
import { createRng } from '../../dist/core/random.js';
import { createParallelBackend } from '../../dist/data/parallel/pool.js';
import { trainingCvOptions } from '../../dist/data/training.js';

const { values } = parseArgs({
  options: {
    fold: { type: 'string', default: '0' },
    memory: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
    config: { type: 'string', default: 'models/default.config.json' },
    limit: { type: 'string' },
    out: { type: 'string' },
  },
});
const memory = Number(values.memory);
const threads = Number(values.threads);
if (!Number.isInteger(memory) || memory < 1)
  throw new RangeError(`--memory must be ≥ 1, got ${values.memory}`);
const config = trainConfig([
  '--config',
  values.config,
  '--Cs',
  '10',
  '--cv',
  '5',
  '--memory',
  values.memory,
  ...(values.limit ? ['--limit', values.limit] : []),
]);
const { combined } = prepareCombinedSources(config, (s) => console.error(s));
const { X, y } = combined.data;
const cv = { ...trainingCvOptions(config, combined), memory };

const inner = createParallelBackend({ threads });
const counts = { evaluations: 0, objectiveMs: 0 };
const backend = {
  name: `counting ${inner.name}`,
  bind(problem) {
    const kernel = inner.bind(problem);
    return (C, params, grad) => {
      counts.evaluations++;
      const t = performance.now();
      const v = kernel(C, params, grad);
      counts.objectiveMs += performance.now() - t;
      return v;
    };
  },
};

const cpuSeconds = (since) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};
const fits = [];
let mark = { ...counts, t: performance.now(), cpu: process.cpuUsage() };
/** Records the fit that just ended (its iterations from the model, the rest from the counters). */
const record = (fold, C, model) => {
  const fit = {
    fold,
    C,
    iterations: model.iterations,
    converged: model.converged,
    evaluations: counts.evaluations - mark.evaluations,
    objectiveSeconds: (counts.objectiveMs - mark.objectiveMs) / 1000,
    wallSeconds: (performance.now() - mark.t) / 1000,
    cpuSeconds: cpuSeconds(mark.cpu),
    load: loadavg()[0],
  };
  fits.push(fit);
  console.log(JSON.stringify(fit));
  mark = { ...counts, t: performance.now(), cpu: process.cpuUsage() };
};

const t0 = performance.now();
const cpu0 = process.cpuUsage();
// The C path in fitting order, as logisticRegressionCV resolves it.
const path = Array.isArray(cv.Cs) ? [...cv.Cs].sort((a, b) => a - b) : logspaceCs(cv.Cs);
if (values.fold === 'all') {
  const result = logisticRegressionCV(X, y, {
    ...cv,
    Cs: path,
    backend,
    foldRunner: (Xr, yr, folds, nFolds, options) =>
      sequentialFolds(Xr, yr, folds, nFolds, {
        ...options,
        onFit: (f, i, score, model) => {
          record(f, path[i], model);
          options.onFit?.(f, i, score, model);
        },
      }),
  });
  record(-1, result.table.bestC, result.model);
} else {
  const fold = Number(values.fold);
  if (cv.groups !== undefined && cv.folds === undefined)
    throw new Error('this configuration folds by group: run --fold all');
  const folds = cv.folds ?? stratifiedKFold(y, cv.cv, createRng(cv.seed));
  fitFold(X, y, folds, fold, {
    Cs: path,
    classes: labelsPresent(y),
    scoring: cv.scoring,
    maxIter: cv.maxIter,
    tol: cv.tol,
    memory,
    sampleWeight: cv.sampleWeight,
    backend,
    onFit: (i, _score, model) => record(fold, path[i], model),
  });
}
const iterations = fits.reduce((s, f) => s + f.iterations, 0);
const summary = {
  fold: values.fold,
  memory,
  threads,
  fits: fits.length,
  iterations,
  evaluations: counts.evaluations,
  evaluationsPerIteration: counts.evaluations / Math.max(1, iterations),
  objectiveSeconds: counts.objectiveMs / 1000,
  wallSeconds: (performance.now() - t0) / 1000,
  cpuSeconds: cpuSeconds(cpu0),
  load: loadavg(),
};
console.log(JSON.stringify(summary));
if (values.out) writeFileSync(values.out, `${JSON.stringify({ ...summary, perFit: fits })}\n`);
await inner.close();
