/** Health, the serving model and this API's OpenAPI document. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health, ModelCanvas, NoBody, Other } from '../../contracts/schemas.js';
import type { RouteContext } from './context.js';

export const healthRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { store, serving },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the serving model id and version, and the number of samples.',
        response: { 200: Health },
      },
    },
    async () => ({
      status: 'ok' as const,
      modelVersion: serving().model.id,
      servingVersion: serving().version,
      samples: await store.count(),
    }),
  );

  app.get(
    '/api/model',
    {
      schema: {
        summary: 'The model file the server recognises with (the page runs it in the browser).',
        description: 'ETag is the model id; If-None-Match gives 304.',
        response: {
          200: Other<string>('The model file.'),
          304: NoBody('Not modified.'),
        },
      },
    },
    async (request, reply) => {
      const { model, json } = serving();
      const etag = `"${model.id}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  // What a page that only collects drawings needs of the model: its canvas (not its weights).
  app.get(
    '/api/model/canvas',
    {
      schema: {
        summary:
          "The serving model's canvas (side and brush width), for pages that draw but do not recognise.",
        response: { 200: ModelCanvas },
      },
    },
    async () => ({
      modelVersion: serving().model.id,
      canvas: serving().model.canvas,
    }),
  );

  let openapi: string | undefined;
  app.get(
    '/api/openapi.json',
    {
      schema: {
        summary: 'This document.',
        response: { 200: Other<string>('OpenAPI 3.1.') },
      },
    },
    async (_request, reply) => {
      openapi ??= JSON.stringify(app.swagger(), null, 2);
      return reply.type('application/json; charset=utf-8').send(openapi);
    },
  );
};
