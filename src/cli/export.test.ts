/**
 * `digitrec export`: the ONNX files run in onnxruntime-node give digitrec's own probabilities
 * (MNIST test for the image reader, generated drawings for the others), and the README's Python
 * snippet turns the scikit-learn JSON into the same probabilities (when python3-sklearn is here).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { modelProbabilities } from '../core/batch.js';
import type { ModelFile } from '../core/contracts.js';
import { featurizeImageSet } from '../core/dataset.js';
import { imageFromBytes } from '../core/preprocess.js';
import { readerInputs } from '../core/reader-export.js';
import { createRecognizer } from '../core/recognizer.js';
import type { LabelledDrawing } from '../core/types.js';
import { loadMnist } from '../data/mnist.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { formatStrokesJsonl } from '../data/strokes-jsonl.js';
import { syntheticDrawings } from '../data/synthetic.js';
import { cliHarness } from './test-harness.js';

const { dir, run } = cliHarness('export');
const model: ModelFile = loadModel(DEFAULT_MODEL_PATH);
const recognizer = createRecognizer(model);
/** Template drawings (no MNIST re-strokes), seeded: strokes for the drawing readers. */
const drawings: LabelledDrawing[] = syntheticDrawings(300, 14, {
  mix: { templates: 1, restroked: 0 },
});

function exportOnnx(dtype: 'float32' | 'float64'): string {
  const out = join(dir, `onnx-${dtype}`);
  const r = run('export', '--format', 'onnx', '--dtype', dtype, '--out', out);
  assert.equal(r.code, 0, r.err);
  for (const name of ['image', 'drawing', 'online', 'not-a-digit'])
    assert.match(r.out, new RegExp(`${name}\\.onnx: ${name} reader`));
  return out;
}

/** Runs one exported file on rows (n × d, row-major); returns the n × k probabilities. */
async function runOnnx(
  file: string,
  rows: Float32Array,
  d: number,
  dtype: 'float32' | 'float64',
): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(readFileSync(file));
  assert.deepEqual(session.inputNames, ['features']);
  assert.deepEqual(session.outputNames, ['probabilities']);
  const data = dtype === 'float32' ? rows : Float64Array.from(rows);
  const out = await session.run({
    features: new ort.Tensor(dtype, data, [rows.length / d, d]),
  });
  return Float64Array.from(out.probabilities.data as Float32Array | Float64Array);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The rows of one reader for every drawing, stacked. */
function stacked(name: 'drawing' | 'online' | 'not-a-digit'): { rows: Float32Array; d: number } {
  const each = drawings.map((l) => readerInputs(model, l.drawing)[name] as Float32Array);
  const d = each[0].length;
  const rows = new Float32Array(each.length * d);
  each.forEach((x, i) => {
    rows.set(x, i * d);
  });
  return { rows, d };
}

for (const [dtype, tolerance] of [
  ['float32', 1e-5],
  ['float64', 1e-12],
] as const) {
  test(`ONNX (${dtype}): image.onnx on the 10,000 MNIST test images gives digitrec's probabilities within ${tolerance}`, async (t) => {
    const out = exportOnnx(dtype);
    const mnist = loadMnist('test');
    const set = featurizeImageSet(mnist, {
      features: model.features,
      preprocessing: model.preprocessing,
    });
    const want = modelProbabilities(model, set.X);
    // The batch path is the recognizer's: check it on the first images.
    for (let i = 0; i < 20; i++) {
      const r = recognizer.recognizeImage(imageFromBytes(mnist.pixels, 28, 28, i * 784));
      assert.ok(maxDiff(r.probabilities, want.subarray(i * 10, i * 10 + 10)) < 1e-12);
    }
    const got = await runOnnx(join(out, 'image.onnx'), set.X.data, set.X.d, dtype);
    const diff = maxDiff(got, want);
    t.diagnostic(`largest difference from digitrec's probabilities: ${diff}`);
    assert.ok(diff < tolerance, `largest difference ${diff}`);
    assert.ok(diff > 0 || dtype === 'float64', 'float32 arithmetic cannot be exact everywhere');
  });

  test(`ONNX (${dtype}): drawing, online and not-a-digit readers give the recognizer's answers on ${drawings.length} drawings`, async () => {
    const out = join(dir, `onnx-${dtype}`);
    const answers = drawings.map((l) => recognizer.recognizeDrawing(l.drawing));
    const fused = stacked('drawing');
    const p = await runOnnx(join(out, 'drawing.onnx'), fused.rows, fused.d, dtype);
    assert.ok(
      maxDiff(
        p,
        answers.flatMap((a) => a.probabilities),
      ) < tolerance,
    );

    const online = stacked('online');
    const q = await runOnnx(join(out, 'online.onnx'), online.rows, online.d, dtype);
    answers.forEach((a, i) => {
      const row = Array.from(q.subarray(i * 10, i * 10 + 10));
      const best = row.indexOf(Math.max(...row));
      assert.equal(best, a.readers?.online?.digit);
      assert.ok(Math.abs(row[best] - (a.readers?.online?.confidence ?? -1)) < tolerance);
    });

    const junk = stacked('not-a-digit');
    const z = await runOnnx(join(out, 'not-a-digit.onnx'), junk.rows, junk.d, dtype);
    let compared = 0;
    answers.forEach((a, i) => {
      // Outside the digits' geometric range digitrec answers 1 without the regression.
      if (a.notDigit === 1) return;
      compared++;
      assert.ok(Math.abs(z[2 * i + 1] - (a.notDigit ?? -1)) < tolerance, `drawing ${i}`);
    });
    assert.ok(compared > drawings.length * 0.9, `only ${compared} drawings in range`);
  });
}

test('bad export options are usage errors naming the option', () => {
  const r = run('export', '--format', 'pmml', '--out', 'x');
  assert.equal(r.code, 2);
  assert.match(r.err, /--format must be one of onnx, sklearn, features, got "pmml"/);
  const d = run('export', '--format', 'onnx', '--dtype', 'int8', '--out', 'x');
  assert.match(d.err, /--dtype must be float32 or float64, got "int8"/);
  const f = run('export', '--format', 'features', '--out', 'f.csv');
  assert.match(f.err, /--format features needs --data/);
});

/** The Python that has scikit-learn, if any. */
function pythonWithSklearn(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import sklearn'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return undefined;
}

/** The README's Python snippet: the code block after the `sklearn-snippet` marker. */
function readmeSnippet(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const m = /<!-- sklearn-snippet -->\s*```python\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'README.md has the sklearn snippet');
  return m[1];
}

test('the README Python snippet is at most 20 lines', () => {
  assert.ok(readmeSnippet().trimEnd().split('\n').length <= 20);
});

const python = pythonWithSklearn();
test("the README's Python snippet: scikit-learn's predict_proba gives digitrec's probabilities", {
  skip: python
    ? false
    : 'python3 with scikit-learn is not installed (apt-get install python3-sklearn)',
}, (t) => {
  const snippet = join(dir, 'snippet.py');
  writeFileSync(snippet, readmeSnippet());
  const sk = join(dir, 'model.sklearn.json');
  assert.equal(run('export', '--format', 'sklearn', '--out', sk).code, 0);
  const strokes = join(dir, 'drawings.jsonl');
  writeFileSync(strokes, formatStrokesJsonl(drawings.slice(0, 60)));
  const answers = drawings.slice(0, 60).map((l) => recognizer.recognizeDrawing(l.drawing));
  const cases = [
    {
      reader: 'image',
      data: resolve(import.meta.dirname, '..', '..', 'examples', 'digits.csv'),
      want: imageWant(resolve(import.meta.dirname, '..', '..', 'examples', 'digits.csv')),
    },
    { reader: 'drawing', data: strokes, want: answers.flatMap((a) => a.probabilities) },
    {
      reader: 'not-a-digit',
      data: strokes,
      want: answers.flatMap((a) =>
        a.notDigit === 1 ? [Number.NaN, Number.NaN] : [1 - (a.notDigit ?? 0), a.notDigit ?? 0],
      ),
    },
  ];
  for (const c of cases) {
    const features = join(dir, `${c.reader}.csv`);
    const e = run(
      'export',
      '--format',
      'features',
      '--data',
      c.data,
      '--reader',
      c.reader,
      '--out',
      features,
    );
    assert.equal(e.code, 0, e.err);
    const py = spawnSync(python as string, [snippet, sk, features, c.reader], {
      encoding: 'utf8',
      cwd: dir,
    });
    assert.equal(py.status, 0, py.stderr);
    const got = py.stdout
      .trim()
      .split('\n')
      .flatMap((line) => line.split(',').map(Number));
    const want = c.want;
    assert.equal(got.length, want.length);
    let d = 0;
    for (let i = 0; i < got.length; i++)
      if (!Number.isNaN(want[i])) d = Math.max(d, Math.abs(got[i] - want[i]));
    t.diagnostic(`${c.reader}: largest difference from digitrec ${d}`);
    assert.ok(d < 1e-9, `${c.reader}: largest difference ${d}`);
  }
});

/** digitrec's probabilities of a digit CSV's images (the recognizer, image by image). */
function imageWant(csv: string): number[] {
  const lines = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  return lines.flatMap((line) => {
    const bytes = Uint8Array.from(line.split(',').slice(1).map(Number));
    return recognizer.recognizeImage(imageFromBytes(bytes, 28, 28, 0)).probabilities;
  });
}
