/**
 * The fixed held-out part of the app's own drawings: whole writers (sessions) chosen by a hash of
 * their id, so the split never changes as drawings arrive, a writer is never on both sides, and
 * retrained models are compared on drawings none of them was trained on.
 */
import { createHash } from 'node:crypto';
import type { LabelledDrawing } from '../core/types.js';

/** Writers fall in this many buckets by hash; bucket 0 is held out (about one writer in five). */
export const HOLDOUT_BUCKETS = 5;

/** Whether the writer or session `group` is in the held-out bucket (SHA-256 of the id). */
export function isHeldOutGroup(group: string): boolean {
  const digest = createHash('sha256').update(group, 'utf8').digest();
  return digest.readUInt32BE(0) % HOLDOUT_BUCKETS === 0;
}

/**
 * Splits drawings into a training part and the held-out part by their group (a drawing without
 * one is its own writer, named by its id). Order is kept on both sides.
 */
export function splitHeldOut(drawings: readonly LabelledDrawing[]): {
  train: LabelledDrawing[];
  heldOut: LabelledDrawing[];
} {
  const train: LabelledDrawing[] = [];
  const heldOut: LabelledDrawing[] = [];
  for (const d of drawings) (isHeldOutGroup(d.group ?? d.id) ? heldOut : train).push(d);
  return { train, heldOut };
}
