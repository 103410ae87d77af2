/** `digitrec synth`: writes canvas-style synthetic drawings as strokes JSON Lines. */
import { writeFileSync } from 'node:fs';
import { generateJunkDrawings, JUNK_KINDS, type JunkKind } from '../core/synth/junk.js';
import { composeNumbers, formatNumbersJsonl } from '../data/numbers.js';
import { loadDataSource } from '../data/sources.js';
import { formatNonDigitJsonl, formatStrokesJsonl } from '../data/strokes-jsonl.js';
import { syntheticDrawings } from '../data/synthetic.js';
import { integerOption, numberOption, parseArgs, UsageError } from './args.js';
import { checkOutputFile } from './paths.js';
import { ProgressBar } from './progress.js';

export const SYNTH_HELP = `digitrec synth --count N --out FILE.jsonl [options]   synthetic canvas drawings
  --count N            number of drawings (digits balanced)
  --seed S             the same seed gives the same drawings (as the
                       training source synthetic:N with --seed S)        [0]
  --mix LIST           templates=W,restroked=W: share of template drawings and of
                       re-stroked MNIST training digits                    [templates=1,restroked=1]
  --augment P          probability a drawing is augmented (resampled, re-brushed, bent) [0.5]
  --junk               non-digits instead (taps, dots, dashes, shapes, letters, symbols,
                       scribbles, two digits at once, half-drawn digits), written with their
                       "kind" and no label: the input of digitrec eval --junk
  --kinds LIST         with --junk, only these kinds: ${JUNK_KINDS.join(', ')}
  --numbers            numbers of --digits digits instead, composed by writer from the
                       drawings of --from (every digit of a number by one writer, set side
                       by side with realistic gaps, now and then overlapping): numbers JSON
                       Lines, the input of digitrec eval --numbers
  --from FILE          with --numbers, the labelled drawings (strokes JSONL or UNIPEN, with
                       writers) the digits come from
  --digits MIN-MAX     with --numbers, how many digits                    [2-6]
  --out FILE           where to write the strokes JSON Lines`;

/** Parses `templates=0.5,restroked=0.5` (either may be left out: 0). */
export function parseMix(value: string): { templates: number; restroked: number } {
  const mix = { templates: 0, restroked: 0 };
  for (const part of value.split(',')) {
    const [key, w] = part.split('=').map((s) => s.trim());
    if (key !== 'templates' && key !== 'restroked')
      throw new UsageError(
        `--mix: expected templates=W and/or restroked=W, got ${JSON.stringify(part)}`,
      );
    mix[key] = numberOption(`mix ${key}`, w ?? '', 0);
  }
  if (mix.templates + mix.restroked <= 0)
    throw new UsageError(`--mix must give a positive weight, got ${JSON.stringify(value)}`);
  return mix;
}

/**
 * Runs `digitrec synth`: the same drawings as the training source `synthetic:N` with `--seed S`
 * (`syntheticDrawings`).
 */
export function synthCommand(argv: string[], log: (s: string) => void = console.log): number {
  const { options, positionals } = parseArgs(argv, {
    count: 'string',
    seed: 'string',
    mix: 'string',
    augment: 'string',
    junk: 'boolean',
    kinds: 'string',
    numbers: 'boolean',
    from: 'string',
    digits: 'string',
    out: 'string',
    help: 'boolean',
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (typeof options.count !== 'string') throw new UsageError('--count N is required');
  if (typeof options.out !== 'string') throw new UsageError('--out FILE is required');
  checkOutputFile(options.out, '--out');
  const count = integerOption('count', options.count, 1, 10_000_000);
  const seed =
    typeof options.seed === 'string' ? integerOption('seed', options.seed, 0, 2 ** 32 - 1) : 0;
  const mix =
    typeof options.mix === 'string' ? parseMix(options.mix) : { templates: 1, restroked: 1 };
  const augment =
    typeof options.augment === 'string' ? numberOption('augment', options.augment, 0, 1) : 0.5;
  const t0 = performance.now();
  if (options.numbers === true) {
    if (typeof options.from !== 'string') throw new UsageError('--numbers needs --from FILE');
    const m = /^(\d+)-(\d+)$/.exec(typeof options.digits === 'string' ? options.digits : '2-6');
    if (!m) throw new UsageError(`--digits must be MIN-MAX, e.g. 2-6, got ${options.digits}`);
    const minDigits = integerOption('digits min', m[1], 1, 20);
    const maxDigits = integerOption('digits max', m[2], minDigits, 20);
    const source = loadDataSource(options.from);
    if (source.kind !== 'drawings')
      throw new UsageError(
        `--from must be drawings with writers (strokes JSONL, UNIPEN), got ${options.from}`,
      );
    let numbers: ReturnType<typeof composeNumbers>;
    try {
      numbers = composeNumbers(source.drawings, { count, seed, minDigits, maxDigits });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(`--from ${options.from}: ${err.message}`);
      throw err;
    }
    writeFileSync(options.out, formatNumbersJsonl(numbers));
    const writers = new Set(numbers.map((n) => n.writer)).size;
    log(
      `wrote ${numbers.length} numbers (${numbers.reduce((s, n) => s + n.number.length, 0)} digits, ${writers} writers) to ${options.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return numbers.length;
  }
  if (options.junk === true) {
    const kinds =
      typeof options.kinds === 'string'
        ? options.kinds.split(',').map((k) => k.trim())
        : [...JUNK_KINDS];
    let junk: ReturnType<typeof generateJunkDrawings>;
    try {
      junk = generateJunkDrawings({ count, seed, kinds: kinds as JunkKind[] });
    } catch (err) {
      // The generator names the unknown kind and lists the known ones.
      if (err instanceof RangeError && err.message.startsWith('kinds:'))
        throw new UsageError(`--${err.message}`);
      throw err;
    }
    writeFileSync(options.out, formatNonDigitJsonl(junk));
    log(
      `wrote ${junk.length} non-digits to ${options.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s (kinds: ${kinds.join(', ')})`,
    );
    return junk.length;
  }
  if (typeof options.kinds === 'string') throw new UsageError('--kinds needs --junk');
  const bar = new ProgressBar('synth', count);
  const drawings = syntheticDrawings(count, seed, { mix, augment }, (done) => bar.update(done));
  writeFileSync(options.out, formatStrokesJsonl(drawings));
  const byLabel = new Array<number>(10).fill(0);
  for (const d of drawings) byLabel[d.label]++;
  log(
    `wrote ${drawings.length} drawings to ${options.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s (per digit: ${byLabel.join(' ')})`,
  );
  return drawings.length;
}
