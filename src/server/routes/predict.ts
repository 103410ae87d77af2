/** `POST /api/predict`: recognise a drawing, a pixel array or an uploaded PNG/JPEG. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIMITS } from '../../contracts/limits.js';
import { PredictBody, Refs } from '../../contracts/schemas.js';
import type { ModelFile } from '../../core/contracts.js';
import type { PoolRecognition } from '../recognition-protocol.js';
import { checkImageBytes, predictInput } from '../validate.js';
import { errorResponse, type RouteContext } from './context.js';

/** How a recognition is reported by `POST /api/predict`. */
function recognitionJson(r: PoolRecognition, model: ModelFile) {
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

/** An image upload's body: its bytes, as they came. */
const IMAGE_BODY = { schema: { description: 'The image file.' } };

export const predictRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  scope,
  { serving, pool, limited, rates },
) => {
  scope.addContentTypeParser(
    ['image/png', 'image/jpeg'],
    { parseAs: 'buffer', bodyLimit: LIMITS.predictBodyBytes },
    (_request, body, done) => done(null, body),
  );
  scope.post(
    '/api/predict',
    {
      bodyLimit: LIMITS.predictBodyBytes,
      ...limited(rates?.predictPerMinute, 'predict'),
      schema: {
        summary: 'Recognise a drawing, a pixel array, or a PNG/JPEG image.',
        body: {
          content: {
            'application/json': { schema: PredictBody },
            'image/png': IMAGE_BODY,
            'image/jpeg': IMAGE_BODY,
          },
        },
        response: {
          200: Refs.Recognition(),
          400: errorResponse('Malformed body, bad drawing, bad pixels or a broken image.'),
          413: errorResponse('Body too large.'),
          415: errorResponse('Not JSON, PNG or JPEG.'),
        },
      },
    },
    async (request) => {
      const input = Buffer.isBuffer(request.body)
        ? { kind: 'image' as const, bytes: checkImageBytes(new Uint8Array(request.body)) }
        : predictInput(request.body as PredictBody);
      const current = serving();
      return recognitionJson(await pool.read(current, input), current.model);
    },
  );
};
