/**
 * The HTTP server: the JSON API over the sample store and the model, and the built web app.
 * `buildApp` returns a ready-to-listen Fastify instance; `main.ts` reads the environment.
 */

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import helmet from 'helmet';
import { LIMITS } from '../contracts/limits.js';
import { SHARED_SCHEMAS } from '../contracts/schemas.js';
import type { ModelFile } from '../core/contracts.js';
import { DataFormatError } from '../data/errors.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { isPostgresUrl, openPgStore, processName, redactUrl } from '../data/pg-store.js';
import { openStore, SqliteStore, type Store, type StoreOptions } from '../data/store.js';
import { resolveTrainConfig, type TrainConfig } from '../data/training.js';
import { HttpError, sendError } from './http-error.js';
import { checkModelId, ModelRegistry } from './models.js';
import { openApiOptions } from './openapi.js';
import { SharedWindowStore } from './rate-limit-store.js';
import { defaultRecognitionThreads, RecognitionPool } from './recognition-pool.js';
import {
  checkRetrainSources,
  type PromotionRule,
  Retrainer,
  resolvePromotionRule,
} from './retrain.js';
import type { RouteContext } from './routes/context.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/models.js';
import { numberRoutes } from './routes/number.js';
import { pageRoutes } from './routes/pages.js';
import { predictRoutes } from './routes/predict.js';
import { retrainRoutes } from './routes/retrain.js';
import { sampleRoutes } from './routes/samples.js';
import { sessionRoutes } from './routes/sessions.js';
import {
  adminTokenMatches,
  checkAdmin,
  schemaErrorFormatter,
  validatorCompiler,
} from './validate.js';

export { withoutPaths } from './routes/models.js';
export { PAGES } from './routes/pages.js';

/** Where `npm run build` puts the web app (the same from src/server and dist/server). */
export const DEFAULT_WEB_ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'web',
);

/** Options of `buildApp`. */
export interface AppOptions {
  /**
   * The SQLite file of the sample store (its directory must exist); unused when `databaseUrl`
   * names a PostgreSQL database.
   */
  dbPath: string;
  /**
   * A `postgres://` URL: the store (samples, model versions and their files, the retraining job)
   * is that shared database instead of `dbPath`, so any number of servers can serve it.
   */
  databaseUrl?: string;
  /**
   * How often a server on a shared database checks which version is serving, in ms (default
   * `SERVING_POLL_MS`): a promotion made by another server is served here within this.
   */
  servingPollMs?: number;
  /** The model to serve; default: loaded from `modelPath`. */
  model?: ModelFile;
  /** The model file to load when `model` is not given; default the committed default model. */
  modelPath?: string;
  /**
   * Directory of the model versions' files (models and reports); default `models/` beside the
   * database file. Created if needed.
   */
  modelsDir?: string;
  /**
   * The training configuration of `POST /api/admin/train` (a partial `digitrec train` config;
   * defaults for the rest); default the committed `models/default.config.json`. The app's own
   * samples (their training split) are always added.
   */
  retrainConfig?: Partial<TrainConfig>;
  /** Token that enables admin actions (relabel, delete, import, retraining); none: they are off. */
  adminToken?: string;
  /** Directory of the built web app; default `dist/web`. */
  webRoot?: string;
  /** Fastify's logger option; default off. */
  logger?: boolean;
  /** Clock for sample creation times; default the wall clock. */
  now?: () => Date;
  /** The HTTP server's timeouts and connection cap; default `SERVER_LIMITS`. */
  server?: Partial<ServerLimits>;
  /** When a retrained model is promoted; default `PROMOTION_RULE` (50 drawings, 1 point). */
  promotion?: Partial<PromotionRule>;
  /** The sample store's log and size limits (see `StoreOptions`). */
  store?: Pick<StoreOptions, 'walLimitBytes' | 'maxBytes'>;
  /** Requests per minute per client address; default `RATE_LIMITS`; `false`: no limits. */
  rateLimits?: Partial<RateLimits> | false;
  /**
   * Host names the server answers to besides `localhost`, `*.localhost` and IP addresses (the
   * `Host` header is checked, against DNS rebinding); e.g. `['digits.example.org']`.
   */
  allowedHosts?: readonly string[];
  /**
   * The proxies in front of the server, whose `X-Forwarded-For` names the client (addresses or
   * CIDR ranges, Fastify's `trustProxy`): behind a proxy, rate limits then count each client, not
   * the proxy. Default none: the connection's address is the client.
   */
  trustProxy?: readonly string[];
  /** Serve the web app's source maps (`*.map`); default false, so production shows no sources. */
  sourceMaps?: boolean;
  /**
   * Worker threads that recognise the drawings and images of `POST /api/predict` and the numbers
   * of `POST /api/recognize-number` (0: in the event loop); default
   * `defaultRecognitionThreads()`, one per core (none on one core).
   */
  recognitionThreads?: number;
}

/**
 * Shortest `DIGITREC_ADMIN_TOKEN` that `npm start` accepts (a guessable token would make the
 * failed-token budget moot).
 */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Request budgets per client address and minute (see `RATE_LIMITS`). */
export interface RateLimits {
  /** `POST /api/predict`. */
  predictPerMinute: number;
  /** `POST /api/samples`, the public write. */
  writesPerMinute: number;
  /** Admin requests without the right token (a valid token is not counted). */
  failedAdminPerMinute: number;
}

/** The defaults of `AppOptions.rateLimits`. */
export const RATE_LIMITS: Readonly<RateLimits> = {
  predictPerMinute: 600,
  writesPerMinute: 60,
  failedAdminPerMinute: 10,
};

/** `RATE_LIMITS` with `given` on top, each a positive integer (an error names the field). */
export function resolveRateLimits(given: Partial<RateLimits> = {}): RateLimits {
  const limits = { ...RATE_LIMITS, ...given };
  for (const [key, value] of Object.entries(limits)) {
    if (!(Number.isInteger(value) && value > 0))
      throw new RangeError(`rateLimits.${key}: expected a positive integer, got ${String(value)}`);
  }
  return limits;
}

/**
 * Whether the server answers a request with this `Host` header: IP literals (a LAN address from
 * a phone), `localhost` and its subdomains, and the `allowed` names. A DNS-rebinding page
 * reaches the server under its own domain name, which is none of these.
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  // Drop the port: "[::1]:3000" → "::1", "example.org:80" → "example.org".
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::\d+)?$/.exec(host);
  if (!m) return false;
  const name = (m[1] ?? m[2]).toLowerCase().replace(/\.$/, '');
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((a) => a.toLowerCase() === name);
}

/** Timeouts and the connection cap of the HTTP server (see `SERVER_LIMITS`). */
export interface ServerLimits {
  /** A request's headers must have arrived this long after it began, in ms (slowloris). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived within this, in ms (a slow body). */
  requestTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed, in ms. */
  idleTimeoutMs: number;
  /** A kept-alive connection waits this long for its next request, in ms. */
  keepAliveTimeoutMs: number;
  /** Most open connections; a connection over the cap is closed at once. */
  maxConnections: number;
  /** On shutdown, open requests and event streams get this long to end, in ms, then are cut. */
  shutdownDrainMs: number;
}

/** The defaults of `AppOptions.server`. */
export const SERVER_LIMITS: Readonly<ServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
  shutdownDrainMs: 10_000,
};

/** `SERVER_LIMITS` with `given` on top, each a positive integer (an error names the field). */
export function resolveServerLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...SERVER_LIMITS, ...given };
  for (const [key, value] of Object.entries(limits)) {
    if (!(Number.isInteger(value) && value > 0))
      throw new RangeError(`server.${key}: expected a positive integer, got ${String(value)}`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new RangeError(
      `server.headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed server.requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  return limits;
}

/**
 * Closes the app (no new connections; idle ones closed; the store last), giving open requests
 * and event streams `drainMs` to end before every connection is cut. Resolves when closed.
 */
export async function closeWithDrain(app: FastifyInstance, drainMs: number): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), drainMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

/** The committed training configuration of the default model. */
export const DEFAULT_RETRAIN_CONFIG_PATH = DEFAULT_MODEL_PATH.replace(/\.json$/, '.config.json');

/** Reads the committed default configuration (errors name the file). */
function defaultRetrainConfig(): TrainConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(DEFAULT_RETRAIN_CONFIG_PATH, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${DEFAULT_RETRAIN_CONFIG_PATH}: ${(err as Error).message}`);
  }
  return resolveTrainConfig(json, DEFAULT_RETRAIN_CONFIG_PATH);
}

/** The default of `AppOptions.servingPollMs`: a promotion reaches every server within a second. */
export const SERVING_POLL_MS = 250;

/** Seconds a client is asked to wait (`Retry-After`) when the database is busy or full. */
export const STORE_RETRY_AFTER_S = 1;

/**
 * The answer to a SQLite error that is the database's state, not a bug: 503 while another
 * connection holds the lock (after the store's short busy timeout), 507 when the disk is full.
 */
function storeUnavailable(err: Error): { status: number; message: string } | undefined {
  const code = (err as { code?: unknown }).code;
  // PostgreSQL: no connection (refused, cut, the pool's wait over), the server shutting down or
  // starting, a lock or serialization conflict; its disk full.
  if (
    /timeout exceeded when trying to connect|Connection terminated/.test(err.message) ||
    (typeof code === 'string' &&
      (/^(ECONNREFUSED|ECONNRESET|ENOENT|EPIPE|ETIMEDOUT|57P0[1-3]|40001|40P01|55P03)$/.test(
        code,
      ) ||
        code.startsWith('08')))
  )
    return {
      status: 503,
      message: `the database is unavailable: retry in ${STORE_RETRY_AFTER_S} s`,
    };
  if (code === '53100')
    return { status: 507, message: 'the database is full (no space left): nothing was stored' };
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return {
      status: 503,
      message: `the database is busy (locked by another connection): retry in ${STORE_RETRY_AFTER_S} s`,
    };
  if (code === 'SQLITE_FULL')
    return { status: 507, message: 'the database is full (no space left): nothing was stored' };
  return undefined;
}

/**
 * Why Fastify's JSON parser refused `text`, as a 400 that says so: empty, malformed (with the
 * position `JSON.parse` names) or carrying a prototype-poisoning key (named). Fastify's own error
 * says only that the body is not valid JSON; the text is parsed again only on this error path.
 */
function jsonBodyError(
  app: FastifyInstance,
  request: FastifyRequest,
  text: string,
  err: Error,
): Error {
  if ((err as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || text.trim() === '')
    return new HttpError(400, 'empty body: expected a JSON object');
  if ((err as FastifyError).code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return err;
  try {
    JSON.parse(text);
  } catch (syntax) {
    return new HttpError(400, `malformed JSON body: ${(syntax as Error).message}`);
  }
  // Valid JSON that Fastify refused: a `__proto__` key, or else a `constructor.prototype` one.
  let key = 'constructor';
  app.getDefaultJsonParser('error', 'ignore')(request, text, (protoErr) => {
    if (protoErr) key = '__proto__';
  });
  return new HttpError(400, `JSON body: the key "${key}" is not allowed`);
}

/**
 * Builds the app: opens the store (running migrations), loads the model, registers the API, the
 * pages and one error handler. Close it with `app.close()`, which also closes the store.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const modelPath = options.model ? undefined : (options.modelPath ?? DEFAULT_MODEL_PATH);
  const baseModel = options.model ?? loadModel(modelPath as string);
  // A configuration given here is checked now, so a typo stops the server at start.
  const retrainConfig =
    options.retrainConfig === undefined
      ? undefined
      : resolveTrainConfig(options.retrainConfig, 'retrainConfig');
  // With admin on, retraining can start: its sources are checked now, not when a job runs.
  if (options.adminToken)
    checkRetrainSources(
      retrainConfig ?? defaultRetrainConfig(),
      retrainConfig ? 'retrainConfig' : DEFAULT_RETRAIN_CONFIG_PATH,
    );
  const pgUrl = options.databaseUrl || undefined;
  if (pgUrl !== undefined && !isPostgresUrl(pgUrl))
    throw new TypeError(
      `databaseUrl must be a postgres:// or postgresql:// URL, got ${JSON.stringify(redactUrl(pgUrl))}`,
    );
  // A model's id names its version file: checked before anything is opened or written.
  checkModelId(baseModel.id);
  resolvePromotionRule(options.promotion);
  if (pgUrl === undefined && (options.dbPath === ':memory:' || options.dbPath === ''))
    throw new TypeError(
      `dbPath must be a file (the retraining worker reads it and the model versions live beside it), got ${JSON.stringify(options.dbPath)}`,
    );
  const adminToken = options.adminToken || undefined;
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const limits = resolveServerLimits(options.server);
  const rates = options.rateLimits === false ? undefined : resolveRateLimits(options.rateLimits);
  const allowedHosts = options.allowedHosts ?? [];
  // SQLite opens (and migrates) now, so a bad file stops the app here; PostgreSQL connects when
  // the app starts (`ready`, `listen`, the first `inject`).
  const sqlite =
    pgUrl === undefined
      ? new SqliteStore(openStore(options.dbPath, { ...options.store, now: options.now }))
      : undefined;
  const database = pgUrl ?? resolve(options.dbPath);
  const pollMs = options.servingPollMs ?? SERVING_POLL_MS;
  if (!(Number.isInteger(pollMs) && pollMs > 0))
    throw new RangeError(`servingPollMs: expected a positive integer, got ${pollMs}`);

  const app = Fastify({
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the headers and request timeouts on this period (30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headersTimeoutMs >> 2)),
    },
    logger: options.logger ?? false,
    ...(options.trustProxy && options.trustProxy.length > 0
      ? { trustProxy: [...options.trustProxy] }
      : {}),
    // Errors are logged by the error handler; one line per request would drown them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.jsonBodyBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    schemaErrorFormatter,
  });
  app.server.maxConnections = limits.maxConnections;
  let store: Store | undefined = sqlite;
  let retrainer: Retrainer | undefined;
  let poll: NodeJS.Timeout | undefined;
  // A running job is stopped before the server waits for open connections (its event streams
  // end with it); the store closes last.
  app.addHook('preClose', async () => {
    clearInterval(poll);
    await retrainer?.close();
  });
  const pool = new RecognitionPool(options.recognitionThreads ?? defaultRecognitionThreads());
  app.addHook('onClose', async () => {
    await pool.close();
    await store?.close();
  });
  // JSON only, except where a route's plugin adds image or file parsers: Fastify's own parser,
  // which refuses `__proto__` and `constructor.prototype` keys, with its errors made precise.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  const fastifyJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    fastifyJson(request, String(body), (err, value) => {
      if (err) done(jsonBodyError(app, request, String(body), err), undefined);
      else done(null, value);
    }),
  );
  // Requests are validated against the routes' schemas (contracts/schemas.ts); responses are sent
  // as JSON.stringify writes them (their schemas document them, and do not filter them).
  app.setValidatorCompiler(validatorCompiler);
  // The schemas routes reference by `$id`: the OpenAPI document's components.
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // A JSON route given no body at all says so (Fastify would validate `null`).
  app.addHook('preValidation', async (request) => {
    const body = request.routeOptions.schema?.body as { content?: object } | undefined;
    if (request.body === undefined && body && (!body.content || 'application/json' in body.content))
      throw new HttpError(400, 'body must be a JSON object, got nothing');
  });

  // The one place errors become responses.
  app.setErrorHandler((err: FastifyError | HttpError | DataFormatError | Error, request, reply) => {
    // A refusal before the body was read (auth, size) closes the connection instead of reading
    // and discarding the rest of the body to keep it alive.
    if (!request.raw.complete) reply.header('connection', 'close');
    if (err instanceof HttpError) {
      reply.headers(err.headers);
      return sendError(reply, err.statusCode, err.message);
    }
    if (err instanceof DataFormatError) return sendError(reply, 400, err.message);
    const sqlite = storeUnavailable(err);
    if (sqlite) {
      request.log.warn(`sample store unavailable: ${err.message}`);
      reply.header('retry-after', String(STORE_RETRY_AFTER_S));
      return sendError(reply, sqlite.status, sqlite.message);
    }
    const fe = err as FastifyError;
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(
          reply,
          413,
          `request body too large: this route accepts at most ${request.routeOptions.bodyLimit ?? LIMITS.jsonBodyBytes} bytes`,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
        const type = request.headers['content-type'];
        return sendError(
          reply,
          415,
          type
            ? `unsupported content type ${JSON.stringify(type)}: send application/json`
            : 'missing Content-Type header: send application/json',
        );
      }
    }
    if (fe.validation) return sendError(reply, 400, fe.message);
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(reply, fe.statusCode, fe.message);
    }
    request.log.error(err);
    return sendError(reply, 500, 'internal server error');
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    if (path.startsWith('/api/') || path === '/healthz' || request.method !== 'GET') {
      return sendError(reply, 404, `no route ${request.method} ${path}`);
    }
    return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(path));
  });

  // ---- safe defaults: Host check, security headers, compression, rate limits -------------------

  app.addHook('onRequest', async (request) => {
    if (!hostAllowed(request.headers.host, allowedHosts))
      throw new HttpError(
        421,
        `this server does not answer to host ${JSON.stringify(request.headers.host ?? '')}: expected localhost, an IP address${allowedHosts.length > 0 ? ` or ${allowedHosts.join(', ')}` : ''} (add names with DIGITREC_ALLOWED_HOSTS)`,
      );
  });
  // Security headers by helmet, its middleware built once: @fastify/helmet builds it anew (and
  // parses the policy) on every request, 8.6% of the main thread's time on `POST /api/predict`.
  // The headers depend on nothing in the request, and are the same as the plugin's.
  const securityHeaders = helmet({
    // The pages load only their own scripts and styles (scripts set styles through the CSSOM).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        // The data page frames the model reports, served from here.
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to whatever terminates TLS in front of the server; over plain HTTP it is moot.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
  app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    // Request bodies arrive as sent: no inflating of compressed uploads (a bomb's other door).
    globalDecompression: false,
  });
  app.register(fastifyRateLimit, {
    global: false,
    store: SharedWindowStore,
    // Budget headers only on a refusal (with Retry-After): on every answer they cost predict time.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        `too many requests: at most ${context.max} a minute from one address to this route; retry in ${Math.ceil(context.ttl / 1000)} s`,
        { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
      ),
  });
  const MINUTE = 60_000;
  /** Route options of a rate-limited route (`group` shares one budget between routes). */
  const limited = (max: number | undefined, group: string) =>
    max === undefined ? {} : { config: { rateLimit: { max, timeWindow: MINUTE, groupId: group } } };
  /**
   * Admin routes: the failed-token budget (requests with the right token are not counted), then
   * the token, checked once the headers are in and before any body is read.
   */
  const adminRoute = {
    preParsing: async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      checkAdmin(request.headers.authorization, adminToken);
      return payload;
    },
    ...(rates === undefined
      ? {}
      : {
          config: {
            rateLimit: {
              max: rates.failedAdminPerMinute,
              timeWindow: MINUTE,
              groupId: 'admin-token',
              allowList: (request: FastifyRequest) =>
                adminTokenMatches(request.headers.authorization, adminToken),
            },
          },
        }),
  };

  // The OpenAPI document is generated from the routes' schemas (served by healthRoutes).
  app.register(fastifySwagger, openApiOptions());
  // The routes go in plugins registered after the ones above, so that their route hooks
  // (compression, rate limits, the document) see every route. The store and the model registry
  // are opened first (PostgreSQL and the registry are asynchronous).
  app.register(async (app) => {
    store ??= await openPgStore(database, { now: options.now });
    let registry: ModelRegistry;
    try {
      registry = await ModelRegistry.open(
        store,
        options.modelsDir ?? join(dirname(resolve(options.dbPath)), 'models'),
        { model: baseModel, path: modelPath },
        { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) },
      );
    } catch (err) {
      await store.close();
      store = undefined;
      throw err;
    }
    retrainer = new Retrainer({
      registry,
      store,
      database,
      owner: processName(),
      config: () => retrainConfig ?? defaultRetrainConfig(),
      now: options.now,
      log: (m) => app.log.info(m),
      promotion: options.promotion,
    });
    // Each event stream listens to the retrainer, and each is a connection: allow one per
    // connection instead of warning of a leak at Node's default of 10.
    retrainer.setMaxListeners(limits.maxConnections + 1);
    if (store.backend === 'postgres') {
      // Other servers of the database promote too: serve what it marks serving.
      let checking = false;
      poll = setInterval(() => {
        if (checking) return;
        checking = true;
        registry
          .refresh()
          .then(
            (changed) => {
              if (changed)
                app.log.info(
                  `now serving version ${registry.current.version} (promoted elsewhere)`,
                );
            },
            (err: Error) => app.log.warn(`cannot check the serving version: ${err.message}`),
          )
          .finally(() => {
            checking = false;
          });
      }, pollMs);
      poll.unref();
    }
    const context: RouteContext = {
      store,
      registry,
      retrainer,
      serving: () => registry.current,
      pool,
      limited,
      rates,
      adminRoute,
    };
    app.register(healthRoutes, context);
    app.register(predictRoutes, context);
    app.register(numberRoutes, context);
    app.register(sampleRoutes, context);
    app.register(sessionRoutes, context);
    app.register(fileRoutes, context);
    app.register(modelRoutes, context);
    app.register(retrainRoutes, context);
    app.register(pageRoutes, { webRoot, sourceMaps: options.sourceMaps === true });
  });

  return app;
}

function notFoundPage(path: string): string {
  const safe = path.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>Not found — digitrec</title><link rel="stylesheet" href="/style.css"><main class="page"><h1>Not found</h1><p>There is no page at <code>${safe}</code>.</p><p><a href="/">Draw a digit</a></p></main>`;
}
