/** The built web app: its pages and static files (not part of the API document). */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../http-error.js';

/** The pages of the web app: URL path → HTML file in the web root. */
export const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/collect': 'collect.html',
  '/data': 'data.html',
  '/embed': 'embed.html',
};

/** Options of `pageRoutes`. */
export interface PageOptions {
  /** Directory of the built web app. */
  webRoot: string;
  /** Serve the web app's source maps (`*.map`). */
  sourceMaps: boolean;
}

const hidden = { schema: { hide: true } };

export const pageRoutes: FastifyPluginAsync<PageOptions> = async (app, { webRoot, sourceMaps }) => {
  if (existsSync(webRoot)) {
    app.register(fastifyStatic, {
      root: webRoot,
      index: false,
      wildcard: true,
      // Source maps would show the sources: only when asked for (development).
      allowedPath: (path) => sourceMaps || !path.endsWith('.map'),
    });
    for (const [path, file] of Object.entries(PAGES)) {
      app.get(path, hidden, async (_request, reply) => reply.sendFile(file));
    }
  } else {
    for (const path of Object.keys(PAGES)) {
      app.get(path, hidden, async (_request, reply) =>
        sendError(reply, 503, `the web app is not built (no ${webRoot}): run npm run build`),
      );
    }
  }
};
