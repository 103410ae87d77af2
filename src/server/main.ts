/**
 * `npm start`: serves the web app and the API. Environment:
 * - PORT (default 3000), HOST (default localhost; 0.0.0.0 to reach it from a phone on the LAN);
 * - DIGITREC_DB: the SQLite file (default ./data/digitrec.db; the directory is created);
 * - DIGITREC_DATABASE_URL: postgres://… — the shared PostgreSQL store instead of DIGITREC_DB
 *   (samples, model versions and their files, the retraining job), for any number of servers;
 * - DIGITREC_MODEL: the base model file (default the committed models/default.json): version 1
 *   of a new database, and a new serving version whenever it changes;
 * - DIGITREC_MODELS_DIR: the model versions' files (default ./data/models beside the database);
 * - DIGITREC_RETRAIN_CONFIG: the training config of retraining (default
 *   models/default.config.json);
 * - DIGITREC_ADMIN_TOKEN: enables relabel, delete, import and retraining (off when unset);
 * - DIGITREC_SHUTDOWN_MS: how long SIGTERM/SIGINT let open requests finish (default 10000);
 * - DIGITREC_ALLOWED_HOSTS: comma-separated host names served besides localhost and IP addresses;
 * - DIGITREC_PREDICT_PER_MINUTE, DIGITREC_WRITES_PER_MINUTE, DIGITREC_FAILED_ADMIN_PER_MINUTE:
 *   request budgets per client address (defaults in `RATE_LIMITS`);
 * - DIGITREC_DB_MAX_MB: the largest the database may grow, in MiB (writes beyond answer 507);
 * - DIGITREC_TRUST_PROXY: comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For
 *   names the client (rate limits per client behind a load balancer);
 * - DIGITREC_SOURCE_MAPS=1: serve the web app's source maps (development);
 * - DIGITREC_RECOGNITION_THREADS: worker threads that recognise predict's drawings and images and
 *   the numbers of recognize-number
 *   (default one per core, at most 8, none on one core; 0: in the event loop).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_PATH } from '../data/model-io.js';
import { redactUrl } from '../data/pg-store.js';
import {
  buildApp,
  closeWithDrain,
  MIN_ADMIN_TOKEN_LENGTH,
  type RateLimits,
  SERVER_LIMITS,
} from './app.js';
import {
  defaultRecognitionThreads,
  isRecognitionThreads,
  MAX_RECOGNITION_THREADS,
} from './recognition-pool.js';

/** The default database file, relative to the working directory. */
export const DEFAULT_DB_PATH = './data/digitrec.db';

function shutdownMs(text: string | undefined): number {
  if (text === undefined || text === '') return SERVER_LIMITS.shutdownDrainMs;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(
      `DIGITREC_SHUTDOWN_MS must be a positive integer, got ${JSON.stringify(text)}`,
    );
  return n;
}

/** A positive integer from the environment variable `name`, or undefined when unset. */
function positiveInt(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function rateLimits(): Partial<RateLimits> {
  const out: Partial<RateLimits> = {};
  const predict = positiveInt('DIGITREC_PREDICT_PER_MINUTE');
  const writes = positiveInt('DIGITREC_WRITES_PER_MINUTE');
  const failedAdmin = positiveInt('DIGITREC_FAILED_ADMIN_PER_MINUTE');
  if (predict !== undefined) out.predictPerMinute = predict;
  if (writes !== undefined) out.writesPerMinute = writes;
  if (failedAdmin !== undefined) out.failedAdminPerMinute = failedAdmin;
  return out;
}

/** DIGITREC_RECOGNITION_THREADS: a count from 0 to the maximum, or the default when unset. */
function recognitionThreads(text: string | undefined): number {
  if (text === undefined || text === '') return defaultRecognitionThreads();
  const n = Number(text);
  if (!isRecognitionThreads(n))
    throw new RangeError(
      `DIGITREC_RECOGNITION_THREADS must be an integer from 0 to ${MAX_RECOGNITION_THREADS}, got ${JSON.stringify(text)}`,
    );
  return n;
}

function port(text: string | undefined): number {
  if (text === undefined || text === '') return 3000;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(`PORT must be an integer 0–65535, got ${JSON.stringify(text)}`);
  }
  return n;
}

async function main(): Promise<void> {
  const listenPort = port(process.env.PORT);
  const databaseUrl = process.env.DIGITREC_DATABASE_URL || undefined;
  const dbPath = resolve(process.env.DIGITREC_DB || DEFAULT_DB_PATH);
  if (databaseUrl === undefined) mkdirSync(dirname(dbPath), { recursive: true });
  const modelPath = resolve(process.env.DIGITREC_MODEL || DEFAULT_MODEL_PATH);
  const modelsDir = resolve(process.env.DIGITREC_MODELS_DIR || join(dirname(dbPath), 'models'));
  const configPath = process.env.DIGITREC_RETRAIN_CONFIG;
  let retrainConfig: Record<string, unknown> | undefined;
  if (configPath) {
    try {
      retrainConfig = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (err) {
      throw new Error(
        `DIGITREC_RETRAIN_CONFIG: cannot read ${configPath}: ${(err as Error).message}`,
      );
    }
  }
  const adminToken = process.env.DIGITREC_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH)
    throw new RangeError(
      `DIGITREC_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters, got ${adminToken.length} (make one with: openssl rand -hex 24)`,
    );
  const host = process.env.HOST || 'localhost';
  const drainMs = shutdownMs(process.env.DIGITREC_SHUTDOWN_MS);
  const maxMb = positiveInt('DIGITREC_DB_MAX_MB');
  const threads = recognitionThreads(process.env.DIGITREC_RECOGNITION_THREADS);
  const app = buildApp({
    dbPath,
    databaseUrl,
    modelPath,
    modelsDir,
    retrainConfig,
    adminToken,
    logger: true,
    server: { shutdownDrainMs: drainMs },
    rateLimits: rateLimits(),
    store: { maxBytes: maxMb === undefined ? undefined : maxMb * 1024 * 1024 },
    // The name the server listens on is one it answers to.
    allowedHosts: [host, ...(process.env.DIGITREC_ALLOWED_HOSTS ?? '').split(',')]
      .map((h) => h.trim())
      .filter((h) => h !== ''),
    sourceMaps: process.env.DIGITREC_SOURCE_MAPS === '1',
    recognitionThreads: threads,
    trustProxy: (process.env.DIGITREC_TRUST_PROXY ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Should closing itself hang past the drain (a stuck close hook), exit anyway.
      setTimeout(() => process.exit(1), drainMs + 5000).unref();
      closeWithDrain(app, drainMs).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ port: listenPort, host });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : listenPort;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  console.log(`digitrec: http://${shownHost}:${actualPort}/`);
  console.log(`  database ${databaseUrl ? redactUrl(databaseUrl) : dbPath}`);
  console.log(`  model    ${modelPath}`);
  console.log(`  versions ${databaseUrl ? 'in the database' : modelsDir}`);
  console.log(
    `  reading  ${threads === 0 ? 'in the event loop' : `${threads} recognition thread${threads === 1 ? '' : 's'}`} (DIGITREC_RECOGNITION_THREADS)`,
  );
  console.log(
    `  admin    ${adminToken ? 'on (DIGITREC_ADMIN_TOKEN)' : 'off (set DIGITREC_ADMIN_TOKEN)'}`,
  );
}

main().catch((err: unknown) => {
  console.error(`digitrec: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
