#!/usr/bin/env node
import { logisticRegressionCV } from '../../dist/core/cv.js';
// One whole training of the default model's recipe, in its own process so its peak RSS is its own:
// MNIST training images (the first N; beyond 60k, mirrored copies), HOG features with deskew,
// Cs = 10, 5-fold stratified CV on the SIMD kernel over T threads, refit. Prints one JSON line.
// Usage: node scripts/bench/train-child.mjs N THREADS [parallel|ts|simd] [--test] [--tol X]
//   [--refit-tol X] (the refit then runs up to 5000 iterations) [--max-iter N]
//   [--mode rows|folds] (how 'parallel' spreads the work; default rows)
import { featurizeImageSet } from '../../dist/core/dataset.js';
import { loadMnist } from '../../dist/data/mnist.js';
import { logisticRegressionCVParallel } from '../../dist/data/parallel/cv.js';

const n = Number(process.argv[2] ?? 60000);
const threads = Number(process.argv[3] ?? 2);
const backend = process.argv[4] && !process.argv[4].startsWith('--') ? process.argv[4] : 'parallel';
const withTest = process.argv.includes('--test');
const config = { features: 'hog', preprocessing: { deskew: true, downscaleTo: 0 } };

const t0 = performance.now();
const train = loadMnist('train');
const size = train.width * train.height;
const pixels = new Uint8Array(n * size);
const labels = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  const src = i % train.n;
  labels[i] = train.labels[src];
  if (i < train.n) pixels.set(train.pixels.subarray(src * size, (src + 1) * size), i * size);
  else {
    // A mirrored copy (left–right): new images with the same statistics, for sizes beyond 60k.
    for (let r = 0; r < train.height; r++)
      for (let c = 0; c < train.width; c++)
        pixels[i * size + r * train.width + c] =
          train.pixels[src * size + r * train.width + (train.width - 1 - c)];
  }
}
const set = { n, width: train.width, height: train.height, pixels, labels };
const fs = featurizeImageSet(set, config);
const t1 = performance.now();
const tolAt = process.argv.indexOf('--tol');
const tol = tolAt > 0 ? Number(process.argv[tolAt + 1]) : 1e-4;
const refitTolAt = process.argv.indexOf('--refit-tol');
const refitTol = refitTolAt > 0 ? Number(process.argv[refitTolAt + 1]) : undefined;
const maxIterAt = process.argv.indexOf('--max-iter');
const maxIter = maxIterAt > 0 ? Number(process.argv[maxIterAt + 1]) : 100;
const modeAt = process.argv.indexOf('--mode');
const mode = modeAt > 0 ? process.argv[modeAt + 1] : 'rows';
const options = {
  Cs: 10,
  cv: 5,
  seed: 0,
  scoring: 'accuracy',
  maxIter,
  tol,
  refitTol,
  refitMaxIter: refitTol === undefined ? undefined : 5000,
};
const cv =
  backend === 'parallel'
    ? logisticRegressionCVParallel(fs.X, fs.y, { ...options, threads, parallel: mode })
    : logisticRegressionCV(fs.X, fs.y, { ...options, backend });
const t2 = performance.now();
let testAccuracy = null;
let testPredictions = null;
if (withTest) {
  const test = featurizeImageSet(loadMnist('test'), config);
  testAccuracy = cv.model.score(test.X, test.y);
  testPredictions = Buffer.from(cv.model.predict(test.X)).toString('base64');
}
const fits = cv.iterations.flat();
console.log(
  JSON.stringify({
    n: fs.X.n,
    d: fs.X.d,
    threads: backend === 'parallel' ? threads : 1,
    mode: backend === 'parallel' ? mode : null,
    tol,
    maxIter,
    refitTol: refitTol ?? tol,
    backend,
    featuresSeconds: (t1 - t0) / 1000,
    cvSeconds: (t2 - t1) / 1000,
    totalSeconds: (t2 - t0) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    bestC: cv.table.bestC,
    meanScores: cv.table.meanScores,
    fitIterations: fits.reduce((a, b) => a + b, 0),
    iterations: cv.iterations,
    fitsAtMaxIter: cv.converged.flat().filter((c) => !c).length,
    refitIterations: cv.refitIterations,
    testAccuracy,
    testPredictions,
  }),
);
process.exit(0);
