#!/usr/bin/env node
// The 'server' part's yardstick: a bare Fastify app (no logger, no plugins) whose one route,
// `POST /api/predict`, parses the JSON body and sends it back (Fastify's JSON parser and
// serialiser, the same body limit as digitrec's predict). `POST /api/predict` of the real server
// is reported as a ratio to it, in the same bench run, because absolute req/s differ by machine.
// Usage: PORT=N node scripts/bench/echo-server.mjs
import Fastify from 'fastify';
import { LIMITS } from '../../dist/server/validate.js';

const app = Fastify({ logger: false });
app.post('/api/predict', { bodyLimit: LIMITS.predictBodyBytes }, async (request) => request.body);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => app.close(() => process.exit(0)));
