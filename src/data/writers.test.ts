import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { LabelledDrawing } from '../core/types.js';
import {
  confirmationWriters,
  parseWriterGroup,
  WRITER_SPLIT_SALT,
  writerGroupsOf,
} from './writers.js';

const THIRTY = Array.from({ length: 30 }, (_, i) => `train-${String(i + 1).padStart(2, '0')}`);

test('a third of the writers, those whose salted SHA-256 comes first, are the confirmation group', () => {
  const confirmation = confirmationWriters(THIRTY);
  assert.equal(confirmation.size, 10);
  // The rule, computed independently: sort by the hex digest of salt + id.
  const expected = [...THIRTY]
    .sort((a, b) => {
      const ha = createHash('sha256')
        .update(WRITER_SPLIT_SALT + a)
        .digest('hex');
      const hb = createHash('sha256')
        .update(WRITER_SPLIT_SALT + b)
        .digest('hex');
      return ha < hb ? -1 : 1;
    })
    .slice(0, 10);
  assert.deepEqual([...confirmation].sort(), expected.sort());
  // The shared pen writers' confirmation group, fixed by the rule (the README lists it).
  assert.deepEqual([...confirmation].sort(), [
    'train-01',
    'train-03',
    'train-06',
    'train-15',
    'train-16',
    'train-17',
    'train-20',
    'train-22',
    'train-24',
    'train-28',
  ]);
  // Order and repeats of the input do not matter.
  assert.deepEqual(confirmationWriters([...THIRTY].reverse().concat(THIRTY)), confirmation);
});

test('each drawing gets its writer group; drawings without a writer are writers of their own', () => {
  const drawings: LabelledDrawing[] = THIRTY.flatMap((w) =>
    [0, 1].map((i) => ({
      id: `${w}/${i}`,
      label: i,
      group: w,
      drawing: { strokes: [], width: 280, height: 280, brushWidth: 18 },
    })),
  );
  const groups = writerGroupsOf(drawings);
  const confirmation = confirmationWriters(THIRTY);
  drawings.forEach((d, i) => {
    assert.equal(groups[i], confirmation.has(d.group as string) ? 'confirmation' : 'development');
  });
  assert.equal(groups.filter((g) => g === 'confirmation').length, 20);
});

test('parseWriterGroup reads the short and long names', () => {
  assert.equal(parseWriterGroup('dev'), 'development');
  assert.equal(parseWriterGroup('confirmation'), 'confirmation');
  assert.equal(parseWriterGroup('all'), 'all');
  assert.equal(parseWriterGroup('half'), undefined);
});
