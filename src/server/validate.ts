/**
 * Request validation: every body, query and parameter the API accepts is checked here, explicitly,
 * before anything touches the model or the database. Each check throws a 400 `HttpError` whose
 * message names the field (`drawing.strokes[0][3].x`), what was found and what was expected.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Drawing, GrayImage, Stroke } from '../core/types.js';
import { SAMPLE_SOURCES, type SampleFilter, type SampleSource } from '../data/store.js';
import { badRequest, HttpError } from './http-error.js';

/** The limits the API enforces. Documented in the OpenAPI document and the README. */
export const LIMITS = {
  /** Largest JSON body of any route but import and predict, in bytes. */
  jsonBodyBytes: 1024 * 1024,
  /** Largest body of `POST /api/predict` (an uploaded image or base64 JSON), in bytes. */
  predictBodyBytes: 4 * 1024 * 1024,
  /** Largest import file, in bytes. */
  importBodyBytes: 32 * 1024 * 1024,
  /** Most samples one import may add. */
  importSamples: 50_000,
  /** Most strokes in one drawing. */
  strokes: 100,
  /** Most points in one drawing, over all its strokes. */
  points: 10_000,
  /** Canvas sides are integers in this range. */
  minCanvas: 8,
  maxCanvas: 1024,
  /** Largest brush diameter, in canvas pixels (it must be > 0). */
  maxBrushWidth: 64,
  /**
   * Coordinates may lie outside the canvas by up to one canvas side (a pointer captured past the
   * edge), no further: x ∈ [−width, 2·width], y ∈ [−height, 2·height].
   */
  coordinateMargin: 1,
  /** Point timestamps are milliseconds in [0, 1 hour]. */
  maxTimestampMs: 3_600_000,
  /** Largest side of a pixel array or decoded image. */
  maxImageSide: 2048,
  /** Largest side of a `pixels` array sent as JSON. */
  maxPixelsSide: 256,
  /** Session ids: 1–64 characters of A–Z a–z 0–9 _ -. */
  sessionId: /^[A-Za-z0-9_-]{1,64}$/,
  /** Page size of `GET /api/samples`. */
  maxPageSize: 200,
  defaultPageSize: 50,
} as const;

/** Pointer types a sample may record. */
export const POINTER_TYPES = ['mouse', 'pen', 'touch'] as const;

/** Sources a client may give a new sample (imports come through the import route). */
export const CLIENT_SOURCES = ['collect', 'feedback'] as const;

/** Export and import file formats. */
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export const IMPORT_FORMATS = ['csv', 'jsonl', 'unipen'] as const;

type Json = Record<string, unknown>;

/** A short, safe rendering of a received value for an error message. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, name: string): Json {
  if (!isObject(v)) throw badRequest(`${name} must be a JSON object, got ${show(v)}`);
  return v;
}

function onlyKeys(o: Json, name: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const where = name ? `${name}: ` : '';
      throw badRequest(
        `${where}unknown field ${JSON.stringify(k)} (expected ${allowed.join(', ')})`,
      );
    }
  }
}

function finite(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw badRequest(`${name} must be a finite number, got ${show(v)}`);
  }
  return v;
}

function inRange(v: unknown, name: string, min: number, max: number): number {
  const n = finite(v, name);
  if (n < min || n > max) throw badRequest(`${name} must be in [${min}, ${max}], got ${n}`);
  return n;
}

function integer(v: unknown, name: string, min: number, max: number): number {
  const n = finite(v, name);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw badRequest(`${name} must be an integer from ${min} to ${max}, got ${n}`);
  }
  return n;
}

function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw badRequest(`${name} must be one of ${allowed.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

/**
 * Throws a 400 naming the first `__proto__` or `constructor` key of a parsed JSON body, in the
 * order a `JSON.parse` reviver would meet them (each key after everything inside its value), so
 * no handler can be fed a prototype-polluting object. Such a key can only come from `text` that
 * holds it, spelled out or with `\u` escapes, so other bodies are not walked at all.
 */
export function rejectPrototypeKeys(text: string, value: unknown): void {
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')) {
    try {
      walkKeys(value);
    } catch (err) {
      // JSON.parse takes nesting deeper than this recursion's stack: say so as bad input.
      if (err instanceof RangeError)
        throw badRequest('JSON body: nested too deeply (expected a drawing or a sample object)');
      throw err;
    }
  }
}

function walkKeys(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) walkKeys(item);
    return;
  }
  for (const key of Object.keys(value)) {
    walkKeys((value as Json)[key]);
    if (key === '__proto__' || key === 'constructor') {
      throw badRequest(`JSON body: the key "${key}" is not allowed`);
    }
  }
}

/** A label: an integer 0–9. */
export function parseLabel(v: unknown, name = 'label'): number {
  if (typeof v !== 'number') throw badRequest(`${name} must be a digit 0–9, got ${show(v)}`);
  return integer(v, name, 0, 9);
}

/**
 * A drawing: `{ strokes: [[{x, y, t?}, …], …], width, height, brushWidth }` within `LIMITS`.
 * Returns a fresh object holding only the known fields.
 */
export function parseDrawing(v: unknown, name = 'drawing'): Drawing {
  const o = object(v, name);
  onlyKeys(o, name, ['strokes', 'width', 'height', 'brushWidth']);
  const width = integer(o.width, `${name}.width`, LIMITS.minCanvas, LIMITS.maxCanvas);
  const height = integer(o.height, `${name}.height`, LIMITS.minCanvas, LIMITS.maxCanvas);
  const brushWidth = finite(o.brushWidth, `${name}.brushWidth`);
  if (brushWidth <= 0 || brushWidth > LIMITS.maxBrushWidth) {
    throw badRequest(
      `${name}.brushWidth must be > 0 and ≤ ${LIMITS.maxBrushWidth}, got ${brushWidth}`,
    );
  }
  if (!Array.isArray(o.strokes)) {
    throw badRequest(`${name}.strokes must be an array of strokes, got ${show(o.strokes)}`);
  }
  if (o.strokes.length > LIMITS.strokes) {
    throw badRequest(
      `${name}.strokes: too many strokes (${o.strokes.length}); at most ${LIMITS.strokes}`,
    );
  }
  const m = LIMITS.coordinateMargin;
  let total = 0;
  const strokes: Stroke[] = o.strokes.map((s: unknown, i: number) => {
    const sName = `${name}.strokes[${i}]`;
    if (!Array.isArray(s)) throw badRequest(`${sName} must be an array of points, got ${show(s)}`);
    if (s.length === 0) throw badRequest(`${sName} is empty; a stroke needs at least one point`);
    total += s.length;
    if (total > LIMITS.points) {
      throw badRequest(`${name}: too many points (more than ${LIMITS.points})`);
    }
    return s.map((p: unknown, j: number) => {
      const pName = `${sName}[${j}]`;
      // A point is {x, y, t?} or, as in strokes JSONL, [x, y] / [x, y, t].
      if (Array.isArray(p) && (p.length < 2 || p.length > 3)) {
        throw badRequest(`${pName} must be [x, y] or [x, y, t], got an array of ${p.length}`);
      }
      const po = Array.isArray(p) ? { x: p[0], y: p[1], t: p[2] } : object(p, pName);
      onlyKeys(po, pName, ['x', 'y', 't']);
      const point: { x: number; y: number; t?: number } = {
        x: inRange(po.x, `${pName}.x`, -m * width, (1 + m) * width),
        y: inRange(po.y, `${pName}.y`, -m * height, (1 + m) * height),
      };
      if (po.t !== undefined) point.t = inRange(po.t, `${pName}.t`, 0, LIMITS.maxTimestampMs);
      return point;
    });
  });
  return { strokes, width, height, brushWidth };
}

/** The body of `POST /api/samples`. */
export interface SampleInput {
  label: number;
  drawing: Drawing;
  source: (typeof CLIENT_SOURCES)[number];
  sessionId: string | null;
  pointerType: (typeof POINTER_TYPES)[number] | null;
  /** The person confirmed a drawing the model calls "not a digit" is this digit. */
  confirmNotDigit: boolean;
}

function sessionId(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !LIMITS.sessionId.test(v)) {
    throw badRequest(`${name} must be 1–64 characters of A–Z, a–z, 0–9, _ or -, got ${show(v)}`);
  }
  return v;
}

/** Validates the body of `POST /api/samples`. */
export function parseSampleBody(body: unknown): SampleInput {
  const o = object(body, 'body');
  onlyKeys(o, '', ['label', 'drawing', 'source', 'sessionId', 'pointerType', 'confirmNotDigit']);
  if (o.confirmNotDigit !== undefined && typeof o.confirmNotDigit !== 'boolean')
    throw badRequest(`confirmNotDigit must be true or false, got ${show(o.confirmNotDigit)}`);
  if (o.label === undefined) throw badRequest('label is required (a digit 0–9)');
  if (o.drawing === undefined) throw badRequest('drawing is required');
  const label = parseLabel(o.label);
  const drawing = parseDrawing(o.drawing);
  if (drawing.strokes.length === 0) throw badRequest('drawing.strokes is empty: nothing to store');
  return {
    label,
    drawing,
    source: oneOf(o.source, 'source', CLIENT_SOURCES),
    sessionId: sessionId(o.sessionId, 'sessionId'),
    pointerType:
      o.pointerType === undefined || o.pointerType === null
        ? null
        : oneOf(o.pointerType, 'pointerType', POINTER_TYPES),
    confirmNotDigit: o.confirmNotDigit === true,
  };
}

/** What `POST /api/predict` was given. */
export type PredictInput =
  | { kind: 'drawing'; drawing: Drawing }
  | { kind: 'pixels'; image: GrayImage }
  | { kind: 'image'; bytes: Uint8Array };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Validates a JSON body of `POST /api/predict`: exactly one of `drawing`, `pixels` (with `width`
 * and `height`, values 0–255, either polarity) or `image` (a base64 PNG or JPEG, optionally as a
 * `data:` URL).
 */
export function parsePredictBody(body: unknown): PredictInput {
  const o = object(body, 'body');
  onlyKeys(o, '', ['drawing', 'pixels', 'width', 'height', 'image']);
  const given = ['drawing', 'pixels', 'image'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) {
    throw badRequest(
      `give exactly one of drawing, pixels or image, got ${given.length === 0 ? 'none' : given.join(' and ')}`,
    );
  }
  if (o.drawing !== undefined) {
    if (o.width !== undefined || o.height !== undefined) {
      throw badRequest('width and height go inside drawing');
    }
    return { kind: 'drawing', drawing: parseDrawing(o.drawing) };
  }
  if (o.pixels !== undefined) {
    const width = integer(o.width, 'width', 1, LIMITS.maxPixelsSide);
    const height = integer(o.height, 'height', 1, LIMITS.maxPixelsSide);
    if (!Array.isArray(o.pixels)) {
      throw badRequest(`pixels must be an array of numbers 0–255, got ${show(o.pixels)}`);
    }
    if (o.pixels.length !== width * height) {
      throw badRequest(
        `pixels has ${o.pixels.length} values, expected width × height = ${width * height}`,
      );
    }
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++)
      data[i] = inRange(o.pixels[i], `pixels[${i}]`, 0, 255) / 255;
    return { kind: 'pixels', image: { width, height, data } };
  }
  if (o.width !== undefined || o.height !== undefined) {
    throw badRequest('width and height are only for pixels');
  }
  if (typeof o.image !== 'string') {
    throw badRequest(`image must be a base64 PNG or JPEG string, got ${show(o.image)}`);
  }
  const text = o.image.replace(/^data:image\/(png|jpeg);base64,/, '');
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

/** Validates the body of `PATCH /api/samples/:id`. */
export function parseRelabelBody(body: unknown): { label: number } {
  const o = object(body, 'body');
  onlyKeys(o, '', ['label']);
  if (o.label === undefined) throw badRequest('label is required (a digit 0–9)');
  return { label: parseLabel(o.label) };
}

/** A sample id path parameter: a positive integer. */
export function parseId(v: unknown): number {
  if (typeof v !== 'string' || !/^[1-9][0-9]{0,15}$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw badRequest(`sample id must be a positive integer, got ${show(v)}`);
  }
  return Number(v);
}

/** A model version from a URL path segment: a positive integer. */
export function parseVersion(v: unknown): number {
  if (typeof v !== 'string' || !/^[1-9][0-9]{0,8}$/.test(v)) {
    throw badRequest(`model version must be a positive integer, got ${show(v)}`);
  }
  return Number(v);
}

function queryString(q: Json, key: string): string | undefined {
  const v = q[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`query ${key} given more than once`);
  return v;
}

function queryInt(q: Json, key: string, min: number, max: number): number | undefined {
  const v = queryString(q, key);
  if (v === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw badRequest(`${key} must be an integer, got ${show(v)}`);
  return integer(Number(v), key, min, max);
}

function queryBool(q: Json, key: string): boolean | undefined {
  const v = queryString(q, key);
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`${key} must be true or false, got ${show(v)}`);
}

/** The filters shared by listing, export and stats. */
export function parseFilter(query: unknown, allowed: readonly string[] = []): SampleFilter {
  const q = object(query ?? {}, 'query');
  onlyKeys(q, 'query', ['label', 'source', 'session', 'mispredicted', ...allowed]);
  const filter: SampleFilter = {};
  const label = queryInt(q, 'label', 0, 9);
  if (label !== undefined) filter.label = label;
  const source = queryString(q, 'source');
  if (source !== undefined) filter.source = oneOf(source, 'source', SAMPLE_SOURCES) as SampleSource;
  const session = queryString(q, 'session');
  if (session !== undefined) filter.sessionId = sessionId(session, 'session') ?? undefined;
  if (queryBool(q, 'mispredicted')) filter.mispredicted = true;
  return filter;
}

/** The query of `GET /api/samples`: filters plus `limit` and `offset`. */
export function parseListQuery(query: unknown): {
  filter: SampleFilter;
  limit: number;
  offset: number;
} {
  const filter = parseFilter(query, ['limit', 'offset']);
  const q = query as Json;
  return {
    filter,
    limit: queryInt(q, 'limit', 1, LIMITS.maxPageSize) ?? LIMITS.defaultPageSize,
    offset: queryInt(q, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
}

/** The query of the export route: a required format plus filters. */
export function parseExportQuery(query: unknown): {
  format: (typeof EXPORT_FORMATS)[number];
  filter: SampleFilter;
} {
  const filter = parseFilter(query, ['format']);
  const format = queryString(query as Json, 'format');
  if (format === undefined)
    throw badRequest(`format is required: one of ${EXPORT_FORMATS.join(', ')}`);
  return { format: oneOf(format, 'format', EXPORT_FORMATS), filter };
}

/** The query of the import route: a required format. */
export function parseImportQuery(query: unknown): { format: (typeof IMPORT_FORMATS)[number] } {
  const q = object(query ?? {}, 'query');
  onlyKeys(q, 'query', ['format']);
  const format = queryString(q, 'format');
  if (format === undefined)
    throw badRequest(`format is required: one of ${IMPORT_FORMATS.join(', ')}`);
  return { format: oneOf(format, 'format', IMPORT_FORMATS) };
}

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
