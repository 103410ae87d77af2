#!/usr/bin/env node
// `digitrec train --config models/default.config.json` (the committed default recipe, whatever it
// is now) in its own process, writing the model to a temporary file. Prints one JSON line: wall
// seconds, peak RSS and the model id (the same id on every run: training is deterministic).
// Usage: node scripts/bench/train-cli-child.mjs OUT_FILE [CONFIG]
import { readFileSync } from 'node:fs';
import { train } from '../../dist/cli/train.js';

const out = process.argv[2];
const config = process.argv[3] ?? 'models/default.config.json';
const t0 = performance.now();
const model = train(['--config', config, '--out', out], () => {});
console.log(
  JSON.stringify({
    config: JSON.parse(readFileSync(config, 'utf8')),
    seconds: (performance.now() - t0) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    modelId: model.id,
  }),
);
process.exit(0);
