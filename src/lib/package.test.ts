/**
 * The package as other people's code sees it: imported by its name through package.json's
 * `exports` (from a temporary project whose node_modules/digitrec links to this clone), in Node,
 * under the `browser` condition, bundled by esbuild for a browser, and type-checked by tsc.
 * Needs `npm run build` (the entries and their declarations are in dist/).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { createRecognizer } from '../core/recognizer.js';
import { parseDrawingJson } from '../data/drawing-json.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FOUR = join(ROOT, 'examples', 'four.json');
let dir: string;

before(() => {
  for (const f of ['index.js', 'index.d.ts', 'browser.js', 'browser.d.ts'])
    assert.ok(existsSync(join(ROOT, 'dist', 'lib', f)), `dist/lib/${f} missing: run npm run build`);
  dir = mkdtempSync(join(tmpdir(), 'digitrec-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'digitrec'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type": "module", "private": true}\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a script of the consumer project with node; returns its stdout parsed as JSON. */
function runNode(file: string, source: string, args: string[] = []): unknown {
  writeFileSync(join(dir, file), source);
  const r = spawnSync(process.execPath, [...args, file], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `node ${file} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** What the core itself answers for the example 4 with the default model. */
function expectedFour() {
  const model = loadModel(DEFAULT_MODEL_PATH);
  const drawing = parseDrawingJson(readFileSync(FOUR, 'utf8'), FOUR, {
    width: model.canvas.size,
    height: model.canvas.size,
    brushWidth: model.canvas.brushWidth,
  });
  return createRecognizer(model).recognizeDrawing(drawing);
}

test('Node imports the package by name: the bundled model reads the example 4 as the core does', () => {
  const out = runNode(
    'node-consumer.mjs',
    `import { readFileSync } from 'node:fs';
import * as digitrec from 'digitrec';
const { recognizeDrawing, loadModel, createRecognizer, rasterise, checkDrawing } = digitrec;
const drawing = JSON.parse(readFileSync(${JSON.stringify(FOUR)}, 'utf8'));
const r = recognizeDrawing(drawing);
const model = loadModel();
const again = createRecognizer(model).recognizeDrawing(checkDrawing(drawing));
const img = rasterise(checkDrawing(drawing));
let ink = 0;
for (const v of img.data) ink += v;
const half = (dx) => drawing.strokes.map((st) => st.map(([x, y]) => [x * 0.8 + dx, y * 0.8 + 20]));
const n = digitrec.recognizeNumber({ ...drawing, width: 560, strokes: [...half(0), ...half(260)] });
let bad = '';
try { recognizeDrawing({ ...drawing, brushWidth: -1 }); } catch (e) { bad = e.constructor.name + ': ' + e.message; }
console.log(JSON.stringify({
  resolved: import.meta.resolve('digitrec'),
  exports: Object.keys(digitrec).sort(),
  digit: r.digit, verdict: r.verdict, probabilities: r.probabilities,
  same: JSON.stringify(again.probabilities) === JSON.stringify(r.probabilities),
  modelId: model.id, raster: [img.width, img.height, ink], bad,
  number: n.number, numberDigits: n.digits.length,
}));`,
  ) as Record<string, unknown>;
  const want = expectedFour();
  assert.match(String(out.resolved), /\/dist\/lib\/index\.js$/);
  for (const name of [
    'createRecognizer',
    'loadModel',
    'recognizeDrawing',
    'recognizeImage',
    'rasterise',
    'parseModelFile',
    'decodeImage',
    'recognizeNumber',
  ])
    assert.ok((out.exports as string[]).includes(name), `the package exports ${name}`);
  assert.equal(out.digit, 4);
  assert.equal(out.verdict, 'digit');
  assert.deepEqual(out.probabilities, want.probabilities);
  assert.equal(out.same, true);
  assert.equal(out.modelId, loadModel(DEFAULT_MODEL_PATH).id);
  const [w, h, ink] = out.raster as number[];
  assert.deepEqual([w, h], [280, 280]);
  assert.ok(ink > 1000, `the rasterised 4 has ink (${ink})`);
  assert.equal(out.number, '44', 'two 4s side by side read as the number 44');
  assert.equal(out.numberDigits, 2);
  assert.equal(out.bad, 'RangeError: drawing.brushWidth must be in (0, 64] px, got -1');
});

test('the browser condition gives the Node-free entry: loadModel fetches a URL, same answer', async () => {
  const server = createServer((request, response) => {
    if (request.url === '/models/default.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(readFileSync(DEFAULT_MODEL_PATH));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  try {
    const source = `import { readFileSync } from 'node:fs';
import { loadModel, recognizeDrawing } from 'digitrec';
const model = await loadModel('http://127.0.0.1:${port}/models/default.json');
const r = recognizeDrawing(JSON.parse(readFileSync(${JSON.stringify(FOUR)}, 'utf8')), model);
let missing = '';
try { await loadModel('http://127.0.0.1:${port}/nothing.json'); } catch (e) { missing = e.message; }
let noModel = '';
try { recognizeDrawing(JSON.parse(readFileSync(${JSON.stringify(FOUR)}, 'utf8'))); } catch (e) { noModel = e.message; }
console.log(JSON.stringify({ resolved: import.meta.resolve('digitrec'), digit: r.digit, probabilities: r.probabilities, missing, noModel }));`;
    writeFileSync(join(dir, 'browser-consumer.mjs'), source);
    // Run without blocking this process's event loop (the server above answers the fetch).
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--conditions=browser', 'browser-consumer.mjs'], {
      cwd: dir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const code = await new Promise((ok) => child.on('close', ok));
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.match(String(out.resolved), /\/dist\/lib\/browser\.js$/);
    assert.equal(out.digit, 4);
    assert.deepEqual(out.probabilities, expectedFour().probabilities);
    assert.match(String(out.missing), /nothing\.json: 404/);
    assert.match(String(out.noModel), /model must be a model file/);
  } finally {
    server.close();
  }
});

test('a bundler targeting browsers bundles the package with no Node built-ins', async () => {
  writeFileSync(
    join(dir, 'app.js'),
    `import { loadModel, recognizeDrawing, rasterise } from 'digitrec';\nexport { loadModel, recognizeDrawing, rasterise };\n`,
  );
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ['app.js'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(
    inputs.some((f) => f.endsWith('dist/lib/browser.js')),
    inputs.join('\n'),
  );
  assert.ok(!inputs.some((f) => /dist\/data\//.test(f)), 'no Node-only data code');
  assert.doesNotMatch(result.outputFiles[0].text, /from\s*["']node:/);
});

test('TypeScript finds the declarations through the exports map (nodenext and bundler)', () => {
  writeFileSync(
    join(dir, 'consumer.ts'),
    `import { type Recognition, type Verdict, loadModel, recognizeDrawing, rasterise } from 'digitrec';
const model = await loadModel();
const r: Recognition = recognizeDrawing({ strokes: [[{ x: 1, y: 2 }]], width: 280, height: 280, brushWidth: 18 }, model);
const v: Verdict = r.verdict;
const p: number[] = r.probabilities;
const img: Float32Array = rasterise({ strokes: [], width: 28, height: 28, brushWidth: 2 }).data;
// @ts-expect-error a drawing needs strokes and a canvas
recognizeDrawing({ width: 280 });
export { v, p, img };
`,
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const moduleResolution of ['nodenext', 'bundler']) {
    const r = spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--module',
        moduleResolution === 'bundler' ? 'esnext' : 'nodenext',
        '--moduleResolution',
        moduleResolution,
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules', '@types'),
        'consumer.ts',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, `tsc (${moduleResolution}):\n${r.stdout}${r.stderr}`);
  }
});
