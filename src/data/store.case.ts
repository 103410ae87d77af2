/**
 * The store suite every `Store` back end passes (the Hono pattern: one suite, one runner per
 * implementation: store.sqlite.test.ts, store.pg.test.ts). `open(name)` opens the store called
 * `name`, creating it the first time and reopening it after; each test uses its own names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  IMAGE_BYTES,
  type JobProgress,
  MIGRATIONS,
  type NewSample,
  ORPHANED_JOB_ERROR,
  STORED_JOB_LINE_CHARS,
  STORED_JOB_LOG_LINES,
  type Store,
} from './store.js';

/** Opens the store `name` of the back end under test. */
export type OpenStore = (name: string, options?: { now?: () => Date }) => Promise<Store>;

/** A clock that ticks one hour a call, from 2024-03-01T22:00Z, so samples span two days. */
export function fakeClock(): () => Date {
  let t = Date.UTC(2024, 2, 1, 22);
  return () => {
    const d = new Date(t);
    t += 3600_000;
    return d;
  };
}

/** A sample of digit `label` with two strokes (one with timestamps), its image filled with `label`. */
export function sample(label: number, extra: Partial<NewSample> = {}): NewSample {
  return {
    label,
    drawing: {
      strokes: [
        [
          { x: 10, y: 20, t: 0 },
          { x: 30.5, y: 40.25, t: 16 },
        ],
        [{ x: 5, y: 5 }],
      ],
      width: 280,
      height: 280,
      brushWidth: 18,
    },
    image: new Uint8Array(IMAGE_BYTES).fill(label),
    source: 'collect',
    sessionId: 'session-a',
    pointerType: 'mouse',
    modelVersion: 'abc123',
    predicted: label,
    confidence: 0.9,
    ...extra,
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Runs `f` on the store `name`, closing it after. */
async function using<T>(
  open: OpenStore,
  name: string,
  f: (store: Store) => Promise<T>,
  options?: { now?: () => Date },
): Promise<T> {
  const store = await open(name, options);
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** Registers the suite for one back end. */
export function storeCases(backend: 'sqlite' | 'postgres', open: OpenStore): void {
  describe(`Store on ${backend}`, () => {
    test('a new store is at the latest schema version', () =>
      using(open, 'fresh', async (store) => {
        assert.equal(store.backend, backend);
        assert.equal(store.schemaVersion, MIGRATIONS.length);
      }));

    test('insert then get round-trips every field, strokes, timestamps and the image', () =>
      using(
        open,
        'roundtrip',
        async (store) => {
          const s = await store.insert(sample(7, { confidence: 0.25, predicted: 1 }));
          assert.equal(s.id, 1);
          assert.equal(s.createdAt, '2024-03-01T22:00:00.000Z');
          const got = await store.get(s.id);
          assert.ok(got);
          assert.deepEqual({ ...got, image: [...got.image] }, { ...s, image: [...s.image] });
          assert.deepEqual(got.drawing?.strokes[0][1], { x: 30.5, y: 40.25, t: 16 });
          assert.deepEqual(got.drawing?.strokes[1][0], { x: 5, y: 5 });
          assert.equal(await store.get(999), undefined);
          const image = await store.insert(
            sample(3, { drawing: null, source: 'import', predicted: null, confidence: null }),
          );
          const back = await store.get(image.id);
          assert.equal(back?.drawing, null, 'an image-only sample keeps a null drawing');
          assert.equal(back?.predicted, null);
        },
        { now: fakeClock() },
      ));

    test('list paginates newest first and filters by label, source, session and mispredicted', () =>
      using(open, 'list', async (store) => {
        for (let i = 0; i < 25; i++) {
          await store.insert(
            sample(i % 10, {
              source: i % 2 === 0 ? 'collect' : 'feedback',
              sessionId: i < 5 ? 's1' : 's2',
              predicted: i % 7 === 0 ? (i + 1) % 10 : i % 10,
            }),
          );
        }
        const page1 = await store.list({}, { limit: 10, offset: 0 });
        assert.equal(page1.total, 25);
        assert.deepEqual(
          page1.samples.map((s) => s.id),
          [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
        );
        const page3 = await store.list({}, { limit: 10, offset: 20 });
        assert.deepEqual(
          page3.samples.map((s) => s.id),
          [5, 4, 3, 2, 1],
        );
        assert.deepEqual(
          (await store.list({ label: 3 })).samples.map((s) => s.id),
          [24, 14, 4],
        );
        assert.equal(await store.count({ source: 'feedback' }), 12);
        assert.equal(await store.count({ sessionId: 's1' }), 5);
        // i = 0, 7, 14, 21 were mispredicted.
        assert.deepEqual(
          (await store.list({ mispredicted: true })).samples.map((s) => s.id),
          [22, 15, 8, 1],
        );
        assert.equal(await store.count({ mispredicted: true, source: 'collect' }), 2);
        assert.deepEqual(
          (await collect(store.pages({ label: 3 }))).flat().map((s) => s.id),
          [4, 14, 24],
        );
      }));

    test('stats count by digit, source and UTC day', () =>
      using(
        open,
        'stats',
        async (store) => {
          assert.deepEqual(await store.stats(), {
            total: 0,
            byLabel: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            bySource: { collect: 0, feedback: 0, import: 0 },
            byDay: [],
          });
          // 22:00 and 23:00 on 1 March, then 00:00, 01:00 on 2 March.
          await store.insert(sample(1));
          await store.insert(sample(1, { source: 'feedback' }));
          await store.insert(sample(9, { source: 'import' }));
          await store.insert(sample(0, { sessionId: 's9' }));
          assert.deepEqual(await store.stats(), {
            total: 4,
            byLabel: [1, 2, 0, 0, 0, 0, 0, 0, 0, 1],
            bySource: { collect: 2, feedback: 1, import: 1 },
            byDay: [
              { day: '2024-03-01', count: 2 },
              { day: '2024-03-02', count: 2 },
            ],
          });
          assert.deepEqual(
            (await store.stats({ sessionId: 's9' })).byLabel,
            [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          );
        },
        { now: fakeClock() },
      ));

    test('relabel and delete change one row and report a missing id; relabel clears the not-a-digit mark', () =>
      using(open, 'edit', async (store) => {
        const a = await store.insert(sample(2));
        const b = await store.insert(sample(4));
        assert.equal((await store.relabel(a.id, 5))?.label, 5);
        assert.equal(await store.relabel(999, 5), undefined);
        assert.equal(await store.delete(b.id), true);
        assert.equal(await store.delete(b.id), false);
        assert.equal(await store.count(), 1);
        assert.equal((await store.get(a.id))?.label, 5);
        const marked = await store.insert({ ...sample(2), notDigit: true });
        assert.equal(marked.notDigit, true);
        assert.equal((await store.get(marked.id))?.notDigit, true);
        assert.equal((await store.get(a.id))?.notDigit, false);
        assert.equal((await store.relabel(marked.id, 2))?.notDigit, false);
        assert.equal((await store.get(marked.id))?.notDigit, false);
      }));

    test('insertMany is all or nothing; CHECK constraints refuse rows a caller failed to validate', () =>
      using(open, 'many', async (store) => {
        assert.equal(await store.insertMany([sample(1), sample(2)]), 2);
        await assert.rejects(store.insertMany([sample(3), sample(11)]), /check constraint/i);
        assert.equal(await store.count(), 2);
        await assert.rejects(store.insert(sample(10)), /check constraint/i);
        await assert.rejects(store.insert(sample(1, { confidence: 1.5 })), /check constraint/i);
        await assert.rejects(
          store.insert(sample(1, { source: 'nowhere' as 'collect' })),
          /check constraint/i,
        );
        await assert.rejects(store.insert(sample(1, { image: new Uint8Array(10) })), RangeError);
        await assert.rejects(
          store.insertMany([sample(1), sample(1, { image: new Uint8Array(10) })]),
          RangeError,
        );
        assert.equal(await store.count(), 2);
        // More rows than one statement takes still go in as one transaction.
        const many = Array.from({ length: 2500 }, (_, i) => sample(i % 10));
        assert.equal(await store.insertMany(many), 2500);
        assert.equal(await store.count(), 2502);
        many[2400] = sample(12);
        await assert.rejects(store.insertMany(many), /check constraint/i);
        assert.equal(await store.count(), 2502);
      }));

    test('pages walk the matching samples in id order; rows added meanwhile are left out', () =>
      using(open, 'pages', async (store) => {
        assert.deepEqual(await collect(store.pages()), []);
        await store.insertMany([0, 1, 2, 3, 4, 5, 6].map((l) => sample(l % 2)));
        assert.deepEqual(
          (await collect(store.pages({}, 3))).map((page) => page.map((s) => s.id)),
          [[1, 2, 3], [4, 5, 6], [7]],
        );
        assert.deepEqual(
          (await collect(store.pages({ label: 1 }, 2))).map((page) => page.map((s) => s.id)),
          [[2, 4], [6]],
        );
        const walk = store.pages({}, 4);
        const first = (await walk.next()).value as { id: number }[];
        // The store is free between pages: writes succeed and are not part of this walk.
        await store.insert(sample(9));
        await store.delete(6);
        const rest = (await collect(walk)).flat().map((s) => s.id);
        assert.deepEqual(
          [first.map((s) => s.id), rest],
          [
            [1, 2, 3, 4],
            [5, 7],
          ],
        );
        await assert.rejects(
          collect(store.pages({}, 0)),
          /pageSize: expected a positive integer, got 0/,
        );
      }));

    test('reopening keeps the rows and runs no migration twice', async () => {
      await using(open, 'reopen', async (store) => {
        await store.insert(sample(6));
      });
      await using(open, 'reopen', async (store) => {
        assert.equal(store.schemaVersion, MIGRATIONS.length);
        assert.equal(await store.count(), 1);
        assert.equal((await store.get(1))?.label, 6);
      });
    });

    test('model versions are numbered in order; adding or promoting one retires the serving one', async () => {
      const version = (modelId: string, status: 'serving' | 'candidate-rejected' = 'serving') => ({
        modelId,
        status,
        file: `${modelId}.json`,
        report: null,
        summary: { origin: 'test' },
        metrics: { heldOut: { n: 3, accuracy: 2 / 3 } },
      });
      await using(open, 'versions', async (store) => {
        assert.equal(await store.servingVersion(), undefined);
        assert.equal((await store.addModelVersion(version('aaa'))).version, 1);
        assert.equal(
          (await store.addModelVersion(version('bbb', 'candidate-rejected'))).version,
          2,
        );
        assert.equal((await store.servingVersion())?.modelId, 'aaa');
        const third = await store.addModelVersion(version('ccc'));
        assert.equal(third.version, 3);
        assert.ok(third.promotedAt);
        assert.deepEqual(
          (await store.modelVersions()).map((v) => [v.version, v.status]),
          [
            [3, 'serving'],
            [2, 'candidate-rejected'],
            [1, 'retired'],
          ],
        );
        assert.deepEqual((await store.modelVersion(2))?.metrics, {
          heldOut: { n: 3, accuracy: 2 / 3 },
        });
        assert.deepEqual((await store.modelVersion(2))?.summary, { origin: 'test' });
        assert.equal((await store.promoteModelVersion(1))?.status, 'serving');
        assert.equal((await store.promoteModelVersion(1))?.status, 'serving', 'idempotent');
        assert.equal(await store.promoteModelVersion(9), undefined);
      });
      await using(open, 'versions', async (store) => {
        assert.equal((await store.servingVersion())?.version, 1);
        assert.equal((await store.modelVersion(3))?.status, 'retired');
      });
    });

    test('restore writes samples and versions as they are; new samples get ids after them', () =>
      using(open, 'restore', async (store) => {
        const first = {
          ...sample(4),
          id: 5,
          notDigit: true,
          createdAt: '2020-01-01T00:00:00.000Z',
        };
        const second = {
          ...sample(8, { drawing: null }),
          id: 9,
          notDigit: false,
          createdAt: '2020-01-02T00:00:00.000Z',
        };
        await store.restore([first, second]);
        const back = await store.get(5);
        assert.ok(back);
        assert.deepEqual(
          { ...back, image: [...back.image] },
          { ...first, image: [...first.image] },
        );
        assert.equal((await store.get(9))?.drawing, null);
        assert.equal((await store.insert(sample(1))).id, 10);
        const v = {
          version: 3,
          modelId: 'abc',
          createdAt: '2020-01-01T00:00:00.000Z',
          status: 'serving' as const,
          file: 'v3-abc.json',
          report: null,
          summary: { origin: 'copied' },
          metrics: {},
          promotedAt: '2020-01-03T00:00:00.000Z',
        };
        await store.restoreModelVersion(v);
        assert.deepEqual(await store.servingVersion(), v);
      }));

    test('blobs are stored once under their SHA-256', () =>
      using(open, 'blobs', async (store) => {
        const bytes = new TextEncoder().encode('{"model":"file"}');
        const hash = await store.putBlob(bytes);
        // The SHA-256 of the text, as `sha256sum` prints it.
        assert.equal(hash, '909fba00f91cbd9bfd18c9329b3987a6e259af5fb4d11b8ae06cc6d63ec2dfa5');
        assert.equal(await store.putBlob(bytes), hash, 'the same bytes again: the same key');
        assert.equal((await store.getBlob(hash))?.toString('utf8'), '{"model":"file"}');
        assert.equal(await store.getBlob('0'.repeat(64)), undefined);
      }));

    test("a running job's progress and newest log lines are stored, bounded, for any reader; an ended job's are not changed", () =>
      using(open, 'job_progress', async (store) => {
        const job = await store.claimJob('host:1', '2026-01-01T00:00:00.000Z');
        assert.ok(job);
        assert.equal((await store.job(job.id))?.progress, null);
        // 60 lines logged, the last one too long: the row keeps the newest 50, the long one cut.
        const lines = Array.from({ length: 60 }, (_, i) => `line ${i}`);
        lines[59] = 'x'.repeat(STORED_JOB_LINE_CHARS + 5);
        const p: JobProgress = {
          phase: 'features',
          label: 'Features',
          done: 3,
          total: 8,
          etaSeconds: 2.5,
          elapsedSeconds: 1.25,
          log: lines,
          logCount: 60,
        };
        await job.progress(p);
        const expected = {
          ...p,
          log: [...lines.slice(10, 59), `${'x'.repeat(STORED_JOB_LINE_CHARS - 1)}…`],
        };
        assert.equal(expected.log.length, STORED_JOB_LOG_LINES);
        // Read by another connection, as another server would (SQLite: the same file reopened).
        const reader = backend === 'postgres' ? await open('job_progress') : store;
        try {
          assert.deepEqual((await reader.job(job.id))?.progress, expected);
          assert.deepEqual((await reader.lastJob())?.progress, expected);
          assert.equal((await reader.job(job.id))?.status, 'running');
          await job.progress({ ...p, done: 4, log: ['only'], logCount: 61 });
          assert.equal((await reader.job(job.id))?.progress?.done, 4);
          // The end writes the last progress with it; later progress changes nothing.
          const last = {
            ...p,
            phase: 'evaluate',
            done: 8,
            total: 8,
            log: ['a', 'b'],
            logCount: 62,
          };
          await job.finish({
            status: 'succeeded',
            finishedAt: '2026-01-01T00:01:00.000Z',
            error: null,
            result: { version: 2 },
            progress: last,
          });
          await job.progress({ ...p, done: 1 });
          const ended = await reader.job(job.id);
          assert.equal(ended?.status, 'succeeded');
          assert.deepEqual(ended?.progress, last);
          // An end without progress keeps what the row had.
          const next = await store.claimJob('host:1', '2026-01-01T00:02:00.000Z');
          assert.ok(next);
          await next.progress({ ...p, logCount: 1, log: ['started'] });
          await next.finish({
            status: 'cancelled',
            finishedAt: '2026-01-01T00:03:00.000Z',
            error: 'cancelled',
            result: null,
          });
          assert.deepEqual((await reader.job(next.id))?.progress?.log, ['started']);
          assert.equal((await reader.job(job.id))?.status, 'succeeded', 'job 1 is still there');
          assert.equal(await reader.job(99), undefined);
        } finally {
          if (reader !== store) await reader.close();
        }
      }));

    test('one job at a time: a claim while one runs is refused; a job left running by a dead process is failed by the next', async () => {
      await using(open, 'jobs', async (store) => {
        assert.equal(await store.lastJob(), undefined);
        const job = await store.claimJob('host:1', '2026-01-01T00:00:00.000Z');
        assert.ok(job);
        assert.equal(job.id, 1);
        assert.equal((await store.lastJob())?.status, 'running');
        await job.finish({
          status: 'succeeded',
          finishedAt: '2026-01-01T00:01:00.000Z',
          error: null,
          result: { version: 2 },
        });
        assert.deepEqual(await store.lastJob(), {
          id: 1,
          status: 'succeeded',
          owner: 'host:1',
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: '2026-01-01T00:01:00.000Z',
          error: null,
          result: { version: 2 },
          progress: null,
        });
        const second = await store.claimJob('host:1', '2026-01-01T00:02:00.000Z');
        assert.equal(second?.id, 2);
        if (backend === 'postgres') {
          // Another process (another connection) cannot start one meanwhile.
          const other = await open('jobs');
          try {
            assert.equal(await other.claimJob('host:2', '2026-01-01T00:03:00.000Z'), undefined);
            assert.equal((await other.lastJob())?.status, 'running');
          } finally {
            await other.close();
          }
        }
        // Closed without finishing: the process "died" with job 2 running.
      });
      await using(open, 'jobs', async (store) => {
        const last = await store.lastJob();
        assert.equal(last?.id, 2);
        assert.equal(last?.status, 'failed');
        assert.equal(last?.error, ORPHANED_JOB_ERROR);
        const third = await store.claimJob('host:3', '2026-01-01T00:04:00.000Z');
        assert.equal(third?.id, 3);
        await third?.finish({
          status: 'cancelled',
          finishedAt: '2026-01-01T00:05:00.000Z',
          error: 'cancelled',
          result: null,
        });
      });
    });
  });
}
