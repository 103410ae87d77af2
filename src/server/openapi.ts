/**
 * The options of `@fastify/swagger`, which generates the API's OpenAPI 3.1 document from the
 * routes' schemas (`contracts/schemas.ts`). Served at `GET /api/openapi.json`; a test checks it
 * lists every route. What no single route's schema says is added here: the document's
 * description of the limits, the admin token's scheme, and the answers every route can give.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { LIMITS } from '../contracts/limits.js';

/** Routes that write to the store (503 while another process holds its lock, 507 when full). */
const WRITES = new Set([
  'post /api/samples',
  'patch /api/samples/{id}',
  'delete /api/samples/{id}',
  'post /api/samples/import',
]);

interface Operation {
  security?: unknown;
  responses: Record<string, unknown>;
}

/** A JSON error answer in the document. */
function errorAnswer(description: string) {
  return {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

/**
 * Adds the answers every route can give: 421 for a foreign `Host`, 429 over a budget (predict,
 * new samples, admin requests with a wrong token), 503/507 on writes.
 */
function withServerResponses(paths: Record<string, Record<string, Operation>>): void {
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const key = `${method} ${path}`;
      op.responses ??= {};
      op.responses[421] = errorAnswer('The Host header names a host this server does not serve.');
      if (
        key === 'post /api/predict' ||
        key === 'post /api/recognize-number' ||
        key === 'post /api/samples' ||
        op.security
      )
        op.responses[429] = errorAnswer(
          'Over the budget of requests a minute from this address (see Retry-After).',
        );
      if (WRITES.has(key)) {
        op.responses[503] = errorAnswer(
          'The database is busy (locked by another process): retry after Retry-After.',
        );
        op.responses[507] = errorAnswer('The database is full: nothing was stored.');
      }
    }
  }
}

/** The options of `@fastify/swagger`. */
export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'digitrec',
        version: '1',
        description:
          'Handwritten-digit recognition and the sample store behind the web app. Every error is ' +
          'JSON `{statusCode, error, message}` with a message naming the problem. Limits: ' +
          `JSON bodies ≤ ${LIMITS.jsonBodyBytes} bytes (predict ≤ ${LIMITS.predictBodyBytes}, import ≤ ` +
          `${LIMITS.importBodyBytes}); a drawing has ≤ ${LIMITS.strokes} strokes and ≤ ` +
          `${LIMITS.points} points, canvas sides ${LIMITS.minCanvas}–${LIMITS.maxCanvas}, brush ` +
          `width in (0, ${LIMITS.maxBrushWidth}], coordinates finite and within one canvas side of ` +
          `the canvas, timestamps 0–${LIMITS.maxTimestampMs} ms; images ≤ ${LIMITS.maxImageSide} px a side; ` +
          `imports ≤ ${LIMITS.importSamples} samples.`,
      },
      components: {
        securitySchemes: {
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The DIGITREC_ADMIN_TOKEN the server was started with.',
          },
        },
      },
    },
    // Shared schemas are components named by their `$id`.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
    transformObject: (documentObject) => {
      const doc = (documentObject as { openapiObject: { paths?: object } }).openapiObject;
      withServerResponses((doc.paths ?? {}) as Record<string, Record<string, Operation>>);
      return doc as ReturnType<NonNullable<FastifyDynamicSwaggerOptions['transformObject']>>;
    },
  };
}
