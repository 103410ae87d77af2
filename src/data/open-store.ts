/**
 * Opens the store a location names: a `postgres://` URL (the shared PostgreSQL store) or an SQLite
 * file path (the embedded default).
 */
import { isPostgresUrl, openPgStore } from './pg-store.js';
import { openStore, SqliteStore, type Store, type StoreOptions } from './store.js';

/** Opens (migrating) the store at `location`: PostgreSQL for a `postgres://` URL, else SQLite. */
export async function openAnyStore(location: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) return openPgStore(location, { now: options.now });
  return new SqliteStore(openStore(location, options));
}
