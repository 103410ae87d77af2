/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: Debian's `postgresql` binaries,
 * `initdb` into a temporary directory, `pg_ctl start` listening only on a unix socket in that
 * directory (no TCP port, so parallel runs never collide), stopped and removed by `stop`. As root
 * the server runs as the `postgres` user (initdb refuses root). (Test helper only; the app never
 * starts a database.)
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian puts one PostgreSQL major's programs. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/**
 * The directory of `initdb`, `pg_ctl` and `postgres`: `DIGITREC_PG_BIN` when set, else the newest
 * major under /usr/lib/postgresql; undefined when PostgreSQL is not installed.
 */
export function findPgBin(): string | undefined {
  const given = process.env.DIGITREC_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : undefined;
  if (!existsSync(DEBIAN_PG_ROOT)) return undefined;
  const majors = readdirSync(DEBIAN_PG_ROOT)
    .filter((m) => /^\d+$/.test(m) && existsSync(join(DEBIAN_PG_ROOT, m, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? join(DEBIAN_PG_ROOT, majors[0], 'bin') : undefined;
}

/** Why the PostgreSQL half of the suite cannot run here, or undefined when it can. */
export function pgUnavailable(): string | undefined {
  if (findPgBin() === undefined)
    return 'PostgreSQL is not installed (apt-get install postgresql, as .ci/run does): the PostgreSQL half is skipped';
  return undefined;
}

/** A running cluster. */
export interface PgCluster {
  /** The socket directory (also the cluster's home). */
  dir: string;
  /** A connection URL of the database `name` (default `postgres`), over the socket. */
  url(name?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): string;
  /** Stops the server at once and removes its files. */
  stop(): void;
}

/** Options of `startCluster`. */
export interface ClusterOptions {
  /**
   * `fsync` as PostgreSQL's setting (default true, as in production: benchmarks measure real
   * commits). Tests of semantics may turn it off for speed.
   */
  fsync?: boolean;
}

/** The user the cluster's superuser role is named after (trust authentication on the socket). */
const ROLE = 'digitrec';

/** Starts a cluster; throws with the server's log when it does not come up. */
export function startCluster(options: ClusterOptions = {}): PgCluster {
  const bin = findPgBin();
  if (bin === undefined) throw new Error(pgUnavailable());
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // As root, the files belong to `postgres` and every program runs as that user.
  const run = (program: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], {
          stdio: 'pipe',
        })
      : execFileSync(join(bin, program), args, { stdio: 'pipe' });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o755);
  }
  const fsync = options.fsync ?? true;
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      ROLE,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      ...(fsync ? [] : ['--no-sync']),
    ]);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-c listen_addresses='' -k ${dir} -c fsync=${fsync ? 'on' : 'off'} -c max_connections=100`,
      'start',
    ]);
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    let log = '';
    try {
      log = execFileSync('cat', [join(dir, 'server.log')]).toString();
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `cannot start a PostgreSQL cluster: ${e.stderr?.toString() || e.message}\n${log}`,
    );
  }
  const url = (name = 'postgres') =>
    `postgres://${ROLE}@localhost/${name}?host=${encodeURIComponent(dir)}`;
  let stopped = false;
  return {
    dir,
    url,
    createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new RangeError(
          `database name: expected lower-case letters, digits or _, got ${name}`,
        );
      run('createdb', ['-h', dir, '-U', ROLE, name]);
      return url(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
