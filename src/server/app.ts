/**
 * The HTTP server: the JSON API over the sample store and the model, and the built web app.
 * `buildApp` returns a ready-to-listen Fastify instance; `main.ts` reads the environment.
 */

import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { ModelFile, Recognition, Recognizer } from '../core/contracts.js';
import { aDigit } from '../core/percent.js';
import { imageToBytes } from '../core/preprocess.js';
import { CANONICAL_SIZE, type GrayImage, type LabelledDrawing } from '../core/types.js';
import { encodeDigitCsv, parseDigitCsv } from '../data/csv.js';
import { DataFormatError } from '../data/errors.js';
import { splitHeldOut } from '../data/holdout.js';
import { decodeImage } from '../data/image-decode.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { readSampleStore } from '../data/samples.js';
import {
  IMAGE_BYTES,
  type ModelVersion,
  type NewSample,
  openStore,
  type Sample,
  type SampleFilter,
  type SampleStore,
  type StoreOptions,
} from '../data/store.js';
import { formatStrokesJsonl, parseStrokesJsonl } from '../data/strokes-jsonl.js';
import { resolveTrainConfig, type TrainConfig } from '../data/training.js';
import { parseUnipen } from '../data/unipen.js';
import { HttpError, STATUS_TEXT } from './http-error.js';
import { ModelRegistry } from './models.js';
import { openApiDocument } from './openapi.js';
import { SharedWindowStore } from './rate-limit-store.js';
import {
  checkRetrainSources,
  type JobEvent,
  type JobState,
  type PromotionRule,
  Retrainer,
} from './retrain.js';
import {
  adminTokenMatches,
  checkAdmin,
  checkImageBytes,
  LIMITS,
  parseDrawing,
  parseExportQuery,
  parseFilter,
  parseId,
  parseImportQuery,
  parseListQuery,
  parsePredictBody,
  parseRelabelBody,
  parseSampleBody,
  parseVersion,
  rejectPrototypeKeys,
} from './validate.js';

/** Where `npm run build` puts the web app (the same from src/server and dist/server). */
export const DEFAULT_WEB_ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'web',
);

/** The pages of the web app: URL path → HTML file in the web root. */
export const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/collect': 'collect.html',
  '/data': 'data.html',
};

/** Options of `buildApp`. */
export interface AppOptions {
  /** The SQLite file of the sample store (its directory must exist). */
  dbPath: string;
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
  /** Serve the web app's source maps (`*.map`); default false, so production shows no sources. */
  sourceMaps?: boolean;
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

/** Absolute file paths in `text` reduced to their file names (API answers show no server paths). */
export function withoutPaths(text: string): string {
  return text.replace(/(?<=^|[\s'"(=:])(?:\/[^\s/'"`,;()]+){2,}/g, (path) =>
    path.startsWith('/api/') ? path : basename(path),
  );
}

/** `value` with `withoutPaths` applied to every string in it. */
function redactPaths<T>(value: T): T {
  if (typeof value === 'string') return withoutPaths(value) as T;
  if (Array.isArray(value)) return value.map(redactPaths) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactPaths(v)])) as T;
  return value;
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

/** How a recognition is reported by `POST /api/predict`. */
function recognitionJson(r: Recognition, model: ModelFile) {
  return {
    empty: r.empty,
    digit: r.digit,
    confidence: r.confidence,
    probabilities: r.probabilities,
    accepted: r.accepted,
    verdict: r.verdict,
    notDigit: r.notDigit,
    top2: r.top2,
    threshold: r.threshold,
    ...(r.readers && !r.empty ? { readers: r.readers, agree: r.agree } : {}),
    modelVersion: model.id,
  };
}

/** How a sample is reported: metadata and the canonical image as base64; strokes on request. */
function sampleJson(s: Sample, withStrokes: boolean) {
  return {
    id: s.id,
    label: s.label,
    source: s.source,
    sessionId: s.sessionId,
    pointerType: s.pointerType,
    modelVersion: s.modelVersion,
    predicted: s.predicted,
    confidence: s.confidence,
    notDigit: s.notDigit,
    createdAt: s.createdAt,
    canvas: s.drawing
      ? { width: s.drawing.width, height: s.drawing.height, brushWidth: s.drawing.brushWidth }
      : null,
    strokeCount: s.drawing ? s.drawing.strokes.length : 0,
    image: Buffer.from(s.image).toString('base64'),
    ...(withStrokes ? { drawing: s.drawing } : {}),
  };
}

/** The canonical image and the prediction a drawing or image gets, ready to store. */
function analyse(recognizer: Recognizer, r: Recognition) {
  return {
    image: imageToBytes(r.canonical),
    modelVersion: recognizer.model.id,
    predicted: r.empty ? null : r.digit,
    confidence: r.empty ? null : r.confidence,
    // Marked for retraining to skip until relabelled (the person's word is not enough there).
    notDigit: r.verdict === 'not-a-digit',
  };
}

/** Samples per page of a streamed export (about 2.5 MB of CSV). */
const EXPORT_PAGE = 1000;

/**
 * The export file, a page of samples at a time, yielding to the event loop between pages, so a
 * large export neither holds the whole file in memory nor blocks other requests. The pieces
 * concatenate to exactly what `formatDigitCsv` / `formatStrokesJsonl` write for all the samples.
 */
async function* exportChunks(
  store: SampleStore,
  format: 'csv' | 'jsonl',
  filter: SampleFilter,
): AsyncGenerator<Buffer | string> {
  let first = true;
  for (const page of store.pages(filter, EXPORT_PAGE)) {
    if (format === 'csv') {
      const pixels = new Uint8Array(page.length * IMAGE_BYTES);
      page.forEach((s, i) => {
        pixels.set(s.image, i * IMAGE_BYTES);
      });
      const bytes = encodeDigitCsv({
        n: page.length,
        width: CANONICAL_SIZE,
        height: CANONICAL_SIZE,
        pixels,
        labels: Uint8Array.from(page, (s) => s.label),
      });
      // The header line once, on the first page.
      const body = first ? bytes : bytes.subarray(bytes.indexOf(0x0a) + 1);
      yield Buffer.from(body.buffer, body.byteOffset, body.length);
    } else {
      const drawings: LabelledDrawing[] = [];
      for (const s of page) {
        if (s.drawing === null) continue;
        const d: LabelledDrawing = { id: `digitrec/${s.id}`, label: s.label, drawing: s.drawing };
        if (s.sessionId !== null) d.group = s.sessionId;
        drawings.push(d);
      }
      if (drawings.length > 0) yield formatStrokesJsonl(drawings);
    }
    first = false;
    await new Promise((r) => setImmediate(r));
  }
  if (first && format === 'csv') {
    const header = encodeDigitCsv({
      n: 0,
      width: CANONICAL_SIZE,
      height: CANONICAL_SIZE,
      pixels: new Uint8Array(0),
      labels: new Uint8Array(0),
    });
    yield Buffer.from(header);
  }
}

/** Runs `f` over `items` in chunks, yielding to the event loop between them. */
async function mapInChunks<T, U>(items: readonly T[], f: (item: T, i: number) => U): Promise<U[]> {
  const out: U[] = [];
  const CHUNK = 200;
  for (let start = 0; start < items.length; start += CHUNK) {
    for (let i = start; i < Math.min(items.length, start + CHUNK); i++) out.push(f(items[i], i));
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

function decodeText(bytes: Buffer, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, `${source}: not UTF-8 text`);
  }
}

/**
 * Parses a JSON request body: empty and malformed bodies are 400s saying so (with the parser's
 * position), and `__proto__` / `constructor` keys are refused outright, so no handler can be fed
 * a prototype-polluting object.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new HttpError(400, 'empty body: expected a JSON object');
  let value: unknown;
  try {
    // No reviver: it would make parsing several times slower for every request.
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `malformed JSON body: ${(err as Error).message}`);
  }
  rejectPrototypeKeys(text, value);
  return value;
}

/** Seconds a client is asked to wait (`Retry-After`) when the database is busy or full. */
export const STORE_RETRY_AFTER_S = 1;

/**
 * The answer to a SQLite error that is the database's state, not a bug: 503 while another
 * connection holds the lock (after the store's short busy timeout), 507 when the disk is full.
 */
function storeUnavailable(err: Error): { status: number; message: string } | undefined {
  const code = (err as { code?: unknown }).code;
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

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message });
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
  if (options.dbPath === ':memory:' || options.dbPath === '')
    throw new TypeError(
      `dbPath must be a file (the retraining worker reads it and the model versions live beside it), got ${JSON.stringify(options.dbPath)}`,
    );
  const adminToken = options.adminToken || undefined;
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const limits = resolveServerLimits(options.server);
  const rates = options.rateLimits === false ? undefined : resolveRateLimits(options.rateLimits);
  const allowedHosts = options.allowedHosts ?? [];
  const store: SampleStore = openStore(options.dbPath, { ...options.store, now: options.now });

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
    // Errors are logged by the error handler; one line per request would drown them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.jsonBodyBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  app.server.maxConnections = limits.maxConnections;
  let registry: ModelRegistry;
  try {
    registry = new ModelRegistry(
      store,
      options.modelsDir ?? join(dirname(resolve(options.dbPath)), 'models'),
      { model: baseModel, path: modelPath },
      { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) },
    );
  } catch (err) {
    store.close();
    throw err;
  }
  /** The serving model, read per request: promotion swaps it. */
  const serving = () => registry.current;
  const retrainer = new Retrainer({
    registry,
    dbPath: resolve(options.dbPath),
    config: () => retrainConfig ?? defaultRetrainConfig(),
    now: options.now,
    log: (m) => app.log.info(m),
    promotion: options.promotion,
  });
  // Each event stream listens to the retrainer, and each is a connection: allow one per connection
  // instead of warning of a leak at Node's default of 10.
  retrainer.setMaxListeners(limits.maxConnections + 1);
  // A running job is stopped before the server waits for open connections (its event streams
  // end with it); the store closes last.
  app.addHook('preClose', async () => retrainer.close());
  app.addHook('onClose', async () => store.close());
  // JSON only, except where a route's plugin below adds image or file parsers.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
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
  app.register(fastifyHelmet, {
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

  // The routes go in a plugin registered after the ones above, so that their route hooks
  // (compression, rate limits) see every route.
  app.register(async (app) => {
    // ---- health, model, docs ---------------------------------------------------------------------

    app.get('/healthz', async () => ({
      status: 'ok',
      modelVersion: serving().model.id,
      servingVersion: serving().version,
      samples: store.count(),
    }));

    app.get('/api/model', async (request, reply) => {
      const { model, json } = serving();
      const etag = `"${model.id}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(json);
    });

    // What a page that only collects drawings needs of the model: its canvas (not its weights).
    app.get('/api/model/canvas', async () => ({
      modelVersion: serving().model.id,
      canvas: serving().model.canvas,
    }));

    const openapi = JSON.stringify(openApiDocument(), null, 2);
    app.get('/api/openapi.json', async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(openapi),
    );

    // ---- prediction ------------------------------------------------------------------------------

    app.register(async (scope) => {
      scope.addContentTypeParser(
        ['image/png', 'image/jpeg'],
        { parseAs: 'buffer', bodyLimit: LIMITS.predictBodyBytes },
        (_request, body, done) => done(null, body),
      );
      scope.post(
        '/api/predict',
        { bodyLimit: LIMITS.predictBodyBytes, ...limited(rates?.predictPerMinute, 'predict') },
        async (request) => {
          const input = Buffer.isBuffer(request.body)
            ? { kind: 'image' as const, bytes: checkImageBytes(new Uint8Array(request.body)) }
            : parsePredictBody(request.body);
          const { recognizer, model } = serving();
          let r: Recognition;
          if (input.kind === 'drawing') r = recognizer.recognizeDrawing(input.drawing);
          else if (input.kind === 'pixels') r = recognizer.recognizeImage(input.image);
          else
            r = recognizer.recognizeImage(
              decodeImage(input.bytes, 'image', { maxSide: LIMITS.maxImageSide }),
            );
          return recognitionJson(r, model);
        },
      );
    });

    // ---- samples ---------------------------------------------------------------------------------

    app.post('/api/samples', limited(rates?.writesPerMinute, 'writes'), async (request, reply) => {
      const input = parseSampleBody(request.body);
      const { recognizer } = serving();
      const r = recognizer.recognizeDrawing(input.drawing);
      if (r.empty)
        throw new HttpError(400, 'drawing has no ink inside the canvas: nothing to store');
      if (r.verdict === 'not-a-digit' && !input.confirmNotDigit)
        throw new HttpError(
          409,
          `the model reads this drawing as not a digit; to store it as ${aDigit(input.label)} anyway, send confirmNotDigit: true`,
        );
      const sample = store.insert({
        label: input.label,
        drawing: input.drawing,
        source: input.source,
        sessionId: input.sessionId,
        pointerType: input.pointerType,
        ...analyse(recognizer, r),
      });
      return reply
        .code(201)
        .header('location', `/api/samples/${sample.id}`)
        .send(sampleJson(sample, false));
    });

    app.get('/api/samples', async (request) => {
      const q = parseListQuery(request.query);
      const { total, samples } = store.list(q.filter, { limit: q.limit, offset: q.offset });
      return {
        total,
        limit: q.limit,
        offset: q.offset,
        samples: samples.map((s) => sampleJson(s, false)),
      };
    });

    app.get('/api/samples/export', async (request, reply) => {
      const { format, filter } = parseExportQuery(request.query);
      const name = format === 'csv' ? 'digitrec-samples.csv' : 'digitrec-samples.strokes.jsonl';
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(exportChunks(store, format, filter)));
    });

    app.get('/api/samples/:id', async (request) => {
      const id = parseId((request.params as { id: string }).id);
      const s = store.get(id);
      if (!s) throw new HttpError(404, `no sample ${id}`);
      return sampleJson(s, true);
    });

    app.patch('/api/samples/:id', adminRoute, async (request) => {
      const id = parseId((request.params as { id: string }).id);
      const { label } = parseRelabelBody(request.body);
      const s = store.relabel(id, label);
      if (!s) throw new HttpError(404, `no sample ${id}`);
      return sampleJson(s, false);
    });

    app.delete('/api/samples/:id', adminRoute, async (request, reply) => {
      const id = parseId((request.params as { id: string }).id);
      if (!store.delete(id)) throw new HttpError(404, `no sample ${id}`);
      return reply.code(204).send();
    });

    app.register(async (scope) => {
      // Import files arrive as raw bytes whatever their type (text/csv, application/x-ndjson, …).
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: LIMITS.importBodyBytes },
        (_request, body, done) => done(null, body),
      );
      scope.post(
        '/api/samples/import',
        { ...adminRoute, bodyLimit: LIMITS.importBodyBytes },
        async (request, reply) => {
          const { format } = parseImportQuery(request.query);
          if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
            throw new HttpError(400, 'empty body: send the file as the request body');
          }
          const source = `upload.${format}`;
          const text = decodeText(request.body, source);
          const samples = await importSamples(serving().recognizer, format, text, source);
          const imported = store.insertMany(samples);
          return reply.code(201).send({ imported, total: store.count() });
        },
      );
    });

    // ---- stats -----------------------------------------------------------------------------------

    app.get('/api/stats', async (request) => {
      const filter = parseFilter(request.query);
      const stats = store.stats(filter);
      const all = filter.sessionId === undefined ? stats : store.stats({});
      // The collect page asks for the least-collected digit over all samples (the smallest on ties).
      const next = all.byLabel.indexOf(Math.min(...all.byLabel));
      return { ...stats, next };
    });

    // ---- model versions and retraining ----------------------------------------------------------

    const versionJson = (v: ModelVersion) => ({
      version: v.version,
      modelId: v.modelId,
      createdAt: v.createdAt,
      promotedAt: v.promotedAt,
      status: v.status,
      // Summaries written by older versions name the base model by its absolute path.
      summary: redactPaths(v.summary),
      metrics: redactPaths(v.metrics),
      report: v.report ? `/api/models/${v.version}/report` : null,
    });

    app.get('/api/models', async () => ({
      serving: serving().version,
      versions: registry.list().map(versionJson),
    }));

    app.get('/api/models/:version/report', async (request, reply) => {
      const version = parseVersion((request.params as { version: string }).version);
      const v = registry.get(version);
      if (!v) throw new HttpError(404, `no model version ${version}`);
      if (!v.report) throw new HttpError(404, `model version ${version} has no report`);
      let html: Buffer;
      try {
        html = readFileSync(registry.path(v.report));
      } catch {
        throw new HttpError(404, `the report of model version ${version} is missing (${v.report})`);
      }
      // The report is self-contained (inline CSS and SVG, data: images, no scripts).
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
        )
        .send(html);
    });

    app.post('/api/admin/models/:version/promote', adminRoute, async (request) => {
      const version = parseVersion((request.params as { version: string }).version);
      const v = registry.promote(version);
      app.log.info(`model version ${version} (${v.modelId}) promoted by an admin`);
      return versionJson(v);
    });

    app.post('/api/admin/train', adminRoute, async (_request, reply) => {
      const job = retrainer.start();
      return reply.code(202).header('location', '/api/admin/train').send(job);
    });

    app.get('/api/admin/train', adminRoute, async (_request) => {
      // As the worker will split them: with none held out, a new model cannot be promoted.
      const heldOutDrawings = splitHeldOut(readSampleStore(options.dbPath).drawings).heldOut.length;
      return { job: retrainer.state, heldOutDrawings };
    });

    app.delete('/api/admin/train', adminRoute, async (_request) => {
      return retrainer.cancel();
    });

    app.get('/api/admin/train/events', adminRoute, async (_request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (type: string, data: unknown) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      const state: JobState | null = retrainer.state;
      send('state', { job: state });
      if (state?.status !== 'running') {
        send('done', { job: state });
        res.end();
        return;
      }
      // A comment line now and then keeps proxies from closing an idle stream.
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15000);
      const stop = () => {
        clearInterval(heartbeat);
        retrainer.off('event', listener);
      };
      const listener = (e: JobEvent) => {
        if (e.job.id !== state.id) return;
        if (e.type === 'log') send('log', { line: e.line });
        else send(e.type, { job: e.job });
        if (e.type === 'done') {
          stop();
          res.end();
        }
      };
      retrainer.on('event', listener);
      res.on('close', stop);
    });

    // ---- pages -----------------------------------------------------------------------------------

    if (existsSync(webRoot)) {
      app.register(fastifyStatic, {
        root: webRoot,
        index: false,
        wildcard: true,
        // Source maps would show the sources: only when asked for (development).
        allowedPath: (path) => options.sourceMaps === true || !path.endsWith('.map'),
      });
      for (const [path, file] of Object.entries(PAGES)) {
        app.get(path, async (_request, reply) => reply.sendFile(file));
      }
    } else {
      for (const path of Object.keys(PAGES)) {
        app.get(path, async (_request, reply) =>
          sendError(reply, 503, `the web app is not built (no ${webRoot}): run npm run build`),
        );
      }
    }
  });

  return app;
}

/** Parses an import file and turns every item into a sample (canonical image and prediction). */
async function importSamples(
  recognizer: Recognizer,
  format: 'csv' | 'jsonl' | 'unipen',
  text: string,
  source: string,
): Promise<NewSample[]> {
  if (format === 'csv') {
    const set = parseDigitCsv(text, source);
    checkImportCount(set.n);
    const side = set.width * set.height;
    const indices = Array.from({ length: set.n }, (_, i) => i);
    return mapInChunks(indices, (i) => {
      const data = new Float32Array(side);
      for (let p = 0; p < side; p++) data[p] = set.pixels[i * side + p] / 255;
      const img: GrayImage = { width: set.width, height: set.height, data };
      const r = recognizer.recognizeImage(img);
      return {
        label: set.labels[i],
        drawing: null,
        source: 'import' as const,
        sessionId: set.groups?.[i] ?? null,
        pointerType: null,
        ...analyse(recognizer, r),
      };
    });
  }
  const drawings = format === 'jsonl' ? parseStrokesJsonl(text, source) : parseUnipen(text, source);
  checkImportCount(drawings.length);
  return mapInChunks(drawings, (d) => {
    // The file's parser checked the format; the API's limits apply on top.
    const drawing = parseDrawing(d.drawing, `${source} drawing ${JSON.stringify(d.id)}`);
    const r = recognizer.recognizeDrawing(drawing);
    return {
      label: d.label,
      drawing,
      source: 'import' as const,
      sessionId: d.group !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(d.group) ? d.group : null,
      pointerType: null,
      ...analyse(recognizer, r),
    };
  });
}

function checkImportCount(n: number): void {
  if (n === 0) throw new HttpError(400, 'the file holds no samples');
  if (n > LIMITS.importSamples) {
    throw new HttpError(
      413,
      `the file holds ${n} samples; one import may add at most ${LIMITS.importSamples}`,
    );
  }
}

function notFoundPage(path: string): string {
  const safe = path.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>Not found — digitrec</title><link rel="stylesheet" href="/style.css"><main class="page"><h1>Not found</h1><p>There is no page at <code>${safe}</code>.</p><p><a href="/">Draw a digit</a></p></main>`;
}
