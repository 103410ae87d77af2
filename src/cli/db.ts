/**
 * `digitrec db migrate` and `digitrec db copy`: bring a store's schema up to date, and move a
 * deployment from its SQLite file to a shared PostgreSQL database.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { copyStore } from '../data/copy-store.js';
import { openAnyStore } from '../data/open-store.js';
import { isPostgresUrl, redactUrl } from '../data/pg-store.js';
import { DEFAULT_SAMPLES_PATH } from '../data/samples.js';
import { MIGRATIONS } from '../data/store.js';
import { parseArgs, UsageError } from './args.js';

export const DB_HELP = `digitrec db migrate|copy [options]   the sample store's schema; SQLite → PostgreSQL
  digitrec db migrate [--database DB]
                       runs the migrations (${MIGRATIONS.length} steps) on DB; default
                       $DIGITREC_DATABASE_URL, else $DIGITREC_DB, else ${DEFAULT_SAMPLES_PATH}
  digitrec db copy --from sqlite:PATH --to postgres://… [--models-dir DIR]
                       copies every sample (ids kept), every model version (numbers and the
                       serving one kept) and their files into an empty database (migrated first);
                       the files are read from DIR (default: models/ beside PATH)
  DB is sqlite:PATH, a file path, or a postgres:// URL`;

/** `sqlite:PATH` → PATH; a `postgres://` URL or a plain path as given. */
export function storeLocation(spec: string, option: string): string {
  if (spec === '') throw new UsageError(`${option}: expected sqlite:PATH or a postgres:// URL`);
  if (spec.startsWith('sqlite:')) return resolve(spec.slice('sqlite:'.length));
  return isPostgresUrl(spec) ? spec : resolve(spec);
}

function shown(location: string): string {
  return isPostgresUrl(location) ? redactUrl(location) : location;
}

/** Runs `digitrec db …`. */
export async function dbCommand(argv: string[], log: (s: string) => void = console.log) {
  const [sub, ...rest] = argv;
  if (sub === 'migrate') {
    const { options, positionals } = parseArgs(rest, { database: 'string' });
    if (positionals.length > 0)
      throw new UsageError(`db migrate: unexpected argument ${JSON.stringify(positionals[0])}`);
    const location = storeLocation(
      (options.database as string | undefined) ??
        (process.env.DIGITREC_DATABASE_URL || process.env.DIGITREC_DB || DEFAULT_SAMPLES_PATH),
      '--database',
    );
    const store = await openAnyStore(location);
    try {
      log(`${shown(location)}: schema version ${store.schemaVersion} (${store.backend})`);
      return store.schemaVersion;
    } finally {
      await store.close();
    }
  }
  if (sub === 'copy') {
    const { options, positionals } = parseArgs(rest, {
      from: 'string',
      to: 'string',
      'models-dir': 'string',
    });
    if (positionals.length > 0)
      throw new UsageError(`db copy: unexpected argument ${JSON.stringify(positionals[0])}`);
    if (typeof options.from !== 'string' || typeof options.to !== 'string')
      throw new UsageError('db copy: expected --from and --to');
    const from = storeLocation(options.from, '--from');
    if (!isPostgresUrl(from) && !existsSync(from))
      throw new UsageError(`--from: no such SQLite file ${from}`);
    const to = storeLocation(options.to, '--to');
    if (from === to) throw new UsageError('db copy: --from and --to are the same store');
    const modelsDir = resolve(
      (options['models-dir'] as string | undefined) ??
        (isPostgresUrl(from) ? '.' : join(dirname(from), 'models')),
    );
    const source = await openAnyStore(from);
    try {
      const target = await openAnyStore(to);
      try {
        const counts = await copyStore(source, target, modelsDir, log);
        log(
          `copied ${counts.samples} samples and ${counts.versions} model versions (${counts.files} files) from ${shown(from)} to ${shown(to)}`,
        );
        return counts;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  }
  throw new UsageError(
    sub === undefined
      ? 'db: expected a subcommand, migrate or copy'
      : `db: unknown subcommand ${JSON.stringify(sub)} (expected migrate or copy)`,
  );
}
