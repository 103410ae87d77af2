/** `POST /api/recognize-number`: read the number written as several digits side by side. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIMITS } from '../../contracts/limits.js';
import { NumberBody, Refs } from '../../contracts/schemas.js';
import { numberInput } from '../validate.js';
import { errorResponse, type RouteContext } from './context.js';

export const numberRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  scope,
  { serving, pool, limited, rates },
) => {
  scope.post(
    '/api/recognize-number',
    {
      ...limited(rates?.predictPerMinute, 'predict'),
      schema: {
        summary: 'Read a number written as several digits side by side.',
        description:
          `The strokes are grouped into digits (at most ${LIMITS.numberStrokes} strokes, so at most ` +
          `${LIMITS.numberCandidates} candidate digits of 1–3 strokes are read), each digit read, ` +
          'and the number answered with a confidence per digit and for the whole, the unsure ' +
          'digits marked, and the most probable alternatives. Shares the predict budget.',
        body: NumberBody,
        response: {
          200: Refs.NumberReading(),
          400: errorResponse('Malformed body, a bad drawing, too many strokes or bad hints.'),
          413: errorResponse('Body too large.'),
          415: errorResponse('Not JSON.'),
        },
      },
    },
    async (request) => {
      const { drawing, hints } = numberInput(request.body);
      return pool.readNumber(serving(), drawing, hints);
    },
  );
};
