/** Model versions: the list with their metrics, a version's report, and promotion (admin). */
import { basename } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ModelList, Other, Refs, VersionParams } from '../../contracts/schemas.js';
import type { ModelVersion as StoredVersion } from '../../data/store.js';
import { HttpError } from '../http-error.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, errorResponse, type RouteContext } from './context.js';

/** Absolute file paths in `text` reduced to their file names (API answers show no server paths). */
export function withoutPaths(text: string): string {
  return text.replace(/(?<=^|[\s'"(=:])(?:\/[^\s/'"`,;()]+){2,}/g, (path) =>
    path.startsWith('/api/') ? path : basename(path),
  );
}

/** `value` with `withoutPaths` applied to every string in it. */
function redactPaths<T>(value: T): T {
  if (typeof value === 'string') return withoutPaths(value) as T;
  if (Array.isArray(value)) return value.map(redactPaths) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactPaths(v)])) as T;
  return value;
}

/** How a model version is reported. */
export function versionJson(v: StoredVersion) {
  return {
    version: v.version,
    modelId: v.modelId,
    createdAt: v.createdAt,
    promotedAt: v.promotedAt,
    status: v.status,
    // Summaries written by older versions name the base model by its absolute path.
    summary: redactPaths(v.summary),
    metrics: redactPaths(v.metrics),
    report: v.report ? `/api/models/${v.version}/report` : null,
  };
}

const badVersion = errorResponse('A bad version.');

export const modelRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { registry, serving, adminRoute },
) => {
  app.get(
    '/api/models',
    {
      schema: {
        summary: 'Model versions, newest first, with their metrics, and the serving version.',
        response: { 200: ModelList },
      },
    },
    async () => ({
      serving: serving().version,
      versions: (await registry.list()).map(versionJson),
    }),
  );

  app.get(
    '/api/models/:version/report',
    {
      schema: {
        summary:
          'The self-contained HTML report of a version (a retrained one beside the model that served before it).',
        params: VersionParams,
        response: {
          200: Other<Buffer>('OK', { 'text/html': { schema: { type: 'string' } } }),
          400: badVersion,
          404: errorResponse('No such version, or it has no report.'),
        },
      },
    },
    async (request, reply) => {
      const version = Number(request.params.version);
      const v = await registry.get(version);
      if (!v) throw new HttpError(404, `no model version ${version}`);
      if (!v.report) throw new HttpError(404, `model version ${version} has no report`);
      let html: Buffer;
      try {
        html = await registry.readFile(v.report);
      } catch {
        throw new HttpError(404, `the report of model version ${version} is missing (${v.report})`);
      }
      // The report is self-contained (inline CSS and SVG, data: images, no scripts).
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
        )
        .send(html);
    },
  );

  app.post(
    '/api/admin/models/:version/promote',
    {
      ...adminRoute,
      schema: {
        summary: 'Serve a version: promote a candidate or restore an earlier model (admin).',
        description:
          "The version's file is loaded first; then one transaction marks it serving and retires the previous one.",
        security: ADMIN_SECURITY,
        params: VersionParams,
        response: {
          200: Refs.ModelVersion(),
          400: badVersion,
          ...ADMIN_ERRORS,
          404: errorResponse('No such version.'),
          409: errorResponse("The version's model file is missing or corrupt; nothing changed."),
        },
      },
    },
    async (request) => {
      const version = Number(request.params.version);
      const v = await registry.promote(version);
      app.log.info(`model version ${version} (${v.modelId}) promoted by an admin`);
      return versionJson(v);
    },
  );
};
