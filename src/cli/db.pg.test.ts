/**
 * `digitrec db migrate`, `digitrec db copy` (SQLite → PostgreSQL) and `digitrec train --data
 * samples:postgres://…` through the built command, on a throwaway PostgreSQL cluster. Skipped,
 * saying so, without PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type PgCluster, pgUnavailable, startCluster } from '../data/pg-cluster.js';
import { openPgStore } from '../data/pg-store.js';
import { sample } from '../data/store.case.js';
import { MIGRATIONS, openStore } from '../data/store.js';
import { syntheticDrawings } from '../data/synthetic.js';
import { cliHarness } from './test-harness.js';

const missing = pgUnavailable();
if (missing) {
  console.log(`# ${missing}`);
  test('digitrec db and samples:postgres://', { skip: missing }, () => {});
} else {
  const { dir, run } = cliHarness('db');
  describe('digitrec db and samples:postgres://', () => {
    let cluster: PgCluster;
    before(() => {
      cluster = startCluster({ fsync: false });
    });
    after(() => cluster.stop());

    test('migrate, copy a SQLite deployment, and train on the copy as on the original', async () => {
      const url = cluster.createDatabase('copied');
      let r = run('db', 'migrate', '--database', url);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`schema version ${MIGRATIONS.length} \\(postgres\\)`));

      // A deployment: 60 drawings by 6 writers, one marked not a digit, and two versions.
      const db = join(dir, 'app', 'digitrec.db');
      mkdirSync(join(dir, 'app', 'models'), { recursive: true });
      const sqlite = openStore(db);
      const drawings = syntheticDrawings(60, 3);
      for (const [i, d] of drawings.entries())
        sqlite.insert(
          sample(d.label, { drawing: d.drawing, sessionId: `w${i % 6}`, notDigit: i === 5 }),
        );
      sqlite.delete(10);
      writeFileSync(join(dir, 'app', 'models', 'v1-a.json'), '{"model":"a"}');
      writeFileSync(join(dir, 'app', 'models', 'v1-a.report.html'), '<p>a</p>');
      writeFileSync(join(dir, 'app', 'models', 'v2-b.json'), '{"model":"b"}');
      const base = { summary: {}, metrics: {} };
      sqlite.addModelVersion({
        ...base,
        modelId: 'a',
        status: 'serving',
        file: 'v1-a.json',
        report: 'v1-a.report.html',
      });
      sqlite.addModelVersion({
        ...base,
        modelId: 'b',
        status: 'candidate',
        file: 'v2-b.json',
        report: null,
      });
      const original = [...sqlite.pages()].flat();
      sqlite.close();

      r = run('db', 'copy', '--from', `sqlite:${db}`, '--to', url);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /copied 59 samples and 2 model versions \(3 files\)/);
      const pg = await openPgStore(url);
      try {
        const copied: typeof original = [];
        for await (const page of pg.pages()) copied.push(...page);
        assert.deepEqual(copied, original);
        const versions = await pg.modelVersions();
        assert.deepEqual(
          versions.map((v) => [v.version, v.modelId, v.status]),
          [
            [2, 'b', 'candidate'],
            [1, 'a', 'serving'],
          ],
        );
        const report = versions[1].report as string;
        assert.match(report, /^sha256:[0-9a-f]{64}$/);
        assert.equal((await pg.getBlob(report.slice(7)))?.toString(), '<p>a</p>');
        // New samples follow the copied ids.
        assert.equal((await pg.insert(sample(1))).id, 61);
        await pg.delete(61);
      } finally {
        await pg.close();
      }
      // Copying again into a database that holds data is refused, nothing written.
      r = run('db', 'copy', '--from', `sqlite:${db}`, '--to', url);
      assert.equal(r.code, 1);
      assert.match(r.err, /already holds 59 samples and 2 model versions/);

      // The same drawings train the same model from either store.
      const args = ['--Cs', '1', '--cv', '2', '--eval', 'none', '--features', 'hog'];
      r = run('train', '--data', `samples:${db}`, ...args, '--out', 'a.json');
      assert.equal(r.code, 0, r.err);
      r = run('train', '--data', `samples:${url}`, ...args, '--out', 'b.json');
      assert.equal(r.code, 0, r.err);
      const [a, b] = ['a.json', 'b.json'].map((f) =>
        JSON.parse(readFileSync(join(dir, f), 'utf8')),
      );
      assert.equal(a.training.n, 58, '59 samples, one marked not a digit');
      assert.deepEqual(b.weights, a.weights);
      assert.deepEqual(b.training.n, a.training.n);
    });
  });
}
