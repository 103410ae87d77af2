/**
 * The one error type route code throws for a request the server refuses. The app's single error
 * handler turns it (and Fastify's own errors) into a JSON response `{ statusCode, error, message }`.
 */
import type { FastifyReply } from 'fastify';

/** Standard reason phrases of the statuses the API uses. */
export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** A refusal with an HTTP status and a message naming the problem. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly statusCode: number;
  /** Extra response headers, e.g. `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

/** A 400 naming the field and what was wrong with it. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

/** Sends the JSON error answer `{ statusCode, error, message }`. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message });
}
