/** The `digitrec` command line: dispatches to the commands and turns errors into exit codes. */
import { readFileSync } from 'node:fs';
import { TrainConfigError } from '../data/training.js';
import { UsageError } from './args.js';
import { CROSSVAL_HELP, crossvalCommand } from './crossval.js';
import { DB_HELP, dbCommand } from './db.js';
import { EVAL_HELP, evalCommand } from './evaluate.js';
import { EXPORT_HELP, exportCommand } from './export.js';
import { PERSONALISE_HELP, personaliseCommand } from './personalise.js';
import { PREDICT_HELP, predictCommand } from './predict.js';
import { REPORT_HELP, reportCommand } from './report.js';
import { SIMULATE_HELP, simulateCommand } from './simulate.js';
import { SYNTH_HELP, synthCommand } from './synth.js';
import { TRAIN_HELP, trainCommand } from './train.js';

const COMMANDS: Record<string, { run: (argv: string[]) => unknown; help: string }> = {
  train: { run: trainCommand, help: TRAIN_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  predict: { run: predictCommand, help: PREDICT_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  synth: { run: synthCommand, help: SYNTH_HELP },
  crossval: { run: crossvalCommand, help: CROSSVAL_HELP },
  simulate: { run: simulateCommand, help: SIMULATE_HELP },
  personalise: { run: personaliseCommand, help: PERSONALISE_HELP },
  db: { run: dbCommand, help: DB_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
};

const USAGE = `digitrec — handwritten digit recognition

Usage: digitrec <command> [options]   (digitrec <command> -h or --help for its options)
       digitrec --version

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.help.split('\n')[0]}`)
  .join('\n')}`;

/** The package's version (package.json beside dist/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Whether the arguments ask for help (`-h` or `--help` before a `--`). */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Runs the CLI with `argv` (without node and script); sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`digitrec ${version()}`);
    return;
  }
  if (name === 'help' && rest.length > 0) {
    const asked = COMMANDS[rest[0]];
    if (asked) {
      console.log(asked.help);
      return;
    }
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`digitrec: unknown command "${name}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (asksForHelp(rest)) {
    console.log(command.help);
    return;
  }
  try {
    await command.run(rest);
  } catch (err) {
    // A training configuration that cannot be trained is a usage error too (it names the setting).
    if (err instanceof UsageError || err instanceof TrainConfigError) {
      console.error(`digitrec ${name}: ${err.message}\n\n${command.help}`);
      process.exitCode = 2;
      return;
    }
    // Every error digitrec throws on purpose names what was wrong; print it without a stack.
    // Node's own file errors are given their path when they carry it.
    const e = err as NodeJS.ErrnoException;
    const message =
      err instanceof Error
        ? e.code && e.path && !e.message.includes(e.path)
          ? `${e.path}: ${e.message}`
          : e.message
        : String(err);
    console.error(`digitrec ${name}: ${message}`);
    if (process.env.DIGITREC_DEBUG && err instanceof Error) console.error(err.stack);
    process.exitCode = 1;
  }
}
