/** `POST /api/recognize-number`: read the number written as several digits side by side. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIMITS } from '../../contracts/limits.js';
import { NumberBody, Refs } from '../../contracts/schemas.js';
import type { ModelFile } from '../../core/contracts.js';
import { type NumberReading, recognizeNumber } from '../../core/number.js';
import { numberInput } from '../validate.js';
import { errorResponse, type RouteContext } from './context.js';

/** How a number reading is reported. */
export function numberReadingJson(r: NumberReading, model: ModelFile, threshold: number) {
  return {
    empty: r.empty,
    number: r.number,
    confidence: r.confidence,
    accepted: r.accepted,
    digits: r.digits.map((d) => ({
      digit: d.digit,
      confidence: d.confidence,
      groupProbability: d.groupProbability,
      unsure: d.unsure,
      verdict: d.recognition.verdict,
      probabilities: d.recognition.probabilities,
      top2: d.recognition.top2,
      notDigit: d.recognition.notDigit,
      strokes: d.strokes,
      box: d.box,
    })),
    alternatives: r.alternatives,
    segmentationProbability: r.segmentationProbability,
    skipped: r.skipped,
    candidates: r.candidates,
    ...(r.problem !== undefined ? { problem: r.problem } : {}),
    threshold,
    modelVersion: model.id,
  };
}

export const numberRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  scope,
  { serving, limited, rates },
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
      const { recognizer, model } = serving();
      const reading = recognizeNumber(recognizer, drawing, hints, {
        maxStrokes: LIMITS.numberStrokes,
        maxCandidates: LIMITS.numberCandidates,
      });
      const threshold = model.fusion?.threshold ?? model.threshold;
      return numberReadingJson(reading, model, threshold);
    },
  );
};
