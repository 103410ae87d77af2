/**
 * Request validation. The shapes are the schemas of `contracts/schemas.ts`, checked by Ajv before
 * a handler runs; `schemaErrorMessage` turns Ajv's first error into a 400 message that names the
 * field (`drawing.strokes[0][3].x`), what was found and what was expected. The few rules a schema
 * cannot say (cross-field drawing limits, exactly one input to predict) are checked here too,
 * beside the schemas they extend, and equally precisely.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifySchemaCompiler } from 'fastify';
import { LIMITS } from '../contracts/limits.js';
import {
  type DrawingInput,
  type FilterQuery,
  type NumberBody,
  type NumberHints,
  type PredictBody,
  type SampleBody,
  SHARED_SCHEMAS,
} from '../contracts/schemas.js';
import type { Drawing, GrayImage, Stroke } from '../core/types.js';
import type { SampleFilter } from '../data/store.js';
import { badRequest, HttpError } from './http-error.js';

export {
  CLIENT_SOURCES,
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  LIMITS,
  POINTER_TYPES,
} from '../contracts/limits.js';

/** A short, safe rendering of a received value for an error message. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : typeof v;
}

// ---- the schema validator ------------------------------------------------------------------------

const AJV_OPTIONS: Options = {
  // The first error only: validation stops there, so a bad request costs no more than its prefix.
  allErrors: false,
  // Errors carry the value and its schema, for the message.
  verbose: true,
  messages: false,
  // Unknown fields are refused, not silently dropped.
  removeAdditional: false,
  // NaN and ±Infinity (a JSON 1e400) are not numbers.
  strictNumbers: true,
  // `x-expected` annotations and [x, y, t?] tuples are not Ajv's strict mode's.
  strict: false,
};

/** Bodies are JSON: no coercion ("18" is not a number). */
const bodyAjv = new Ajv2020({
  ...AJV_OPTIONS,
  coerceTypes: false,
  useDefaults: false,
  schemas: SHARED_SCHEMAS,
});
/** Queries and path parameters are text: "3" is the integer 3, and defaults apply. */
const textAjv = new Ajv2020({
  ...AJV_OPTIONS,
  coerceTypes: true,
  useDefaults: true,
  schemas: SHARED_SCHEMAS,
});

/** Fastify's validator compiler: JSON bodies strictly, queries and parameters coerced. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);

/** Fastify's `schemaErrorFormatter`: the 400 message for a request part that failed its schema. */
export function schemaErrorFormatter(errors: unknown[], dataVar: string): Error {
  const root = dataVar === 'querystring' ? 'query' : dataVar;
  return new Error(schemaErrorMessage(errors as ErrorObject[], root));
}

type Schema = Record<string, unknown> & {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  'x-expected'?: string;
};

/**
 * The message for Ajv's errors of one value (`root`: `body`, `query`, `params`, or the name of a
 * value checked on its own): `field must be <expected>, got <value>`, `field is required:
 * <expected>` or `unknown field "k" (expected a, b)`.
 */
export function schemaErrorMessage(errors: ErrorObject[], root: string): string {
  const e = decisive(errors);
  const schema = e.parentSchema as Schema;
  const path = e.instancePath.split('/').slice(1);
  const named = root === 'body' || root === 'query' || root === 'params';
  const name = (segments: string[], title?: string): string => {
    const parts = segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`));
    if (title !== undefined && parts.length > 0) parts[parts.length - 1] = `.${title}`;
    const text = parts.join('');
    if (!named) return `${root}${text}`;
    return text === '' ? root : text.replace(/^\./, '');
  };
  switch (e.keyword) {
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return `${name([...path, key])} is required: ${expected(schema.properties?.[key])}`;
    }
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const where = path.length > 0 || !named || root === 'query' ? `${name(path)}: ` : '';
      const allowed = Object.keys(schema.properties ?? {}).join(', ');
      return `${where}unknown field ${JSON.stringify(key)} (expected ${allowed})`;
    }
  }
  if (root === 'query' && path.length === 1 && Array.isArray(e.data))
    return `query ${path[0]} given more than once`;
  return `${name(path, schema.title)} must be ${expected(schema, e.keyword)}, got ${show(e.data)}`;
}

/**
 * The error that decides: the last one (where validation stopped), unless it is a union's, whose
 * branches' errors come before it; then the errors of the one branch of the value's JSON type
 * (an array point's, not the object point's), if exactly one branch has that type.
 */
function decisive(errors: ErrorObject[]): ErrorObject {
  let e = errors[errors.length - 1];
  while (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
    const kind = kindOf(e.data);
    const branches = (e.schema as Schema[])
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => hasType(b, kind));
    if (branches.length !== 1) break;
    const prefix = `${e.schemaPath}/${branches[0].i}/`;
    const inside = errors.filter((x) => x.schemaPath.startsWith(prefix));
    if (inside.length === 0) break;
    errors = inside;
    e = inside[inside.length - 1];
  }
  return e;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function hasType(schema: Schema, kind: string): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes(kind) || (kind === 'number' && types.includes('integer'));
}

/** What `schema` accepts, in words (for a failed `keyword`). */
function expected(schema: Schema | undefined, keyword = ''): string {
  if (schema === undefined) return 'nothing';
  if (schema['x-expected'] !== undefined) return schema['x-expected'];
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((b) => expected(b)).join(' or ');
  const { minimum: min, maximum: max, exclusiveMinimum: above } = schema;
  switch (schema.type) {
    case 'integer':
      if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
      return min !== undefined ? `an integer ≥ ${min}` : 'an integer';
    case 'number':
      if (keyword === 'type') return 'a finite number';
      if (above !== undefined && max !== undefined) return `> ${above} and ≤ ${max}`;
      if (min !== undefined && max !== undefined) return `in [${min}, ${max}]`;
      return 'a finite number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'string':
      return schema.maxLength !== undefined
        ? `a string of at most ${schema.maxLength} characters`
        : 'a string';
    case 'array':
      return schema.maxItems !== undefined
        ? `an array of at most ${schema.maxItems} items`
        : 'an array';
    case 'object':
      return 'a JSON object';
  }
  return 'a valid value';
}

/** The shared `Drawing` schema's validator. */
const validateDrawingSchema = bodyAjv.getSchema('Drawing') as ValidateFunction;

/**
 * A drawing from anywhere but a request body (an import file's): the `Drawing` schema, then
 * `checkDrawing`. Errors name it `name`.
 */
export function parseDrawing(v: unknown, name = 'drawing'): Drawing {
  if (!validateDrawingSchema(v))
    throw badRequest(schemaErrorMessage(validateDrawingSchema.errors ?? [], name));
  return checkDrawing(v as DrawingInput, name);
}

// ---- the rules beside the schemas ------------------------------------------------------------------

/**
 * The drawing limits a schema cannot say, on a drawing that passed the `Drawing` schema:
 * coordinates within one canvas side of its canvas, at most `LIMITS.points` points in all.
 * Returns a fresh drawing with `{x, y, t?}` points.
 */
export function checkDrawing(d: DrawingInput, name = 'drawing'): Drawing {
  const m = LIMITS.coordinateMargin;
  const { width, height } = d;
  const within = (v: number, field: string, side: number) => {
    if (v < -m * side || v > (1 + m) * side)
      throw badRequest(`${field} must be in [${-m * side}, ${(1 + m) * side}], got ${v}`);
    return v;
  };
  let total = 0;
  const strokes: Stroke[] = d.strokes.map((s, i) => {
    total += s.length;
    if (total > LIMITS.points)
      throw badRequest(`${name}: too many points (more than ${LIMITS.points})`);
    return s.map((p, j) => {
      const at = `${name}.strokes[${i}][${j}]`;
      const [x, y, t] = Array.isArray(p) ? p : [p.x, p.y, p.t];
      const point: { x: number; y: number; t?: number } = {
        x: within(x, `${at}.x`, width),
        y: within(y, `${at}.y`, height),
      };
      if (t !== undefined) point.t = t;
      return point;
    });
  });
  return { strokes, width, height, brushWidth: d.brushWidth };
}

/** A new sample as the handler stores it. */
export interface SampleInput {
  label: number;
  drawing: Drawing;
  source: SampleBody['source'];
  sessionId: string | null;
  pointerType: NonNullable<SampleBody['pointerType']> | null;
  /** The person confirmed a drawing the model calls "not a digit" is this digit. */
  confirmNotDigit: boolean;
}

/** The rules of a `POST /api/samples` body beyond its schema: a drawing with strokes. */
export function sampleInput(body: SampleBody): SampleInput {
  const drawing = checkDrawing(body.drawing);
  if (drawing.strokes.length === 0) throw badRequest('drawing.strokes is empty: nothing to store');
  return {
    label: body.label,
    drawing,
    source: body.source,
    sessionId: body.sessionId ?? null,
    pointerType: body.pointerType ?? null,
    confirmNotDigit: body.confirmNotDigit === true,
  };
}

/** The store's filter of a query that passed the `FilterQuery` schema. */
export function filterOf(q: FilterQuery): SampleFilter {
  const filter: SampleFilter = {};
  if (q.label !== undefined) filter.label = q.label;
  if (q.source !== undefined) filter.source = q.source;
  if (q.session !== undefined) filter.sessionId = q.session;
  if (q.mispredicted) filter.mispredicted = true;
  return filter;
}

/**
 * The rules of a `POST /api/recognize-number` body beyond its schema: at most
 * `LIMITS.numberStrokes` strokes (so at most 3 × that candidate digits are read), and a range
 * with min ≤ max.
 */
export function numberInput(body: NumberBody): { drawing: Drawing; hints: NumberHints } {
  const drawing = checkDrawing(body.drawing);
  if (drawing.strokes.length > LIMITS.numberStrokes)
    throw badRequest(
      `drawing.strokes has ${drawing.strokes.length} strokes, a number may have at most ${LIMITS.numberStrokes}`,
    );
  const hints = body.hints ?? {};
  if (hints.min !== undefined && hints.max !== undefined && hints.min > hints.max)
    throw badRequest(`hints.min must be ≤ hints.max, got ${hints.min} > ${hints.max}`);
  return { drawing, hints };
}

/** What `POST /api/predict` was given. */
export type PredictInput =
  | { kind: 'drawing'; drawing: Drawing }
  | { kind: 'pixels'; image: GrayImage }
  | { kind: 'image'; bytes: Uint8Array };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The rules of a JSON `POST /api/predict` body beyond its schema: exactly one of `drawing`,
 * `pixels` (with `width` and `height`, width × height values) or `image` (base64, optionally a
 * `data:` URL, of a PNG or JPEG).
 */
export function predictInput(o: PredictBody): PredictInput {
  const given = (['drawing', 'pixels', 'image'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) {
    throw badRequest(
      `give exactly one of drawing, pixels or image, got ${given.length === 0 ? 'none' : given.join(' and ')}`,
    );
  }
  if (o.drawing !== undefined) {
    if (o.width !== undefined || o.height !== undefined) {
      throw badRequest('width and height go inside drawing');
    }
    return { kind: 'drawing', drawing: checkDrawing(o.drawing) };
  }
  if (o.pixels !== undefined) {
    const side = `an integer from 1 to ${LIMITS.maxPixelsSide}`;
    if (o.width === undefined) throw badRequest(`width is required with pixels: ${side}`);
    if (o.height === undefined) throw badRequest(`height is required with pixels: ${side}`);
    const { width, height, pixels } = o;
    if (pixels.length !== width * height) {
      throw badRequest(
        `pixels has ${pixels.length} values, expected width × height = ${width * height}`,
      );
    }
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = pixels[i] / 255;
    return { kind: 'pixels', image: { width, height, data } };
  }
  if (o.width !== undefined || o.height !== undefined) {
    throw badRequest('width and height are only for pixels');
  }
  const text = (o.image as string).replace(/^data:image\/(png|jpeg);base64,/, '');
  if (!BASE64.test(text)) throw badRequest('image is not valid base64');
  return { kind: 'image', bytes: checkImageBytes(new Uint8Array(Buffer.from(text, 'base64'))) };
}

/**
 * Checks uploaded image bytes before decoding: not empty, PNG or JPEG by magic number. The size
 * limit is enforced by the decoder itself (`decodeImage`'s `maxSide`), on the header it reads.
 */
export function checkImageBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw badRequest('image is empty');
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) throw badRequest('image is neither a PNG nor a JPEG');
  return bytes;
}

// ---- admin -------------------------------------------------------------------------------------

/**
 * Checks `Authorization: Bearer <token>` against the configured admin token. Without a configured
 * token admin actions are off (403); a missing or wrong token is a 401.
 */
export function checkAdmin(
  authorization: string | undefined,
  adminToken: string | undefined,
): void {
  if (!adminToken) {
    throw new HttpError(
      403,
      'admin actions are off: the server was started without DIGITREC_ADMIN_TOKEN',
    );
  }
  const challenge = { 'www-authenticate': 'Bearer realm="digitrec admin"' };
  if (!authorization) {
    throw new HttpError(401, 'admin token required: send Authorization: Bearer <token>', challenge);
  }
  const m = /^Bearer\s+(.+)$/i.exec(authorization);
  if (!m || !timingSafeEqualText(m[1].trim(), adminToken)) {
    throw new HttpError(401, 'wrong admin token', challenge);
  }
}

/** Whether `authorization` carries the admin token (`Bearer <token>`), compared in constant time. */
export function adminTokenMatches(
  authorization: string | undefined,
  adminToken: string | undefined,
): boolean {
  if (!adminToken || !authorization) return false;
  const m = /^Bearer\s+(.+)$/i.exec(authorization);
  return m !== null && timingSafeEqualText(m[1].trim(), adminToken);
}

/** Compares two strings in constant time (hashing first so the lengths need not match). */
function timingSafeEqualText(a: string, b: string): boolean {
  const hash = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(hash(a), hash(b));
}
