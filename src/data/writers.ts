/**
 * The fixed split of a real-drawing set's writers into a development group, on which every design
 * choice is made, and a confirmation group, only scored at the end of a series (its mistakes are
 * never looked at). Writers are ordered by a salted SHA-256 of their id; the first third is the
 * confirmation group. On the 30 writers of the shared pen drawings: 20 and 10.
 */
import { createHash } from 'node:crypto';
import type { LabelledDrawing } from '../core/types.js';

/** Prefix of every writer id hashed for the split; changing it would change the groups. */
export const WRITER_SPLIT_SALT = 'digitrec-writers:';

/** The groups a `--writers` option names. */
export const WRITER_GROUPS = ['all', 'development', 'confirmation'] as const;
export type WriterGroup = (typeof WRITER_GROUPS)[number];

/** `dev`/`development`, `confirm`/`confirmation` or `all` → the group; undefined otherwise. */
export function parseWriterGroup(text: string): WriterGroup | undefined {
  if (text === 'dev' || text === 'development') return 'development';
  if (text === 'confirm' || text === 'confirmation') return 'confirmation';
  if (text === 'all') return 'all';
  return undefined;
}

function splitKey(writer: string): string {
  return createHash('sha256').update(`${WRITER_SPLIT_SALT}${writer}`, 'utf8').digest('hex');
}

/**
 * The confirmation writers among `writers` (distinct ids): the round(n / 3) whose salted hashes
 * come first. The rest are the development group.
 */
export function confirmationWriters(writers: Iterable<string>): Set<string> {
  const distinct = [...new Set(writers)];
  const ordered = distinct
    .map((w) => ({ w, key: splitKey(w) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Set(ordered.slice(0, Math.round(distinct.length / 3)).map((x) => x.w));
}

/** The writer of a drawing: its group, or its id when it has none (then it is a writer alone). */
export function writerOf(d: LabelledDrawing): string {
  return d.group ?? d.id;
}

/** Each drawing's group: development or confirmation, by the split of all drawings' writers. */
export function writerGroupsOf(drawings: readonly LabelledDrawing[]): WriterGroup[] {
  const confirmation = confirmationWriters(drawings.map(writerOf));
  return drawings.map((d) => (confirmation.has(writerOf(d)) ? 'confirmation' : 'development'));
}
