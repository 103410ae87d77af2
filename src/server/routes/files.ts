/** Samples as files: export (digit CSV, strokes JSONL) and import (those and UNIPEN, admin). */
import { Readable } from 'node:stream';
import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { LIMITS } from '../../contracts/limits.js';
import { ExportQuery, Imported, ImportQuery, Other } from '../../contracts/schemas.js';
import type { Recognizer } from '../../core/contracts.js';
import { CANONICAL_SIZE, type GrayImage, type LabelledDrawing } from '../../core/types.js';
import { encodeDigitCsv, parseDigitCsv } from '../../data/csv.js';
import { IMAGE_BYTES, type NewSample, type SampleFilter, type Store } from '../../data/store.js';
import { formatStrokesJsonl, parseStrokesJsonl } from '../../data/strokes-jsonl.js';
import { parseUnipen } from '../../data/unipen.js';
import { HttpError } from '../http-error.js';
import { filterOf, parseDrawing } from '../validate.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, errorResponse, type RouteContext } from './context.js';
import { analyse } from './samples.js';

/** Samples per page of a streamed export (about 2.5 MB of CSV). */
const EXPORT_PAGE = 1000;

/**
 * The export file, a page of samples at a time, yielding to the event loop between pages, so a
 * large export neither holds the whole file in memory nor blocks other requests. The pieces
 * concatenate to exactly what `formatDigitCsv` / `formatStrokesJsonl` write for all the samples.
 */
async function* exportChunks(
  store: Store,
  format: 'csv' | 'jsonl',
  filter: SampleFilter,
): AsyncGenerator<Buffer | string> {
  let first = true;
  for await (const page of store.pages(filter, EXPORT_PAGE)) {
    if (format === 'csv') {
      const pixels = new Uint8Array(page.length * IMAGE_BYTES);
      page.forEach((s, i) => {
        pixels.set(s.image, i * IMAGE_BYTES);
      });
      const bytes = encodeDigitCsv({
        n: page.length,
        width: CANONICAL_SIZE,
        height: CANONICAL_SIZE,
        pixels,
        labels: Uint8Array.from(page, (s) => s.label),
      });
      // The header line once, on the first page.
      const body = first ? bytes : bytes.subarray(bytes.indexOf(0x0a) + 1);
      yield Buffer.from(body.buffer, body.byteOffset, body.length);
    } else {
      const drawings: LabelledDrawing[] = [];
      for (const s of page) {
        if (s.drawing === null) continue;
        const d: LabelledDrawing = { id: `digitrec/${s.id}`, label: s.label, drawing: s.drawing };
        if (s.sessionId !== null) d.group = s.sessionId;
        drawings.push(d);
      }
      if (drawings.length > 0) yield formatStrokesJsonl(drawings);
    }
    first = false;
    await new Promise((r) => setImmediate(r));
  }
  if (first && format === 'csv') {
    const header = encodeDigitCsv({
      n: 0,
      width: CANONICAL_SIZE,
      height: CANONICAL_SIZE,
      pixels: new Uint8Array(0),
      labels: new Uint8Array(0),
    });
    yield Buffer.from(header);
  }
}

/** Runs `f` over `items` in chunks, yielding to the event loop between them. */
async function mapInChunks<T, U>(items: readonly T[], f: (item: T, i: number) => U): Promise<U[]> {
  const out: U[] = [];
  const CHUNK = 200;
  for (let start = 0; start < items.length; start += CHUNK) {
    for (let i = start; i < Math.min(items.length, start + CHUNK); i++) out.push(f(items[i], i));
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

function decodeText(bytes: Buffer, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, `${source}: not UTF-8 text`);
  }
}

/** Parses an import file and turns every item into a sample (canonical image and prediction). */
async function importSamples(
  recognizer: Recognizer,
  format: 'csv' | 'jsonl' | 'unipen',
  text: string,
  source: string,
): Promise<NewSample[]> {
  if (format === 'csv') {
    const set = parseDigitCsv(text, source);
    checkImportCount(set.n);
    const side = set.width * set.height;
    const indices = Array.from({ length: set.n }, (_, i) => i);
    return mapInChunks(indices, (i) => {
      const data = new Float32Array(side);
      for (let p = 0; p < side; p++) data[p] = set.pixels[i * side + p] / 255;
      const img: GrayImage = { width: set.width, height: set.height, data };
      const r = recognizer.recognizeImage(img);
      return {
        label: set.labels[i],
        drawing: null,
        source: 'import' as const,
        sessionId: set.groups?.[i] ?? null,
        pointerType: null,
        ...analyse(recognizer, r),
      };
    });
  }
  const drawings = format === 'jsonl' ? parseStrokesJsonl(text, source) : parseUnipen(text, source);
  checkImportCount(drawings.length);
  return mapInChunks(drawings, (d) => {
    // The file's parser checked the format; the API's limits apply on top.
    const drawing = parseDrawing(d.drawing, `${source} drawing ${JSON.stringify(d.id)}`);
    const r = recognizer.recognizeDrawing(drawing);
    return {
      label: d.label,
      drawing,
      source: 'import' as const,
      sessionId: d.group !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(d.group) ? d.group : null,
      pointerType: null,
      ...analyse(recognizer, r),
    };
  });
}

function checkImportCount(n: number): void {
  if (n === 0) throw new HttpError(400, 'the file holds no samples');
  if (n > LIMITS.importSamples) {
    throw new HttpError(
      413,
      `the file holds ${n} samples; one import may add at most ${LIMITS.importSamples}`,
    );
  }
}

/** A file's body, for the OpenAPI document (any content type is read as bytes). */
const FILE_BODY = { schema: { description: 'The file.' } };

export const fileRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { store, serving, adminRoute },
) => {
  app.get(
    '/api/samples/export',
    {
      schema: {
        summary: 'All samples (matching the filters) as digit CSV or strokes JSONL.',
        description: "CSV holds every sample's canonical image; JSONL only samples with strokes.",
        querystring: ExportQuery,
        response: {
          200: Other<Readable>('The file, as an attachment.', {
            'text/csv': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
          }),
          400: errorResponse('Missing or unknown format, or a bad filter.'),
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const filter = filterOf(request.query);
      const name = format === 'csv' ? 'digitrec-samples.csv' : 'digitrec-samples.strokes.jsonl';
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(exportChunks(store, format, filter)));
    },
  );

  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    // Import files arrive as raw bytes whatever their type (text/csv, application/x-ndjson, …).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: LIMITS.importBodyBytes },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/api/samples/import',
      {
        ...adminRoute,
        bodyLimit: LIMITS.importBodyBytes,
        schema: {
          summary: 'Add the samples of a digit CSV, strokes JSONL or UNIPEN file (admin).',
          description:
            'All or nothing: a malformed file adds nothing and the error names its line.',
          security: ADMIN_SECURITY,
          querystring: ImportQuery,
          body: { content: { '*/*': FILE_BODY } },
          response: {
            201: Imported,
            400: errorResponse(
              'Missing format, a malformed file, or a drawing outside the limits.',
            ),
            ...ADMIN_ERRORS,
            413: errorResponse('File too large or too many samples.'),
          },
        },
      },
      async (request, reply) => {
        const { format } = request.query;
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new HttpError(400, 'empty body: send the file as the request body');
        }
        const source = `upload.${format}`;
        const text = decodeText(request.body, source);
        const samples = await importSamples(serving().recognizer, format, text, source);
        const imported = await store.insertMany(samples);
        return reply.code(201).send({ imported, total: await store.count() });
      },
    );
  });
};
