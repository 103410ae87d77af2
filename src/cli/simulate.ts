/** `digitrec simulate`: a simulated person at the Draw page, with and without the personal model. */
import {
  poolSessions,
  SESSION_STAGES,
  type SessionFigures,
  type SessionResult,
  simulateWriter,
  type WriterSession,
} from '../core/personal-simulate.js';
import type { LabelledDrawing } from '../core/types.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { loadDataSource } from '../data/sources.js';
import { parseWriterGroup, type WriterGroup, writerGroupsOf, writerOf } from '../data/writers.js';
import { integerOption, numberOption, type OptionSpec, parseArgs, UsageError } from './args.js';
import { checkInputFile } from './paths.js';
import { ProgressBar } from './progress.js';
import { pct, table } from './text.js';

const SPEC: OptionSpec = {
  data: 'string',
  model: 'string',
  format: 'string',
  writers: 'string',
  seed: 'string',
  C: 'string',
  'max-iter': 'string',
  'correction-weight': 'string',
  'no-guard': 'boolean',
  method: 'string',
  neighbours: 'string',
  tau: 'string',
  'prototype-weight': 'string',
  json: 'boolean',
  help: 'boolean',
};

export const SIMULATE_HELP = `digitrec simulate --data FILE [--model FILE] [--writers G] [--seed S] [--json]
  --data      drawings with writers (strokes JSONL, UNIPEN, the sample store)
  --model     the model file (needs an online reader)           [the default model]
  --format    strokes-jsonl | unipen                            [detected from the path]
  --writers   all | dev | confirm (the fixed split of src/data/writers.ts)  [all]
  --seed      seed of each writer's drawing order                          [0]
  --C         the personal model's C (C · Σ loss + ½‖W − W₀‖²)             [1]
  --max-iter  L-BFGS iterations per adaptation                             [10]
  --correction-weight  weight of a corrected example (confirmed: 1)        [1]
  --no-guard  use the personal model even when its leave-one-out check fails
  --method    penalty (the Draw page's personal model) | prototype (a memory of the
              person's examples blended with the served probabilities, for comparison)
              [penalty]; the prototype memory's --neighbours [5], --tau [0.05] and
              --prototype-weight [0.7]
  --json      print one JSON object instead of tables
For each writer, their digits in a seeded random order, as at the Draw page: each drawing is read;
a sure right answer is confirmed, a wrong or unsure one corrected, and both adapt the model before
the next drawing ("not a digit" never does). Reports per writer and pooled, by writer group, the
accuracy over the session and over drawings 1-20, 21-50 and 51+, the redraw rate and the
corrections needed, beside the served model alone on the same drawings.`;

function optionalNumber(options: Record<string, unknown>, name: string, min: number) {
  const v = options[name];
  return typeof v === 'string' ? numberOption(name, v, min) : undefined;
}

/** Runs `digitrec simulate`; returns the result object. */
export function simulateCommand(argv: string[], log: (s: string) => void = console.log) {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (typeof options.data !== 'string') throw new UsageError('simulate needs --data FILE');
  checkInputFile(options.data, '--data');
  if (typeof options.model === 'string') checkInputFile(options.model, '--model');
  const group: WriterGroup =
    typeof options.writers === 'string'
      ? (parseWriterGroup(options.writers) ??
        (() => {
          throw new UsageError(`--writers must be all, dev or confirm, got ${options.writers}`);
        })())
      : 'all';
  const seed = typeof options.seed === 'string' ? integerOption('seed', options.seed, 0) : 0;
  const C = optionalNumber(options, 'C', Number.MIN_VALUE);
  const maxIter =
    typeof options['max-iter'] === 'string'
      ? integerOption('max-iter', options['max-iter'], 1, 1000)
      : undefined;
  const correctionWeight = optionalNumber(options, 'correction-weight', 0);
  const method = options.method ?? 'penalty';
  if (method !== 'penalty' && method !== 'prototype')
    throw new UsageError(`--method must be penalty or prototype, got ${method}`);
  const prototype = {
    neighbours:
      typeof options.neighbours === 'string'
        ? integerOption('neighbours', options.neighbours, 1, 1000)
        : undefined,
    tau: optionalNumber(options, 'tau', Number.MIN_VALUE),
    weight: optionalNumber(options, 'prototype-weight', 0),
  };
  const modelPath = typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH;
  const model = loadModel(modelPath);
  if (!model.online || !model.fusion)
    throw new UsageError(`${modelPath} has no online reader: simulate reads drawings with both`);
  const data = loadDataSource(options.data, options.format as string | undefined);
  if (data.kind !== 'drawings')
    throw new UsageError(`--data ${options.data} holds images; simulate needs drawings`);
  if (!data.drawings.some((d) => d.group !== undefined))
    throw new UsageError(`--data ${options.data}: the drawings have no writers`);
  const groups = writerGroupsOf(data.drawings);
  const byWriter = new Map<string, { group: WriterGroup; drawings: LabelledDrawing[] }>();
  data.drawings.forEach((d, i) => {
    if (group !== 'all' && groups[i] !== group) return;
    const w = writerOf(d);
    const entry = byWriter.get(w) ?? { group: groups[i], drawings: [] };
    entry.drawings.push(d);
    byWriter.set(w, entry);
  });
  const writers = [...byWriter.keys()].sort();
  const bar = options.json ? undefined : new ProgressBar('writers', writers.length);
  const sessions: (WriterSession & { group: WriterGroup })[] = writers.map((w, i) => {
    const entry = byWriter.get(w) as { group: WriterGroup; drawings: LabelledDrawing[] };
    const s = simulateWriter(model, w, entry.drawings, {
      seed,
      C,
      maxIter,
      correctionWeight,
      guard: !options['no-guard'],
      method,
      prototype: { ...prototype, guard: !options['no-guard'] },
    });
    bar?.update(i + 1);
    return { ...s, group: entry.group };
  });
  const byGroup = (['development', 'confirmation'] as const)
    .map((g) => ({ group: g, sessions: sessions.filter((s) => s.group === g) }))
    .filter((g) => g.sessions.length > 0)
    .map((g) => summary(g.group, g.sessions));
  const pooled = summary('all', sessions);
  // The writers the served model reads worst over their whole session.
  const worstServed = [...sessions]
    .sort((a, b) => a.served.all.accuracy - b.served.all.accuracy || (a.writer < b.writer ? -1 : 1))
    .slice(0, 5)
    .map((s) => s.writer);
  const result = {
    data: options.data,
    model: model.id,
    seed,
    method,
    options:
      method === 'penalty'
        ? { C: C ?? 1, maxIter: maxIter ?? 10, correctionWeight: correctionWeight ?? 1 }
        : {
            neighbours: prototype.neighbours ?? 5,
            tau: prototype.tau ?? 0.05,
            weight: prototype.weight ?? 0.7,
          },
    guard: !options['no-guard'],
    stages: SESSION_STAGES.map((s) => s.name),
    pooled,
    groups: byGroup,
    worstServed,
    writers: sessions,
  };
  if (options.json) {
    log(JSON.stringify(result));
    return result;
  }
  log(`model ${model.id} (${modelPath}), ${options.data}, drawing order seed ${seed}`);
  const head = [
    'writers',
    'n',
    'model',
    'accuracy',
    ...SESSION_STAGES.map((s) => s.name),
    'redraw',
    'on accepted',
    'corrections',
  ];
  const rows = (name: string, n: number, r: { adapted: SessionResult; served: SessionResult }) =>
    (['adapted', 'served'] as const).map((k) => [
      k === 'adapted' ? name : '',
      k === 'adapted' ? String(n) : '',
      k === 'adapted' ? 'personal' : 'served',
      pct(r[k].all.accuracy),
      ...r[k].stages.map((st) => pct(st.accuracy)),
      pct(r[k].all.redrawRate),
      pct(r[k].all.acceptedAccuracy),
      String(r[k].all.corrections),
    ]);
  log(
    `\n${table([
      head,
      ...[...byGroup, pooled].flatMap((g) => rows(`${g.group} (${g.writers})`, g.drawings, g)),
    ])}`,
  );
  log(
    `\nworst writers over drawings 51+ (personal): ${[...byGroup, pooled]
      .map((g) => `${g.group} ${g.worst51.writer} ${pct(g.worst51.accuracy)}`)
      .join(', ')}`,
  );
  log(
    `\nper writer (the five the served model reads worst first):\n${table([
      head,
      ...[...worstServed, ...writers.filter((w) => !worstServed.includes(w))].flatMap((w) => {
        const s = sessions.find((x) => x.writer === w) as WriterSession;
        return rows(w, s.adapted.all.n, s);
      }),
    ])}`,
  );
  return result;
}

/** A group's pooled figures and its worst writer over drawings 51+ with the personal model. */
function summary(group: string, sessions: readonly WriterSession[]) {
  const pooled = poolSessions(sessions);
  const late = (s: WriterSession): SessionFigures => s.adapted.stages[SESSION_STAGES.length - 1];
  const worst = [...sessions].sort(
    (a, b) => late(a).accuracy - late(b).accuracy || (a.writer < b.writer ? -1 : 1),
  )[0];
  const worstServed = [...sessions].sort(
    (a, b) =>
      a.served.stages[SESSION_STAGES.length - 1].accuracy -
        b.served.stages[SESSION_STAGES.length - 1].accuracy || (a.writer < b.writer ? -1 : 1),
  )[0];
  return {
    group,
    writers: sessions.length,
    drawings: pooled.adapted.all.n,
    ...pooled,
    worst51: { writer: worst.writer, accuracy: late(worst).accuracy },
    worst51Served: {
      writer: worstServed.writer,
      accuracy: worstServed.served.stages[SESSION_STAGES.length - 1].accuracy,
    },
  };
}
