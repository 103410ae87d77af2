/**
 * Checks of the files a command reads or writes, before it starts: a missing file, a directory
 * where a file is expected, or one that cannot be read or written is named in the error with what
 * it was for ("image file", "--out"), instead of Node's bare `EISDIR` or `ENOENT`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** An error about a path the command was given; the CLI prints its message and exits with 1. */
export class PathError extends Error {
  override name = 'PathError';
}

/** Node's error codes in words. */
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  return (err as Error).message;
}

/** Checks that `path` is a readable file; `what` names it in the error ("image file", "--model"). */
export function checkInputFile(path: string, what: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    throw new PathError(`${what} ${path}: ${reason(err)}`);
  }
  if (isDirectory) throw new PathError(`${what} ${path} is a directory; expected a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new PathError(`${what} ${path} cannot be read: ${reason(err)}`);
  }
}

/**
 * Checks that a file can be written at `path`: not a directory, in an existing, writable folder
 * (so a long command does not fail at its very end).
 */
export function checkOutputFile(path: string, what: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Not there yet: the folder decides.
  }
  if (isDirectory)
    throw new PathError(`${what} ${path} is a directory; expected a file name to write`);
  const folder = dirname(resolve(path));
  try {
    if (!statSync(folder).isDirectory()) throw new PathError(`${folder} is not a directory`);
    accessSync(folder, constants.W_OK);
  } catch (err) {
    if (err instanceof PathError) throw new PathError(`${what} ${path}: ${err.message}`);
    throw new PathError(`${what} ${path}: cannot write in ${folder}: ${reason(err)}`);
  }
}
