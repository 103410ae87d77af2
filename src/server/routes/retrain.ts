/** Retraining (admin): start, watch (state or Server-Sent Events) and cancel a job. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Other, Refs, TrainState } from '../../contracts/schemas.js';
import { splitHeldOut } from '../../data/holdout.js';
import { readStoreDrawings } from '../../data/samples.js';
import { FOLLOW_POLL_MS, type JobEvent, PROGRESS_WRITE_MS } from '../retrain.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, errorResponse, type RouteContext } from './context.js';

export const retrainRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { retrainer, store, adminRoute },
) => {
  app.post(
    '/api/admin/train',
    {
      ...adminRoute,
      schema: {
        summary: 'Start retraining in a worker thread (admin).',
        description:
          'Trains on the configured sources plus the app samples of writers outside the held-out ' +
          'fifth (sessions by hash), evaluates the candidate and the serving model on the ' +
          'held-out drawings, stores it as a new version with a report, and promotes it iff it ' +
          'beats the serving model there by the promotion rule. With too few held-out drawings ' +
          'it is kept, not promoted.',
        security: ADMIN_SECURITY,
        response: {
          202: Refs.TrainingJob('Started.'),
          ...ADMIN_ERRORS,
          409: errorResponse('A job is already running.'),
        },
      },
    },
    async (_request, reply) => {
      const job = await retrainer.start();
      return reply.code(202).header('location', '/api/admin/train').send(job);
    },
  );

  app.get(
    '/api/admin/train',
    {
      ...adminRoute,
      schema: {
        summary:
          'The running or last job (admin; `{job: null}` before the first), and how many app ' +
          'drawings a new job would hold out (0: its model cannot be promoted).',
        security: ADMIN_SECURITY,
        response: { 200: TrainState, ...ADMIN_ERRORS },
      },
    },
    async (_request) => {
      // As the worker will split them: with none held out, a new model cannot be promoted.
      const heldOutDrawings = splitHeldOut((await readStoreDrawings(store)).drawings).heldOut
        .length;
      return { job: await retrainer.report(), heldOutDrawings };
    },
  );

  app.delete(
    '/api/admin/train',
    {
      ...adminRoute,
      schema: {
        summary: 'Cancel the running job: its worker is terminated, nothing is stored (admin).',
        security: ADMIN_SECURITY,
        response: {
          200: Refs.TrainingJob('The job, cancelled.'),
          ...ADMIN_ERRORS,
          409: errorResponse('No job is running.'),
        },
      },
    },
    async (_request) => {
      return retrainer.cancel();
    },
  );

  app.get(
    '/api/admin/train/events',
    {
      ...adminRoute,
      schema: {
        summary: 'The running or last job as Server-Sent Events (admin).',
        description:
          'First `state` with `{job}`; while it runs, `progress` `{job}` and `log` `{line}`; ' +
          'finally `done` `{job}`, then the stream ends (at once when no job is running). A job ' +
          'another server of a shared PostgreSQL store runs streams alike, read from its row ' +
          `every ${FOLLOW_POLL_MS} ms (it writes its progress there at most every ${PROGRESS_WRITE_MS} ms).`,
        security: ADMIN_SECURITY,
        response: {
          200: Other<never>('OK', { 'text/event-stream': { schema: { type: 'string' } } }),
          ...ADMIN_ERRORS,
        },
      },
    },
    async (_request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (type: string, data: unknown) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      let heartbeat: NodeJS.Timeout | undefined;
      // Events heard before the first `state` is sent wait for it.
      let early: JobEvent[] | null = [];
      const stop = () => {
        clearInterval(heartbeat);
        following.stop();
      };
      const forward = (e: JobEvent) => {
        if (e.type === 'log') send('log', { line: e.line });
        else send(e.type, { job: e.job });
        if (e.type === 'done') {
          stop();
          res.end();
        }
      };
      // A job another server of the shared store runs is followed in its row, with the same events.
      const following = await retrainer.follow((e) => (early ? early.push(e) : forward(e)));
      const state = following.job;
      send('state', { job: state });
      if (state?.status !== 'running') {
        following.stop();
        send('done', { job: state });
        res.end();
        return;
      }
      // A comment line now and then keeps proxies from closing an idle stream.
      heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15000);
      res.on('close', stop);
      const heard = early;
      early = null;
      for (const e of heard) if (!res.writableEnded) forward(e);
    },
  );
};
