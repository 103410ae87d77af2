import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelledDrawing } from '../core/types.js';
import { isHeldOutGroup, splitHeldOut } from './holdout.js';

test('a writer is held out when the first 4 bytes of the SHA-256 of its id are 0 mod 5', () => {
  // sha256("writer-5") begins e2 5c e2 01: 0xe25ce201 = 3797737985 ≡ 0 (mod 5), held out;
  // sha256("writer-0") begins 63 5c c4 b6: 0x635cc4b6 = 1667024054 ≡ 4 (mod 5), trained on.
  assert.equal(isHeldOutGroup('writer-5'), true);
  assert.equal(isHeldOutGroup('writer-0'), false);
  // About one writer in five, over many.
  const n = 5000;
  let held = 0;
  for (let i = 0; i < n; i++) if (isHeldOutGroup(`session-${i}`)) held++;
  assert.ok(Math.abs(held / n - 0.2) < 0.02, `held out ${held} of ${n}`);
});

test('splitHeldOut keeps a writer whole on one side and the order on both', () => {
  const d = (id: string, group?: string): LabelledDrawing => ({
    id,
    label: 1,
    group,
    drawing: { strokes: [[{ x: 1, y: 1 }]], width: 28, height: 28, brushWidth: 2 },
  });
  const items = [d('a', 'writer-0'), d('b', 'writer-5'), d('c', 'writer-0'), d('d', 'writer-5')];
  const { train, heldOut } = splitHeldOut(items);
  assert.deepEqual(
    train.map((x) => x.id),
    ['a', 'c'],
  );
  assert.deepEqual(
    heldOut.map((x) => x.id),
    ['b', 'd'],
  );
  // Without a group, the drawing's id is its writer.
  assert.equal(splitHeldOut([d('writer-5')]).heldOut.length, 1);
});
