#!/usr/bin/env node
// Trains the committed default configuration's data (models/default.config.json: same sources,
// features, Cs, folds, tol) on one objective and records its MNIST test predictions, or compares
// two such records: "the default model trained with either path gives the same predictions".
//
//   node scripts/agreement.mjs run --backend simd|ts [--tol T] [--config F] --out run.json
//     [--parallel rows|folds] [--threads N] [--Cs 10|0.1,1] [--cv K] (train's flags override the config)
//     [--memory M] [--warm-start path|folds] (L-BFGS pairs and where the CV fits start; see core/cv.ts)
//   node scripts/agreement.mjs polish --backend simd|ts --tol 1e-7 --max-iter 3000 [--from M] --out F
//   node scripts/agreement.mjs compare a.json b.json
//
// `polish` skips the CV: it refits the default config's data at the model's C starting from the
// model's own weights (default models/default.json), to a tight tolerance, so that two objectives
// can be compared where both have converged rather than where each ran out of iterations.
//
// `--backend simd` is what `digitrec train` runs (the SIMD kernel, rows split over 2 threads, via
// logisticRegressionCVParallel); `--backend ts` is the float64 TypeScript reference objective on
// one thread (slow: tens of minutes on the default data). Uses dist/ (run `npm run build` first).
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
// The one place this script reaches into the training command (it may move to src/data).
import { prepareCombinedSources, prepareSource, trainConfig } from '../dist/cli/train.js';
import { logisticRegressionCV } from '../dist/core/cv.js';
import { fitLogisticRegression } from '../dist/core/logistic.js';
import { accuracy } from '../dist/core/metrics.js';
import { logisticRegressionCVParallel } from '../dist/data/parallel/cv.js';
import { createParallelBackend } from '../dist/data/parallel/pool.js';
import { trainingCvOptions, trainingSampleWeight } from '../dist/data/training.js';

const [command, ...rest] = process.argv.slice(2);

/** The configuration's sources, featurised and stacked as `trainModel` stacks them. */
function prepareCombined(config, log) {
  const { combined } = prepareCombinedSources(config, log);
  return { combined, X: combined.data.X, y: combined.data.y };
}

/** A model's MNIST test accuracy, its predictions and its coefficients, as a run records them. */
function testRecord(model, config, log) {
  const test = prepareSource('mnist-test', { ...config, limit: undefined }, log).fs;
  const predictions = model.predict(test.X);
  return {
    mnistTest: { n: predictions.length, accuracy: accuracy(test.y, predictions) },
    predictions: Array.from(predictions),
    weights: Array.from(model.weights),
    intercepts: Array.from(model.intercepts),
  };
}

function usage(message) {
  console.error(`${message}
usage: node scripts/agreement.mjs polish --backend simd|ts --tol T --max-iter N [--from M] [--config F] --out F.json
       node scripts/agreement.mjs run --backend simd|ts [--tol T] [--config F] [--threads N]
         [--parallel rows|folds] [--Cs C] [--cv K] [--memory M] [--warm-start path|folds] --out F.json
       node scripts/agreement.mjs compare A.json B.json`);
  process.exit(2);
}

if (command === 'run') {
  const { values } = parseArgs({
    args: rest,
    options: {
      backend: { type: 'string' },
      tol: { type: 'string' },
      config: { type: 'string', default: 'models/default.config.json' },
      threads: { type: 'string', default: '2' },
      parallel: { type: 'string', default: 'rows' },
      Cs: { type: 'string' },
      cv: { type: 'string' },
      memory: { type: 'string' },
      'warm-start': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.backend !== 'simd' && values.backend !== 'ts')
    usage(`--backend must be simd or ts, got ${values.backend}`);
  if (!values.out) usage('--out is required');
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1)
    usage(`--threads must be an integer ≥ 1, got ${values.threads}`);
  const argv = ['--config', values.config];
  if (values.tol !== undefined) argv.push('--tol', values.tol);
  if (values.Cs !== undefined) argv.push('--Cs', values.Cs);
  if (values.cv !== undefined) argv.push('--cv', values.cv);
  if (values.memory !== undefined) argv.push('--memory', values.memory);
  if (values['warm-start'] !== undefined) argv.push('--warm-start', values['warm-start']);
  argv.push('--parallel', values.parallel);
  const config = trainConfig(argv);
  const log = (s) => console.error(s);
  const t0 = performance.now();
  const { combined, X, y } = prepareCombined(config, log);
  const cvOptions = {
    ...trainingCvOptions(config, combined),
    onProgress: (e) => log(`  fit ${e.done}/${e.total} fold ${e.fold} C=${e.C} score ${e.score}`),
  };
  const tFit = performance.now();
  const result =
    values.backend === 'simd'
      ? logisticRegressionCVParallel(X, y, { ...cvOptions, threads, parallel: config.parallel })
      : logisticRegressionCV(X, y, { ...cvOptions, backend: 'ts' });
  const fitSeconds = (performance.now() - tFit) / 1000;
  const tested = testRecord(result.model, config, log);
  const record = {
    backend: values.backend === 'simd' ? `simd×${threads}` : 'ts×1',
    parallel: values.backend === 'simd' ? values.parallel : null,
    config: values.config,
    tol: config.tol,
    memory: config.memory,
    warmStart: config.warmStart,
    n: X.n,
    d: X.d,
    table: result.table,
    iterations: result.iterations,
    refitIterations: result.refitIterations,
    fitSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    totalSeconds: (performance.now() - t0) / 1000,
    loadavg: loadavg(),
    cpus: cpus().length,
    ...tested,
  };
  writeFileSync(values.out, `${JSON.stringify(record)}\n`);
  console.log(
    `${record.backend} tol ${record.tol}: best C ${result.table.bestC}, CV ${result.table.meanScores.map((s) => s.toFixed(5)).join(' / ')}, MNIST test ${(100 * record.mnistTest.accuracy).toFixed(2)}%, fit ${fitSeconds.toFixed(0)} s, refit ${result.refitIterations} iterations → ${values.out}`,
  );
} else if (command === 'polish') {
  const { values } = parseArgs({
    args: rest,
    options: {
      backend: { type: 'string' },
      tol: { type: 'string', default: '1e-7' },
      'max-iter': { type: 'string', default: '3000' },
      from: { type: 'string', default: 'models/default.json' },
      config: { type: 'string', default: 'models/default.config.json' },
      threads: { type: 'string', default: '2' },
      out: { type: 'string' },
    },
  });
  if (values.backend !== 'simd' && values.backend !== 'ts')
    usage(`--backend must be simd or ts, got ${values.backend}`);
  if (!values.out) usage('--out is required');
  const tol = Number(values.tol);
  const maxIter = Number(values['max-iter']);
  const threads = Number(values.threads);
  const start = JSON.parse(readFileSync(values.from, 'utf8'));
  const config = trainConfig(['--config', values.config]);
  const log = (s) => console.error(s);
  const t0 = performance.now();
  const { combined, X, y } = prepareCombined(config, log);
  const sampleWeight = trainingSampleWeight(combined);
  const backend = values.backend === 'simd' ? createParallelBackend({ threads }) : 'ts';
  const tFit = performance.now();
  const model = fitLogisticRegression(X, y, {
    C: start.C,
    classes: start.classes,
    sampleWeight,
    tol,
    maxIter,
    init: {
      weights: Float64Array.from(start.weights.flat()),
      intercepts: Float64Array.from(start.intercepts),
    },
    backend,
  });
  const fitSeconds = (performance.now() - tFit) / 1000;
  if (typeof backend === 'object') await backend.close();
  const tested = testRecord(model, config, log);
  const record = {
    backend: values.backend === 'simd' ? `simd×${threads}` : 'ts×1',
    from: `${values.from} (model ${start.id})`,
    C: start.C,
    tol,
    maxIter,
    iterations: model.iterations,
    converged: model.converged,
    fitSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    totalSeconds: (performance.now() - t0) / 1000,
    ...tested,
  };
  writeFileSync(values.out, `${JSON.stringify(record)}\n`);
  console.log(
    `${record.backend} polish at C ${record.C} to tol ${tol}: ${model.iterations} iterations, ${model.converged ? 'converged' : 'not converged'}, MNIST test ${(100 * record.mnistTest.accuracy).toFixed(2)}%, ${fitSeconds.toFixed(0)} s → ${values.out}`,
  );
} else if (command === 'compare') {
  if (rest.length !== 2) usage('compare needs two run files');
  const [a, b] = rest.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  if (a.predictions.length !== b.predictions.length)
    usage(`the runs predicted ${a.predictions.length} and ${b.predictions.length} images`);
  let same = 0;
  for (let i = 0; i < a.predictions.length; i++) if (a.predictions[i] === b.predictions[i]) same++;
  let maxDiff = 0;
  let maxAbs = 0;
  for (let j = 0; j < a.weights.length; j++) {
    maxDiff = Math.max(maxDiff, Math.abs(a.weights[j] - b.weights[j]));
    maxAbs = Math.max(maxAbs, Math.abs(a.weights[j]));
  }
  for (const r of [a, b]) {
    const what = r.table
      ? `best C ${r.table.bestC}, mean CV ${r.table.meanScores.map((s) => s.toFixed(5)).join(' / ')}, fold iterations ${JSON.stringify(r.iterations)}, refit ${r.refitIterations}`
      : `C ${r.C} from ${r.from}, ${r.iterations} iterations, ${r.converged ? 'converged' : 'not converged'}`;
    console.log(
      `${r.backend.padEnd(7)} tol ${r.tol}: ${what}, MNIST test ${(100 * r.mnistTest.accuracy).toFixed(2)}%, fit ${r.fitSeconds.toFixed(0)} s`,
    );
  }
  console.log(
    `same MNIST test prediction on ${same} of ${a.predictions.length} images; largest weight difference ${maxDiff.toExponential(2)} (largest weight ${maxAbs.toFixed(3)})`,
  );
} else {
  usage(`unknown command ${command ?? '(none)'}`);
}
