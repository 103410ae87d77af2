/** `digitrec eval`: every metric of a model on a labelled data set. */
import { evaluateModel } from '../core/batch.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { featurizeData, loadDataSource } from '../data/sources.js';
import { type OptionSpec, parseArgs, UsageError } from './args.js';
import { ProgressBar } from './progress.js';
import { formatMetrics } from './text.js';

const SPEC: OptionSpec = {
  model: 'string',
  data: 'string',
  format: 'string',
  json: 'boolean',
  help: 'boolean',
};

export const EVAL_HELP = `digitrec eval --data PATH|mnist-test [--model FILE] [--format F] [--json]
  --data      a labelled data set: mnist-test, mnist-train, or a path (CSV, IDX,
              image folder, UNIPEN, strokes JSONL)
  --model     the model file                                  [the default model]
  --format    csv | idx | folder | unipen | strokes-jsonl    [detected from the path]
  --json      print one JSON object instead of tables`;

/** Runs `digitrec eval`; returns the metrics object it printed. */
export function evalCommand(argv: string[], log: (s: string) => void = console.log) {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (typeof options.data !== 'string')
    throw new UsageError('eval needs --data PATH (or --data mnist-test)');
  const modelPath = typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH;
  const model = loadModel(modelPath);
  const data = loadDataSource(options.data, options.format as string | undefined);
  const bar = options.json ? undefined : new ProgressBar(`features ${options.data}`, 1);
  const fs = featurizeData(data, model.features, model.preprocessing, (done, n) => {
    if (bar) {
      bar.total = n;
      bar.update(done);
    }
  });
  const metrics = evaluateModel(model, fs.X, fs.y);
  const result = { data: options.data, model: model.id, empty: fs.emptyCount, ...metrics };
  if (options.json) log(JSON.stringify(result));
  else {
    log(`model ${model.id} (${modelPath})`);
    if (fs.emptyCount > 0) log(`${fs.emptyCount} items had no ink and were not classified`);
    log(formatMetrics(options.data, metrics));
  }
  return result;
}
