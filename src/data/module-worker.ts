/**
 * Worker threads on a TypeScript-or-JavaScript module of this project. From dist the module is
 * the compiled `.js` beside the caller. From src (run through tsx, as the tests are) it is the
 * `.ts` file, and on Node 20 tsx registers itself in the main thread only, so a small CommonJS
 * bootstrap registers it in the worker before importing the module.
 */
import { type TransferListItem, Worker } from 'node:worker_threads';

const TSX_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi)
  .then((api) => { api.register(); return import(workerData.workerUrl); })
  .catch((err) => setImmediate(() => { throw err; }));
`;

/**
 * Starts a worker on the module `name` (without extension, e.g. `./fold-worker`) beside `base`,
 * the caller's `import.meta.url`. The module runs on import and reads `workerData`, which under
 * tsx also carries the bootstrap's `tsxApi` and `workerUrl`.
 */
export function startModuleWorker(
  base: string,
  name: string,
  workerData: object,
  transferList?: TransferListItem[],
): Worker {
  const fromSource = base.endsWith('.ts');
  const url = new URL(`${name}${fromSource ? '.ts' : '.js'}`, base);
  if (!fromSource) return new Worker(url, { workerData, transferList });
  const bootData = {
    ...workerData,
    tsxApi: import.meta.resolve('tsx/esm/api'),
    workerUrl: url.href,
  };
  return new Worker(TSX_BOOTSTRAP, { eval: true, workerData: bootData, transferList });
}
