/**
 * The API's OpenAPI 3.1 document, written by hand from the routes in `app.ts` and the limits in
 * `validate.ts`. Served at `GET /api/openapi.json`; a test checks it lists every route.
 */

import { VERDICTS } from '../core/contracts.js';
import { MODEL_STATUSES, SAMPLE_SOURCES } from '../data/store.js';
import {
  CLIENT_SOURCES,
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  LIMITS,
  POINTER_TYPES,
} from './validate.js';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

const filterParams = [
  { name: 'label', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 9 } },
  { name: 'source', in: 'query', schema: { type: 'string', enum: SAMPLE_SOURCES } },
  { name: 'session', in: 'query', schema: { type: 'string', pattern: LIMITS.sessionId.source } },
  {
    name: 'mispredicted',
    in: 'query',
    description: 'Only samples whose stored prediction differs from the label.',
    schema: { type: 'boolean' },
  },
];

const versionParam = {
  name: 'version',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

const jobRef = { $ref: '#/components/schemas/TrainingJob' };

const adminSecurity = [{ adminToken: [] }];
const adminErrors = {
  401: error('Missing or wrong admin token.'),
  403: error('Admin actions are off: the server has no DIGITREC_ADMIN_TOKEN.'),
};

/** The document. */
export function openApiDocument(): object {
  return withServerResponses(document());
}

/** Routes that write to the store (503 while another process holds its lock, 507 when full). */
const WRITES = new Set([
  'post /api/samples',
  'patch /api/samples/{id}',
  'delete /api/samples/{id}',
  'post /api/samples/import',
]);

/**
 * Adds the answers every route can give: 421 for a foreign `Host`, 429 over a budget (predict,
 * new samples, admin requests with a wrong token), 503/507 on writes.
 */
function withServerResponses(doc: ReturnType<typeof document>): object {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const key = `${method} ${path}`;
      op.responses[421] = error('The Host header names a host this server does not serve.');
      if (key === 'post /api/predict' || key === 'post /api/samples' || op.security)
        op.responses[429] = error(
          'Over the budget of requests a minute from this address (see Retry-After).',
        );
      if (WRITES.has(key)) {
        op.responses[503] = error(
          'The database is busy (locked by another process): retry after Retry-After.',
        );
        op.responses[507] = error('The database is full: nothing was stored.');
      }
    }
  }
  return doc;
}

interface Operation {
  security?: unknown;
  responses: Record<string, unknown>;
}

function document() {
  return {
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
      schemas: {
        Error: {
          type: 'object',
          required: ['statusCode', 'error', 'message'],
          properties: {
            statusCode: { type: 'integer' },
            error: { type: 'string' },
            message: { type: 'string' },
          },
        },
        Point: {
          description: '{x, y, t?} or, as in strokes JSONL, [x, y] / [x, y, t].',
          oneOf: [
            {
              type: 'object',
              required: ['x', 'y'],
              additionalProperties: false,
              properties: {
                x: { type: 'number', description: 'Canvas pixels from the left.' },
                y: { type: 'number', description: 'Canvas pixels from the top.' },
                t: {
                  type: 'number',
                  minimum: 0,
                  maximum: LIMITS.maxTimestampMs,
                  description: 'Milliseconds since the drawing started.',
                },
              },
            },
            { type: 'array', minItems: 2, maxItems: 3, items: { type: 'number' } },
          ],
        },
        Drawing: {
          type: 'object',
          required: ['strokes', 'width', 'height', 'brushWidth'],
          additionalProperties: false,
          properties: {
            strokes: {
              type: 'array',
              maxItems: LIMITS.strokes,
              items: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/Point' } },
            },
            width: { type: 'integer', minimum: LIMITS.minCanvas, maximum: LIMITS.maxCanvas },
            height: { type: 'integer', minimum: LIMITS.minCanvas, maximum: LIMITS.maxCanvas },
            brushWidth: { type: 'number', exclusiveMinimum: 0, maximum: LIMITS.maxBrushWidth },
          },
        },
        Recognition: {
          type: 'object',
          properties: {
            empty: { type: 'boolean', description: 'No ink: nothing below is a prediction.' },
            digit: { type: 'integer', minimum: -1, maximum: 9 },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
            probabilities: { type: 'array', items: { type: 'number' }, minItems: 10, maxItems: 10 },
            accepted: {
              type: 'boolean',
              description:
                'true only for an accepted digit (verdict "digit"); when false, the verdict says why.',
            },
            verdict: {
              type: 'string',
              enum: [...VERDICTS],
              description:
                'digit: accepted; unsure: confidence below the threshold between digits (ask for a redraw); not-a-digit: the not-a-digit reader says the drawing is no digit; empty: no ink.',
            },
            notDigit: {
              type: ['number', 'null'],
              minimum: 0,
              maximum: 1,
              description:
                'P(not a digit) of the not-a-digit reader for a drawing; null for plain images or a model without one.',
            },
            top2: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
            threshold: { type: 'number' },
            modelVersion: { type: 'string' },
          },
        },
        Sample: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            label: { type: 'integer', minimum: 0, maximum: 9 },
            source: { type: 'string', enum: SAMPLE_SOURCES },
            sessionId: { type: ['string', 'null'] },
            pointerType: { type: ['string', 'null'] },
            modelVersion: { type: ['string', 'null'] },
            predicted: { type: ['integer', 'null'] },
            confidence: { type: ['number', 'null'] },
            notDigit: {
              type: 'boolean',
              description:
                'The model read the drawing as not a digit and the label was confirmed anyway: retraining skips it until it is relabelled (PATCH clears the mark).',
            },
            createdAt: { type: 'string', format: 'date-time' },
            canvas: { type: ['object', 'null'] },
            strokeCount: { type: 'integer' },
            image: {
              type: 'string',
              contentEncoding: 'base64',
              description: 'The canonical 28×28 image, 784 bytes row-major, ink 255.',
            },
            drawing: {
              $ref: '#/components/schemas/Drawing',
              description: 'Only from GET /api/samples/{id}; null for image-only imports.',
            },
          },
        },
        ModelVersion: {
          type: 'object',
          properties: {
            version: { type: 'integer' },
            modelId: { type: 'string' },
            createdAt: { type: 'string', format: 'date-time' },
            promotedAt: { type: ['string', 'null'], format: 'date-time' },
            status: {
              type: 'string',
              enum: MODEL_STATUSES,
              description:
                'serving (exactly one); candidate: trained but not compared (no held-out app ' +
                'drawings) or the serving model changed meanwhile; candidate-rejected: worse than ' +
                'the serving model on the held-out app drawings; retired: served before.',
            },
            summary: {
              type: 'object',
              description:
                'Where it came from: origin, sources, app samples used, rows, features, C, seconds, reason.',
            },
            metrics: {
              type: 'object',
              description:
                'By data set (cv: out-of-fold; heldOut: the held-out app drawings, with the ' +
                'accuracy of the model it was compared with; mnistTest): n, accuracy, redrawRate, ' +
                'acceptedAccuracy.',
            },
            report: { type: ['string', 'null'], description: 'URL of its HTML report.' },
          },
        },
        TrainingJob: {
          type: 'object',
          description:
            'A retraining job. Progress is per phase (features of each source, cross-validation, ' +
            'evaluate); etaSeconds is the time left in the current phase at its rate so far.',
          properties: {
            id: { type: 'integer' },
            status: { type: 'string', enum: ['running', 'succeeded', 'failed', 'cancelled'] },
            startedAt: { type: 'string', format: 'date-time' },
            finishedAt: { type: ['string', 'null'], format: 'date-time' },
            phase: { type: ['string', 'null'] },
            label: { type: ['string', 'null'] },
            done: { type: 'integer' },
            total: { type: 'integer' },
            etaSeconds: { type: ['number', 'null'] },
            elapsedSeconds: { type: 'number' },
            log: { type: 'array', items: { type: 'string' } },
            error: { type: ['string', 'null'] },
            result: {
              type: ['object', 'null'],
              description:
                'The new version: version, modelId, status, promoted, reason, comparedWith, ' +
                'heldOut {n, candidateAccuracy, servingAccuracy}, seconds.',
            },
          },
        },
        Stats: {
          type: 'object',
          properties: {
            total: { type: 'integer' },
            byLabel: { type: 'array', items: { type: 'integer' }, minItems: 10, maxItems: 10 },
            bySource: { type: 'object', additionalProperties: { type: 'integer' } },
            byDay: {
              type: 'array',
              items: {
                type: 'object',
                properties: { day: { type: 'string', format: 'date' }, count: { type: 'integer' } },
              },
            },
            next: {
              type: 'integer',
              description: 'The least-collected digit over all samples (smallest on ties).',
            },
          },
        },
      },
    },
    paths: {
      '/healthz': {
        get: {
          summary: 'Liveness: the serving model id and version, and the number of samples.',
          responses: { 200: json({ type: 'object' }) },
        },
      },
      '/api/model': {
        get: {
          summary: 'The model file the server recognises with (the page runs it in the browser).',
          description: 'ETag is the model id; If-None-Match gives 304.',
          responses: { 200: json({ type: 'object' }), 304: { description: 'Not modified.' } },
        },
      },
      '/api/model/canvas': {
        get: {
          summary:
            "The serving model's canvas (side and brush width), for pages that draw but do not recognise.",
          responses: {
            200: json({
              type: 'object',
              properties: {
                modelVersion: { type: 'string' },
                canvas: {
                  type: 'object',
                  properties: { size: { type: 'integer' }, brushWidth: { type: 'number' } },
                },
              },
            }),
          },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document.', responses: { 200: json({ type: 'object' }) } },
      },
      '/api/predict': {
        post: {
          summary: 'Recognise a drawing, a pixel array, or a PNG/JPEG image.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      type: 'object',
                      required: ['drawing'],
                      properties: { drawing: { $ref: '#/components/schemas/Drawing' } },
                    },
                    {
                      type: 'object',
                      required: ['pixels', 'width', 'height'],
                      properties: {
                        pixels: {
                          type: 'array',
                          items: { type: 'number', minimum: 0, maximum: 255 },
                          description: 'Row-major gray levels 0–255, either polarity.',
                        },
                        width: { type: 'integer', minimum: 1, maximum: LIMITS.maxPixelsSide },
                        height: { type: 'integer', minimum: 1, maximum: LIMITS.maxPixelsSide },
                      },
                    },
                    {
                      type: 'object',
                      required: ['image'],
                      properties: {
                        image: {
                          type: 'string',
                          description: 'A PNG or JPEG, base64 (a data: URL is accepted).',
                        },
                      },
                    },
                  ],
                },
              },
              'image/png': { schema: { type: 'string', format: 'binary' } },
              'image/jpeg': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: {
            200: json({ $ref: '#/components/schemas/Recognition' }),
            400: error('Malformed body, bad drawing, bad pixels or a broken image.'),
            413: error('Body too large.'),
            415: error('Not JSON, PNG or JPEG.'),
          },
        },
      },
      '/api/samples': {
        get: {
          summary: 'Samples, newest first, one page at a time.',
          parameters: [
            ...filterParams,
            {
              name: 'limit',
              in: 'query',
              schema: {
                type: 'integer',
                minimum: 1,
                maximum: LIMITS.maxPageSize,
                default: LIMITS.defaultPageSize,
              },
            },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ],
          responses: {
            200: json({
              type: 'object',
              properties: {
                total: { type: 'integer' },
                limit: { type: 'integer' },
                offset: { type: 'integer' },
                samples: { type: 'array', items: { $ref: '#/components/schemas/Sample' } },
              },
            }),
            400: error('A bad filter or page parameter.'),
          },
        },
        post: {
          summary: 'Store a labelled drawing (collect page, or feedback on the draw page).',
          description:
            'The server rasterises the strokes, stores the canonical image, and records the ' +
            'prediction and confidence its model gives, with the model version.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['label', 'drawing', 'source'],
                  additionalProperties: false,
                  properties: {
                    label: { type: 'integer', minimum: 0, maximum: 9 },
                    drawing: { $ref: '#/components/schemas/Drawing' },
                    source: { type: 'string', enum: CLIENT_SOURCES },
                    sessionId: { type: 'string', pattern: LIMITS.sessionId.source },
                    pointerType: { type: 'string', enum: POINTER_TYPES },
                    confirmNotDigit: {
                      type: 'boolean',
                      description:
                        'The person confirmed that a drawing the model reads as not a digit is this digit; without it such a drawing is refused (409).',
                    },
                  },
                },
              },
            },
          },
          responses: {
            201: json({ $ref: '#/components/schemas/Sample' }, 'Stored; Location names it.'),
            400: error('Malformed body, bad label, bad drawing, or no ink.'),
            409: error(
              'The model reads the drawing as not a digit and confirmNotDigit is not true.',
            ),
            413: error('Body too large.'),
            415: error('Not JSON.'),
          },
        },
      },
      '/api/samples/export': {
        get: {
          summary: 'All samples (matching the filters) as digit CSV or strokes JSONL.',
          description: "CSV holds every sample's canonical image; JSONL only samples with strokes.",
          parameters: [
            {
              name: 'format',
              in: 'query',
              required: true,
              schema: { type: 'string', enum: EXPORT_FORMATS },
            },
            ...filterParams,
          ],
          responses: {
            200: {
              description: 'The file, as an attachment.',
              content: {
                'text/csv': { schema: { type: 'string' } },
                'application/x-ndjson': { schema: { type: 'string' } },
              },
            },
            400: error('Missing or unknown format, or a bad filter.'),
          },
        },
      },
      '/api/samples/import': {
        post: {
          summary: 'Add the samples of a digit CSV, strokes JSONL or UNIPEN file (admin).',
          description:
            'All or nothing: a malformed file adds nothing and the error names its line.',
          security: adminSecurity,
          parameters: [
            {
              name: 'format',
              in: 'query',
              required: true,
              schema: { type: 'string', enum: IMPORT_FORMATS },
            },
          ],
          requestBody: {
            required: true,
            content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            201: json({
              type: 'object',
              properties: { imported: { type: 'integer' }, total: { type: 'integer' } },
            }),
            400: error('Missing format, a malformed file, or a drawing outside the limits.'),
            ...adminErrors,
            413: error('File too large or too many samples.'),
          },
        },
      },
      '/api/samples/{id}': {
        get: {
          summary: 'One sample with its strokes.',
          parameters: [idParam],
          responses: {
            200: json({ $ref: '#/components/schemas/Sample' }),
            400: error('A bad id.'),
            404: error('No such sample.'),
          },
        },
        patch: {
          summary: 'Relabel a sample (admin).',
          security: adminSecurity,
          parameters: [idParam],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['label'],
                  additionalProperties: false,
                  properties: { label: { type: 'integer', minimum: 0, maximum: 9 } },
                },
              },
            },
          },
          responses: {
            200: json({ $ref: '#/components/schemas/Sample' }),
            400: error('A bad id or label.'),
            ...adminErrors,
            404: error('No such sample.'),
          },
        },
        delete: {
          summary: 'Delete a sample (admin).',
          security: adminSecurity,
          parameters: [idParam],
          responses: {
            204: { description: 'Deleted.' },
            400: error('A bad id.'),
            ...adminErrors,
            404: error('No such sample.'),
          },
        },
      },
      '/api/models': {
        get: {
          summary: 'Model versions, newest first, with their metrics, and the serving version.',
          responses: {
            200: json({
              type: 'object',
              properties: {
                serving: { type: 'integer' },
                versions: { type: 'array', items: { $ref: '#/components/schemas/ModelVersion' } },
              },
            }),
          },
        },
      },
      '/api/models/{version}/report': {
        get: {
          summary:
            'The self-contained HTML report of a version (a retrained one beside the model that served before it).',
          parameters: [versionParam],
          responses: {
            200: { description: 'OK', content: { 'text/html': { schema: { type: 'string' } } } },
            400: error('A bad version.'),
            404: error('No such version, or it has no report.'),
          },
        },
      },
      '/api/admin/models/{version}/promote': {
        post: {
          summary: 'Serve a version: promote a candidate or restore an earlier model (admin).',
          description:
            "The version's file is loaded first; then one transaction marks it serving and retires the previous one.",
          security: adminSecurity,
          parameters: [versionParam],
          responses: {
            200: json({ $ref: '#/components/schemas/ModelVersion' }),
            400: error('A bad version.'),
            ...adminErrors,
            404: error('No such version.'),
            409: error("The version's model file is missing or corrupt; nothing changed."),
          },
        },
      },
      '/api/admin/train': {
        post: {
          summary: 'Start retraining in a worker thread (admin).',
          description:
            'Trains on the configured sources plus the app samples of writers outside the held-out ' +
            'fifth (sessions by hash), evaluates the candidate and the serving model on the ' +
            'held-out drawings, stores it as a new version with a report, and promotes it iff its ' +
            'held-out accuracy is not lower. With no held-out drawings it is kept, not promoted.',
          security: adminSecurity,
          responses: {
            202: json(jobRef, 'Started.'),
            ...adminErrors,
            409: error('A job is already running.'),
          },
        },
        get: {
          summary:
            'The running or last job (admin; `{job: null}` before the first), and how many app ' +
            'drawings a new job would hold out (0: its model cannot be promoted).',
          security: adminSecurity,
          responses: {
            200: json({
              type: 'object',
              properties: {
                job: { oneOf: [jobRef, { type: 'null' }] },
                heldOutDrawings: { type: 'integer', minimum: 0 },
              },
            }),
            ...adminErrors,
          },
        },
        delete: {
          summary: 'Cancel the running job: its worker is terminated, nothing is stored (admin).',
          security: adminSecurity,
          responses: {
            200: json(jobRef, 'The job, cancelled.'),
            ...adminErrors,
            409: error('No job is running.'),
          },
        },
      },
      '/api/admin/train/events': {
        get: {
          summary: 'The running or last job as Server-Sent Events (admin).',
          description:
            'First `state` with `{job}`; while it runs, `progress` `{job}` and `log` `{line}`; ' +
            'finally `done` `{job}`, then the stream ends (at once when no job is running).',
          security: adminSecurity,
          responses: {
            200: {
              description: 'OK',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...adminErrors,
          },
        },
      },
      '/api/stats': {
        get: {
          summary: 'Counts by digit, source and UTC day, and the digit to collect next.',
          parameters: filterParams,
          responses: {
            200: json({ $ref: '#/components/schemas/Stats' }),
            400: error('A bad filter.'),
          },
        },
      },
    },
  };
}
