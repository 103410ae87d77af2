/** `digitrec personalise`: the Draw page's personal model, fitted offline from one person's drawings. */
import { modelFileOf } from '../core/model-file.js';
import { drawingFeatures, type PersonalExample, Personaliser } from '../core/personal.js';
import { createRecognizer } from '../core/recognizer.js';
import { hashBytes } from '../data/hash.js';
import { DEFAULT_MODEL_PATH, loadModel, modelId, saveModel } from '../data/model-io.js';
import { loadDataSource } from '../data/sources.js';
import { writerOf } from '../data/writers.js';
import { numberOption, type OptionSpec, parseArgs, UsageError } from './args.js';
import { checkInputFile, checkOutputFile } from './paths.js';
import { pct } from './text.js';

const SPEC: OptionSpec = {
  data: 'string',
  writer: 'string',
  model: 'string',
  format: 'string',
  C: 'string',
  out: 'string',
  json: 'boolean',
  help: 'boolean',
};

export const PERSONALISE_HELP = `digitrec personalise --data FILE [--writer W] --out FILE [--model FILE] [--C C] [--json]
  --data      one person's drawings (strokes JSONL, UNIPEN, the sample store)
  --writer    only this writer's (or session's) drawings                 [all of them]
  --out       the personal model file to write (then: digitrec eval --model FILE …)
  --model     the served model to adapt (needs an online reader)         [the default model]
  --C         C of C · Σ loss + ½‖W − W₀‖²                               [1]
  --json      print one JSON object
The drawings are taken in file order as the person's examples, as the Draw page takes them (those
the served model reads as "not a digit" are left out), each read first by the served model and
by the personal model without it. The personal readers are written only when those reads were at
least as accurate as the served model's; otherwise the file holds the served model.`;

/** Runs `digitrec personalise`; returns what it printed as an object. */
export function personaliseCommand(argv: string[], log: (s: string) => void = console.log) {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (typeof options.data !== 'string') throw new UsageError('personalise needs --data FILE');
  if (typeof options.out !== 'string') throw new UsageError('personalise needs --out FILE');
  checkInputFile(options.data, '--data');
  if (typeof options.model === 'string') checkInputFile(options.model, '--model');
  checkOutputFile(options.out, '--out');
  const C = typeof options.C === 'string' ? numberOption('C', options.C, Number.MIN_VALUE) : 1;
  const modelPath = typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH;
  const served = loadModel(modelPath);
  if (!served.online || !served.fusion)
    throw new UsageError(`${modelPath} has no online reader: a personal model adapts both readers`);
  const data = loadDataSource(options.data, options.format as string | undefined);
  if (data.kind !== 'drawings')
    throw new UsageError(`--data ${options.data} holds images; personalise needs drawings`);
  const writer = options.writer;
  const mine =
    typeof writer === 'string'
      ? data.drawings.filter((d) => writerOf(d) === writer)
      : data.drawings;
  if (mine.length === 0)
    throw new UsageError(
      typeof writer === 'string'
        ? `--writer ${writer}: no drawings of that writer in ${options.data}`
        : `--data ${options.data} holds no drawings`,
    );
  const reader = createRecognizer(served);
  const examples: PersonalExample[] = [];
  let junk = 0;
  for (const { drawing, label } of mine) {
    const r = reader.recognizeDrawing(drawing);
    const f = drawingFeatures(served, drawing);
    if (!f) continue;
    if (r.verdict === 'not-a-digit') {
      junk++;
      continue;
    }
    const kind = r.verdict === 'digit' && r.digit === label ? 'confirmed' : 'corrected';
    examples.push({ label, kind, ...f });
  }
  const personal = new Personaliser(served, { C, maxExamples: Math.max(1, examples.length) });
  const status = personal.addAll(examples);
  const file = modelFileOf(personal.model, {
    ...served,
    // The served model's figures are not this model's.
    metrics: {},
    training: {
      ...served.training,
      sources: [
        ...served.training.sources,
        {
          name: `personal:${options.data}${typeof writer === 'string' ? `#${writer}` : ''}`,
          count: status.used ? examples.length : 0,
          hash: hashBytes(
            Uint8Array.from(examples, (e) => e.label),
            ...examples.flatMap((e) => [
              new Uint8Array(e.image.buffer),
              new Uint8Array(e.trajectory.buffer),
            ]),
          ),
          weight: C,
        },
      ],
    },
  });
  const out = { ...file, id: modelId(file) };
  saveModel(options.out, out);
  const result = {
    data: options.data,
    writer: writer ?? null,
    served: served.id,
    model: out.id,
    out: options.out,
    C,
    notDigit: junk,
    ...status,
  };
  if (options.json) log(JSON.stringify(result));
  else {
    const { check } = status;
    log(
      `${examples.length} examples (${junk} read as "not a digit" left out); read before each was added: served ${pct(check.servedRight / check.n)}, personal ${pct(check.personalRight / check.n)}`,
    );
    log(
      status.used
        ? `wrote the personal model ${out.id} (from ${served.id}; threshold ${pct(status.threshold)}) to ${options.out}`
        : `the served model reads these better: wrote it unchanged (${out.id}) to ${options.out}`,
    );
  }
  return result;
}
