/**
 * A small, strict argument parser: `--name value`, `--name=value`, boolean `--flag`, and
 * positionals. Unknown options are errors that list what is accepted.
 */

/** Thrown for a command line that does not fit the command; the CLI exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a command accepts: option names mapped to whether they take a value. */
export type OptionSpec = Record<string, 'string' | 'boolean'>;

/** Parsed options (strings, or true for flags) and positionals. */
export interface ParsedArgs {
  options: Record<string, string | boolean>;
  positionals: string[];
}

/** Parses `argv` against `spec`. */
export function parseArgs(argv: string[], spec: OptionSpec): ParsedArgs {
  const options: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      throw new UsageError(`unknown option --${name}; expected one of: ${known}`);
    }
    if (kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') {
      throw new UsageError(`option --${name} needs a value`);
    }
    options[name] = value;
  }
  return { options, positionals };
}

/** A finite number from an option, or a UsageError naming the option and the value. */
export function numberOption(name: string, value: string, min = -Infinity, max = Infinity): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    const range = `${Number.isFinite(min) ? min : '-∞'}…${Number.isFinite(max) ? max : '∞'}`;
    throw new UsageError(`--${name} must be a number in ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A whole number from an option. */
export function integerOption(name: string, value: string, min = 1, max = 1e9): number {
  const n = numberOption(name, value, min, max);
  if (!Number.isInteger(n)) {
    throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  }
  return n;
}
