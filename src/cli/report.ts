/** `digitrec report`: a self-contained HTML evaluation report of one model, or two compared. */
import { writeFileSync } from 'node:fs';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import {
  buildReport,
  evaluateForReport,
  type ReportModel,
  type SetEvaluation,
} from '../data/report/index.js';
import { loadDataSource } from '../data/sources.js';
import { type OptionSpec, parseArgs, UsageError } from './args.js';
import { checkInputFile, checkOutputFile } from './paths.js';
import { ProgressBar } from './progress.js';

const SPEC: OptionSpec = {
  model: 'string',
  compare: 'string',
  data: 'string',
  format: 'string',
  out: 'string',
  help: 'boolean',
};

export const REPORT_HELP = `digitrec report [--model FILE] [--compare FILE] [--data LIST] [--out FILE]
  --model     the model file                                  [the default model]
  --compare   a second model file, shown side by side on the same data
  --data      comma-separated data sets to evaluate now: mnist-test, mnist-train,
              or paths (CSV, IDX, image folder, UNIPEN, strokes JSONL); none
              for only what the model file holds                  [mnist-test]
  --format    csv | idx | folder | unipen | strokes-jsonl    [detected from the path]
  --out       where to write the HTML                                [report.html]`;

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Runs `digitrec report`; returns the path written. */
export function reportCommand(argv: string[], log: (s: string) => void = console.log): string {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const paths = [
    typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH,
    ...(typeof options.compare === 'string' ? [options.compare] : []),
  ];
  if (typeof options.model === 'string') checkInputFile(options.model, '--model');
  if (typeof options.compare === 'string') checkInputFile(options.compare, '--compare');
  const out = typeof options.out === 'string' ? options.out : 'report.html';
  checkOutputFile(out, '--out');
  const models: ReportModel[] = paths.map((path) => ({ model: loadModel(path), path }));
  const specs =
    options.data === 'none'
      ? []
      : list(typeof options.data === 'string' ? options.data : 'mnist-test');
  const sets: SetEvaluation[][] = [];
  for (const spec of specs) {
    const data = loadDataSource(spec, options.format as string | undefined);
    const featureBars = new Map<string, ProgressBar>();
    const evalBars = new Map<number, ProgressBar>();
    sets.push(
      evaluateForReport(
        models.map((m) => m.model),
        data,
        spec,
        {
          onFeatures: (done, total, key) => {
            let bar = featureBars.get(key);
            if (!bar) {
              const kind = JSON.parse(key)[0];
              bar = new ProgressBar(`features ${spec} (${kind})`, total);
              featureBars.set(key, bar);
            }
            bar.update(done);
          },
          onEvaluate: (done, total, m) => {
            let bar = evalBars.get(m);
            if (!bar) {
              bar = new ProgressBar(`evaluate ${spec} with ${models[m].model.id}`, total);
              evalBars.set(m, bar);
            }
            bar.update(done);
          },
        },
      ),
    );
  }
  const html = buildReport({
    models,
    sets,
    generatedAt: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  });
  writeFileSync(out, html);
  for (const set of sets) {
    for (const e of set) {
      log(
        `${e.name}: n=${e.metrics.n} accuracy ${(100 * e.metrics.accuracy).toFixed(2)}% (model ${models[set.indexOf(e)].model.id})`,
      );
    }
  }
  log(`wrote ${out} (${Math.round(html.length / 1024)} KB)`);
  return out;
}
