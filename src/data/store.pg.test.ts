/**
 * The shared store suite (store.case.ts) on PostgreSQL: a throwaway cluster (pg-cluster.ts), one
 * database a store name. Without PostgreSQL installed the suite is skipped, saying so.
 */
import { after, test } from 'node:test';
import { type PgCluster, pgUnavailable, startCluster } from './pg-cluster.js';
import { openPgStore } from './pg-store.js';
import { storeCases } from './store.case.js';

const missing = pgUnavailable();
if (missing) {
  console.log(`# ${missing}`);
  test('the store suite on PostgreSQL', { skip: missing }, () => {});
} else {
  const cluster: PgCluster = startCluster({ fsync: false });
  after(() => cluster.stop());
  const made = new Set<string>();
  storeCases('postgres', async (name, options) => {
    if (!made.has(name)) {
      cluster.createDatabase(name);
      made.add(name);
    }
    return openPgStore(cluster.url(name), options);
  });
}
