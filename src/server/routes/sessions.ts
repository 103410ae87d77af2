/**
 * A session's handwriting: the examples the Draw page adapts its recognizer to, which are the
 * session's feedback samples with strokes (every confirmed or corrected answer), except those
 * stored as "not a digit" (junk never adapts the model).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIMITS } from '../../contracts/limits.js';
import { ExamplesQuery, SessionExamples, SessionParams } from '../../contracts/schemas.js';
import type { Drawing } from '../../core/types.js';
import { errorResponse, type RouteContext } from './context.js';

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { store }) => {
  app.get(
    '/api/sessions/:sessionId/examples',
    {
      schema: {
        summary: "A session's examples of its handwriting (its feedback drawings), oldest first.",
        description: `The newest ${LIMITS.personalExamples} feedback samples of the session with strokes, not marked "not a digit", with an id above \`after\`.`,
        params: SessionParams,
        querystring: ExamplesQuery,
        response: {
          200: SessionExamples,
          400: errorResponse('A bad session id or `after`.'),
        },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const { after } = request.query;
      const { samples } = store.list(
        { sessionId, source: 'feedback' },
        { limit: LIMITS.personalExamples, offset: 0 },
      );
      const examples = samples
        .filter((s) => s.id > after && !s.notDigit && s.drawing !== null)
        .reverse()
        .map((s) => ({
          id: s.id,
          label: s.label,
          predicted: s.predicted,
          drawing: s.drawing as Drawing,
        }));
      return { sessionId, limit: LIMITS.personalExamples, examples };
    },
  );
};
