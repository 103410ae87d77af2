/**
 * The packed package, installed where nothing of the clone is: `npm pack` of the built tree,
 * installed into a fresh folder under the system's temp directory with the clone's pinned
 * dependency versions (`npm ci --offline` from the npm cache, scripts off: the native SQLite
 * module is not built, and nothing here needs it), then `npx digitrec predict`, the library by
 * name, and `<digit-pad>` served from the installed files to real Chromium (a digit, then the
 * same element in number mode). Slow (about 20 s: the install copies 130 packages); bounded by a
 * 110 s timeout. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { createRng } from '../core/random.js';
import { templateNumber } from '../core/synth/numbers.js';
import { parseDrawingJson } from '../data/drawing-json.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { CHROMIUM_ARGS, mouseStroke, mouseWrite, onNumberPad } from './browser-harness.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'digitrec-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

// Browser globals used inside page callbacks: this file is typechecked without the DOM library.
declare const window: { events: { type: string; detail: Record<string, unknown> }[] };
declare const document: { querySelector(s: string): unknown };

/** npm's own environment variables left out, so the outer `npm test` does not steer the inner npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), timeout: 90_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * A consumer project depending on the tarball, locked to the clone's versions of its
 * dependencies (the clone's lock entries that are not dev-only), so `npm ci --offline` installs
 * from the cache `npm install` filled.
 */
function consumer(tarball: string): string {
  const app = join(work, 'app');
  mkdirSync(app);
  const spec = `file:${tarball}`;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages))
    if (path !== '' && !entry.dev && !entry.devOptional) packages[path] = entry;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { [pkg.name]: spec },
    }),
  );
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }),
  );
  return app;
}

test('npm pack → install in a fresh folder → npx digitrec predict, import by name, <digit-pad> served', {
  timeout: 110_000,
}, async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'web', 'digit-pad.js')), 'run npm run build first');
  // The tree is built (npm test builds first); `npm pack` alone would build it again (prepare).
  const packed = JSON.parse(
    sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT),
  ) as { filename: string; files: { path: string }[] }[];
  const files = packed[0].files.map((f) => f.path);
  for (const f of [
    'bin/digitrec.js',
    'dist/lib/index.js',
    'dist/lib/index.d.ts',
    'dist/lib/browser.js',
    'dist/cli/main.js',
    'dist/web/digit-pad.js',
    'models/default.json',
    'examples/four.json',
    'README.md',
  ])
    assert.ok(files.includes(f), `the package holds ${f}`);
  assert.deepEqual(
    files.filter((f) => /^src\/|node_modules|\.map$|\.test\./.test(f)),
    [],
    'no sources, tests, source maps or node_modules',
  );
  const tarball = join(work, packed[0].filename);

  const app = consumer(tarball);
  sh('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], app);
  assert.ok(!resolve(app).startsWith(ROOT), 'installed outside the clone');
  const installed = join(app, 'node_modules', pkg.name);

  assert.equal(
    sh('npx', ['--no-install', 'digitrec', '--version'], app).trim(),
    `digitrec ${pkg.version}`,
  );
  const predicted = JSON.parse(
    sh(
      'npx',
      ['--no-install', 'digitrec', 'predict', 'node_modules/digitrec/examples/four.json', '--json'],
      app,
    ),
  ) as Record<string, unknown>;
  const model = loadModel(DEFAULT_MODEL_PATH);
  assert.equal(predicted.digit, 4);
  assert.equal(predicted.verdict, 'digit');
  assert.equal(predicted.model, model.id);

  writeFileSync(
    join(app, 'use.js'),
    `import { readFileSync } from 'node:fs';
import { recognizeDrawing, DEFAULT_MODEL_PATH } from 'digitrec';
const r = recognizeDrawing(JSON.parse(readFileSync('node_modules/digitrec/examples/four.json', 'utf8')));
console.log(JSON.stringify({ digit: r.digit, verdict: r.verdict, model: DEFAULT_MODEL_PATH }));`,
  );
  const used = JSON.parse(sh(process.execPath, ['use.js'], app)) as {
    digit: number;
    model: string;
  };
  assert.equal(used.digit, 4);
  assert.ok(used.model.startsWith(installed), `the installed model: ${used.model}`);

  // The element and the model from the installed package, in someone's blank page.
  const served: Record<string, [string, string | Buffer]> = {
    '/': [
      'text/html',
      `<!doctype html><title>x</title><script src="digit-pad.js"></script><digit-pad></digit-pad>
<script>window.events = []; for (const type of ['digit', 'number']) document.querySelector('digit-pad').addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));</script>`,
    ],
    '/digit-pad.js': [
      'text/javascript',
      readFileSync(join(installed, 'dist', 'web', 'digit-pad.js')),
    ],
    '/digitrec-model.json': [
      'application/json',
      readFileSync(join(installed, 'models', 'default.json')),
    ],
  };
  const server = createServer((request, response) => {
    const file = served[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForSelector('digit-pad[data-state="ready"]');
    const four = parseDrawingJson(
      readFileSync(join(installed, 'examples', 'four.json'), 'utf8'),
      'four.json',
    );
    for (const stroke of four.strokes)
      await mouseStroke(page, model, stroke, true, true, 'digit-pad canvas');
    await page.waitForFunction(() => window.events.length > 0, undefined, { timeout: 5000 });
    const detail = await page.evaluate(() => window.events[0].detail);
    assert.equal(detail.digit, 4);
    assert.equal(detail.verdict, 'digit');
    // The same element switched to number mode: a wide pad that reads "2026".
    await page.evaluate(() =>
      (
        document.querySelector('digit-pad') as { setAttribute(k: string, v: string): void }
      ).setAttribute('mode', 'number'),
    );
    const year = onNumberPad(templateNumber('2026', createRng(2026)).drawing, model.canvas.size);
    await mouseWrite(page, model, year, 'digit-pad canvas');
    await page.waitForFunction(
      () => window.events.some((e) => e.type === 'number' && e.detail.number === '2026'),
      undefined,
      { timeout: 10_000 },
    );
  } finally {
    await browser.close();
    server.close();
  }
});
