/** The sample store over HTTP: store, list, read, relabel and delete samples, and their counts. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  FilterQuery,
  IdParams,
  ListQuery,
  NoBody,
  Refs,
  RelabelBody,
  SampleBody,
  SamplePage,
} from '../../contracts/schemas.js';
import type { Recognition, Recognizer } from '../../core/contracts.js';
import { aDigit } from '../../core/percent.js';
import { imageToBytes } from '../../core/preprocess.js';
import type { Sample } from '../../data/store.js';
import { HttpError } from '../http-error.js';
import { filterOf, sampleInput } from '../validate.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, errorResponse, type RouteContext } from './context.js';

/** How a sample is reported: metadata and the canonical image as base64; strokes on request. */
export function sampleJson(s: Sample, withStrokes: boolean) {
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
export function analyse(recognizer: Recognizer, r: Recognition) {
  return {
    image: imageToBytes(r.canonical),
    modelVersion: recognizer.model.id,
    predicted: r.empty ? null : r.digit,
    confidence: r.empty ? null : r.confidence,
    // Marked for retraining to skip until relabelled (the person's word is not enough there).
    notDigit: r.verdict === 'not-a-digit',
  };
}

const noSample = errorResponse('No such sample.');
const badId = errorResponse('A bad id.');

export const sampleRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { store, serving, limited, rates, adminRoute },
) => {
  app.post(
    '/api/samples',
    {
      ...limited(rates?.writesPerMinute, 'writes'),
      schema: {
        summary: 'Store a labelled drawing (collect page, or feedback on the draw page).',
        description:
          'The server rasterises the strokes, stores the canonical image, and records the ' +
          'prediction and confidence its model gives, with the model version.',
        body: SampleBody,
        response: {
          201: Refs.Sample('Stored; Location names it.'),
          400: errorResponse('Malformed body, bad label, bad drawing, or no ink.'),
          409: errorResponse(
            'The model reads the drawing as not a digit and confirmNotDigit is not true.',
          ),
          413: errorResponse('Body too large.'),
          415: errorResponse('Not JSON.'),
        },
      },
    },
    async (request, reply) => {
      const input = sampleInput(request.body);
      const { recognizer } = serving();
      const r = recognizer.recognizeDrawing(input.drawing);
      if (r.empty)
        throw new HttpError(400, 'drawing has no ink inside the canvas: nothing to store');
      if (r.verdict === 'not-a-digit' && !input.confirmNotDigit)
        throw new HttpError(
          409,
          `the model reads this drawing as not a digit; to store it as ${aDigit(input.label)} anyway, send confirmNotDigit: true`,
        );
      const sample = await store.insert({
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
    },
  );

  app.get(
    '/api/samples',
    {
      schema: {
        summary: 'Samples, newest first, one page at a time.',
        querystring: ListQuery,
        response: { 200: SamplePage, 400: errorResponse('A bad filter or page parameter.') },
      },
    },
    async (request) => {
      const q = { filter: filterOf(request.query), ...request.query };
      const { total, samples } = await store.list(q.filter, { limit: q.limit, offset: q.offset });
      return {
        total,
        limit: q.limit,
        offset: q.offset,
        samples: samples.map((s) => sampleJson(s, false)),
      };
    },
  );

  app.get(
    '/api/samples/:id',
    {
      schema: {
        summary: 'One sample with its strokes.',
        params: IdParams,
        response: { 200: Refs.Sample(), 400: badId, 404: noSample },
      },
    },
    async (request) => {
      const id = Number(request.params.id);
      const s = await store.get(id);
      if (!s) throw new HttpError(404, `no sample ${id}`);
      return sampleJson(s, true);
    },
  );

  app.patch(
    '/api/samples/:id',
    {
      ...adminRoute,
      schema: {
        summary: 'Relabel a sample (admin).',
        security: ADMIN_SECURITY,
        params: IdParams,
        body: RelabelBody,
        response: {
          200: Refs.Sample(),
          400: errorResponse('A bad id or label.'),
          ...ADMIN_ERRORS,
          404: noSample,
        },
      },
    },
    async (request) => {
      const id = Number(request.params.id);
      const { label } = request.body;
      const s = await store.relabel(id, label);
      if (!s) throw new HttpError(404, `no sample ${id}`);
      return sampleJson(s, false);
    },
  );

  app.delete(
    '/api/samples/:id',
    {
      ...adminRoute,
      schema: {
        summary: 'Delete a sample (admin).',
        security: ADMIN_SECURITY,
        params: IdParams,
        response: {
          204: NoBody('Deleted.'),
          400: badId,
          ...ADMIN_ERRORS,
          404: noSample,
        },
      },
    },
    async (request, reply) => {
      const id = Number(request.params.id);
      if (!(await store.delete(id))) throw new HttpError(404, `no sample ${id}`);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/stats',
    {
      schema: {
        summary: 'Counts by digit, source and UTC day, and the digit to collect next.',
        querystring: FilterQuery,
        response: { 200: Refs.Stats(), 400: errorResponse('A bad filter.') },
      },
    },
    async (request) => {
      const filter = filterOf(request.query);
      const stats = await store.stats(filter);
      const all = filter.sessionId === undefined ? stats : await store.stats({});
      // The collect page asks for the least-collected digit over all samples (the smallest on ties).
      const next = all.byLabel.indexOf(Math.min(...all.byLabel));
      return { ...stats, next };
    },
  );
};
