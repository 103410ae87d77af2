/**
 * The one error every reader in `src/data` throws for malformed input, so the CLI can print it and
 * exit non-zero, and the server can answer 400 instead of 500.
 */

/** Where in a file a problem was found, and what was found there instead of what was expected. */
export interface DataFormatErrorDetails {
  /** The file (or source name) being read. */
  file: string;
  /** 1-based line number, for text formats. */
  line?: number;
  /** 0-based byte offset, for binary formats. */
  offset?: number;
}

/**
 * Malformed or unsupported data in a file. The message starts with the location
 * (`train.csv line 17: …`, `train-images-idx3-ubyte byte 0: …`) and says what was found and
 * what was expected; `file`, `line` and `offset` carry the same facts for programs.
 */
export class DataFormatError extends Error {
  /** The file (or source name) being read. */
  readonly file: string;
  /** 1-based line number, for text formats. */
  readonly line?: number;
  /** 0-based byte offset, for binary formats. */
  readonly offset?: number;

  /** `problem` is the text after the location, e.g. `expected 785 values, got 784`. */
  constructor(where: DataFormatErrorDetails, problem: string, options?: { cause?: unknown }) {
    super(`${describeLocation(where)}: ${problem}`, options);
    this.name = 'DataFormatError';
    this.file = where.file;
    if (where.line !== undefined) this.line = where.line;
    if (where.offset !== undefined) this.offset = where.offset;
  }
}

/** `file`, `file line 3` or `file byte 16`: the prefix of every `DataFormatError` message. */
export function describeLocation(where: DataFormatErrorDetails): string {
  if (where.line !== undefined) return `${where.file} line ${where.line}`;
  if (where.offset !== undefined) return `${where.file} byte ${where.offset}`;
  return where.file;
}

/** Checks a `source` name given to a parser: a string, so error messages can name the file. */
export function checkSource(source: unknown): asserts source is string {
  if (typeof source !== 'string')
    throw new TypeError(`source: expected a file or source name (string), got ${typeof source}`);
}

/** Checks a byte-array parameter of a parser. */
export function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new TypeError(`${name}: expected a Uint8Array, got ${describeValue(value)}`);
}

/** Checks a text parameter of a parser. */
export function checkText(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string')
    throw new TypeError(`${name}: expected a string, got ${describeValue(value)}`);
}

/** A short description of a value for error messages: its type, or its class name for objects. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** How deep `previewValue` descends into nested arrays and objects before writing `…`. */
export const PREVIEW_MAX_DEPTH = 16;

/**
 * A value as compact JSON for error messages, cut at `maxChars` (then `…`) and at
 * `PREVIEW_MAX_DEPTH` levels of nesting: bounded time and stack whatever the value (a field nested
 * thousands deep would overflow `JSON.stringify`'s stack).
 */
export function previewValue(value: unknown, maxChars = 60): string {
  let out = '';
  // Each step returns false once the preview is long enough, so a huge value is not walked.
  const write = (text: string): boolean => {
    out += text;
    return out.length <= maxChars;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string')
      return write(JSON.stringify(v.length > maxChars ? v.slice(0, maxChars + 1) : v));
    if (typeof v !== 'object' || v === null) return write(JSON.stringify(v) ?? String(v));
    const isArray = Array.isArray(v);
    if (depth >= PREVIEW_MAX_DEPTH) return write(isArray ? '[…]' : '{…}');
    if (!write(isArray ? '[' : '{')) return false;
    let first = true;
    for (const [key, item] of isArray ? v.entries() : Object.entries(v)) {
      if (!first && !write(',')) return false;
      first = false;
      if (!isArray && !write(`${JSON.stringify(key)}:`)) return false;
      if (!walk(item, depth + 1)) return false;
    }
    return write(isArray ? ']' : '}');
  };
  walk(value, 0);
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}
