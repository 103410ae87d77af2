/**
 * What the route plugins share: the store, the model registry, the retrainer, and the route
 * options of rate-limited and admin routes, built once by `buildApp`. Also the OpenAPI pieces
 * every area's schemas use.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorAnswer } from '../../contracts/schemas.js';
import type { Store } from '../../data/store.js';
import type { ModelRegistry } from '../models.js';
import type { RecognitionPool } from '../recognition-pool.js';
import type { Retrainer } from '../retrain.js';

/** The options every route plugin is registered with. */
export interface RouteContext {
  store: Store;
  registry: ModelRegistry;
  retrainer: Retrainer;
  /** The serving model, read per request: promotion swaps it. */
  serving: () => ModelRegistry['current'];
  /** Where predict's recognitions run (worker threads, or the event loop). */
  pool: RecognitionPool;
  /** Route options of a rate-limited route (`group` shares one budget between routes). */
  limited: (max: number | undefined, group: string) => object;
  /** Requests per minute of predict and writes; undefined: no limits. */
  rates: { predictPerMinute: number; writesPerMinute: number } | undefined;
  /**
   * Route options of admin routes: the failed-token budget, then the token, checked once the
   * headers are in and before any body is read.
   */
  adminRoute: {
    preParsing: (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
    ) => Promise<unknown>;
    config?: object;
  };
}

/** An error answer of a route, for the OpenAPI document. */
export function errorResponse(description: string) {
  return ErrorAnswer(description);
}

/** The `security` of admin routes. */
export const ADMIN_SECURITY = [{ adminToken: [] }];

/** The error answers of every admin route. */
export const ADMIN_ERRORS = {
  401: errorResponse('Missing or wrong admin token.'),
  403: errorResponse('Admin actions are off: the server has no DIGITREC_ADMIN_TOKEN.'),
};
