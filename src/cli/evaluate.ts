/** `digitrec eval`: every metric of a model on a labelled data set. */

import { evaluateData, evaluateNonDigits } from '../data/evaluation.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { evaluateNumbers, readNumbersJsonl } from '../data/numbers.js';
import { loadDataSource } from '../data/sources.js';
import { readNonDigitJsonl } from '../data/strokes-jsonl.js';
import { parseWriterGroup } from '../data/writers.js';
import { type OptionSpec, parseArgs, UsageError } from './args.js';
import { ProgressBar } from './progress.js';
import { formatMetrics, pct, table } from './text.js';

const SPEC: OptionSpec = {
  model: 'string',
  data: 'string',
  format: 'string',
  writers: 'string',
  junk: 'string',
  numbers: 'string',
  'length-hint': 'boolean',
  json: 'boolean',
  help: 'boolean',
};

/**
 * Runs an evaluation with a progress bar named `label` (none with --json), starting at `total`
 * and following the totals the progress reports; a bad --writers (a RangeError naming it) is a
 * usage error.
 */
function withProgress<T>(
  label: string,
  total: number,
  json: boolean,
  run: (onProgress: (done: number, n: number) => void) => T,
): T {
  const bar = json ? undefined : new ProgressBar(label, total);
  try {
    return run((done, n) => {
      if (bar) {
        bar.total = n;
        bar.update(done);
      }
    });
  } catch (err) {
    if (err instanceof RangeError && err.message.startsWith('--writers'))
      throw new UsageError(err.message);
    throw err;
  }
}

export const EVAL_HELP = `digitrec eval --data PATH|mnist-test [--junk FILE] [--model FILE] [--format F] [--writers G] [--json]
  --data      a labelled data set: mnist-test, mnist-train, or a path (CSV, IDX,
              image folder, UNIPEN, strokes JSONL)
  --model     the model file                                  [the default model]
  --format    csv | idx | folder | unipen | strokes-jsonl    [detected from the path]
  --writers   all | dev | confirm: drawings with writers are split by a fixed rule into a
              development group (design choices) and a confirmation group (only scored)  [all]
  --junk      strokes JSONL of drawings that are not digits (digitrec synth --junk, or your
              own shapes, letters and scribbles; a "kind" field groups them): the share
              answered as a digit, as "not a digit" and as unsure, per kind. With --data too,
              the digits' redraws include those called "not a digit"
  --numbers   numbers JSON Lines (digitrec synth --numbers) instead of --data: digit
              segmentation, whole-number accuracy, and at the model's threshold the share
              of numbers accepted, the accuracy on them and the share asked to fix a digit
  --length-hint  with --numbers, tell the reader each number's length
  --json      print one JSON object instead of tables
Drawings are read by both readers fused when the model has an online reader, and checked by its
not-a-digit reader when it has one; plain images by the image reader alone.`;

/** Runs `digitrec eval`; returns the result object it printed. */
export function evalCommand(argv: string[], log: (s: string) => void = console.log) {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (
    typeof options.data !== 'string' &&
    typeof options.junk !== 'string' &&
    typeof options.numbers !== 'string'
  )
    throw new UsageError(
      'eval needs --data PATH (or --data mnist-test), --junk FILE or --numbers FILE',
    );
  const writers =
    typeof options.writers === 'string' ? parseWriterGroup(options.writers) : undefined;
  if (typeof options.writers === 'string' && writers === undefined)
    throw new UsageError(`--writers must be all, dev or confirm, got ${options.writers}`);
  const modelPath = typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH;
  const model = loadModel(modelPath);
  if (typeof options.numbers === 'string') {
    if (typeof options.data === 'string' || typeof options.junk === 'string')
      throw new UsageError('--numbers goes alone, without --data or --junk');
    return numbersCommand(options.numbers, model, modelPath, writers, options, log);
  }
  const nonDigits =
    typeof options.junk === 'string'
      ? evaluateNonDigits(model, readNonDigitJsonl(options.junk))
      : undefined;
  if (nonDigits && !options.json) {
    log(`model ${model.id} (${modelPath})`);
    log(
      `${options.junk}: ${nonDigits.overall.n} non-digits, ${pct(nonDigits.overall.acceptedAsDigit)} accepted as a digit, ${pct(nonDigits.overall.notDigit)} answered "not a digit", ${pct(nonDigits.overall.unsure)} unsure${model.junk ? '' : ' (the model has no not-a-digit reader)'}`,
    );
    log(
      `\n${table([
        ['kind', 'n', 'accepted as digit', 'not a digit', 'unsure'],
        ...nonDigits.kinds.map((c) => [
          c.kind,
          String(c.n),
          pct(c.acceptedAsDigit),
          pct(c.notDigit),
          pct(c.unsure),
        ]),
      ])}`,
    );
  }
  if (typeof options.data !== 'string') {
    const result = { junk: options.junk, model: model.id, nonDigits };
    if (options.json) log(JSON.stringify(result));
    return result;
  }
  if (nonDigits && !options.json) log('');
  const data = loadDataSource(options.data, options.format as string | undefined);
  const evaluation = withProgress(
    `features ${options.data}`,
    1,
    options.json === true,
    (onProgress) => evaluateData(model, data, { writers, onProgress }),
  );
  const { metrics, rows: _rows, ...rest } = evaluation;
  const result = {
    data: options.data,
    model: model.id,
    ...rest,
    ...metrics,
    ...(nonDigits ? { junk: options.junk, nonDigits } : {}),
  };
  if (options.json) log(JSON.stringify(result));
  else {
    log(`model ${model.id} (${modelPath})`);
    if (evaluation.empty > 0) log(`${evaluation.empty} items had no ink and were not classified`);
    const name =
      writers && writers !== 'all' ? `${options.data} (${writers} writers)` : options.data;
    log(formatMetrics(`${name}${evaluation.readBy === 'fused' ? ', both readers' : ''}`, metrics));
    if (evaluation.notDigit !== undefined)
      log(`not a digit: ${pct(evaluation.notDigit)} of these drawings (counted as redraws above)`);
    if (evaluation.readers) {
      const r = evaluation.readers;
      log(
        `\nreaders: image ${pct(r.image.accuracy)}, online ${pct(r.online.accuracy)}, fused ${pct(metrics.accuracy)}; they agree on ${pct(r.agreement)} of drawings and are then right ${pct(r.agreedAccuracy)}`,
      );
    }
    if (evaluation.groups && evaluation.writers) {
      log(
        `\n${table([
          [
            'writer group',
            'writers',
            'accuracy',
            'redraw',
            'accepted acc',
            'worst writer',
            'its acc',
            'its accepted acc',
          ],
          ...evaluation.groups.map((g) => [
            g.group,
            String(g.writers),
            pct(g.metrics.accuracy),
            pct(g.metrics.redrawRate),
            pct(g.metrics.acceptedAccuracy),
            g.worst.writer,
            pct(g.worst.accuracy),
            pct(g.worst.acceptedAccuracy),
          ]),
        ])}`,
      );
      log(
        `\nworst writers: ${evaluation.writers
          .slice(0, 5)
          .map((w) => `${w.writer} ${pct(w.accuracy)} (accepted ${pct(w.acceptedAccuracy)})`)
          .join(', ')}`,
      );
    }
  }
  return result;
}

/** `digitrec eval --numbers FILE`: how the model reads whole numbers. */
function numbersCommand(
  file: string,
  model: ReturnType<typeof loadModel>,
  modelPath: string,
  writers: ReturnType<typeof parseWriterGroup>,
  options: Record<string, string | boolean | undefined>,
  log: (s: string) => void,
) {
  const numbers = readNumbersJsonl(file);
  const figures = withProgress(
    `numbers ${file}`,
    numbers.length,
    options.json === true,
    (onProgress) =>
      evaluateNumbers(model, numbers, {
        ...(writers ? { writers } : {}),
        lengthHint: options['length-hint'] === true,
        onProgress,
      }),
  );
  const result = {
    numbers: file,
    model: model.id,
    lengthHint: options['length-hint'] === true,
    ...figures,
  };
  if (options.json) {
    log(JSON.stringify(result));
    return result;
  }
  log(`model ${model.id} (${modelPath})`);
  log(
    `${file}${figures.writerGroup !== 'all' ? ` (${figures.writerGroup} writers)` : ''}: ${figures.n} numbers, ${figures.digits} digits${result.lengthHint ? ', length given' : ''}`,
  );
  log(
    `\n${table([
      ['figure', 'value'],
      ['digits grouped right (segmentation)', pct(figures.digitSegmentation)],
      ['numbers grouped right', pct(figures.numberSegmentation)],
      ['digits read right (numbers grouped right)', pct(figures.digitAccuracy)],
      ['numbers read right', pct(figures.accuracy)],
      ['numbers accepted (no digit marked)', pct(figures.accepted)],
      ['accuracy on accepted numbers', pct(figures.acceptedAccuracy)],
      ['asked to fix a digit', pct(figures.askedToFix)],
      ['… exactly one digit', pct(figures.askedToFixOne)],
      ['right once the marked digits are fixed', pct(figures.rightOnceFixed)],
      ['truth among the alternatives', pct(figures.inAlternatives)],
      ['candidate digits read per number', figures.meanCandidates.toFixed(1)],
    ])}`,
  );
  return result;
}
