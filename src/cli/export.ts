/**
 * `digitrec export`: the model's readers for other ecosystems — ONNX graphs, scikit-learn
 * attributes as JSON — and the feature rows they read, computed by digitrec.
 */
import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ONNX_ELEMENT_TYPES, type OnnxElementType, onnxModel } from '../core/onnx.js';
import {
  EXPORTED_READERS,
  type ExportedReaderName,
  exportedReaders,
  readerInputs,
  sklearnExport,
} from '../core/reader-export.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { featurizeData, loadDataSource } from '../data/sources.js';
import { parseArgs, UsageError } from './args.js';
import { checkInputFile, checkOutputFile, PathError } from './paths.js';

const FORMATS = ['onnx', 'sklearn', 'features'] as const;

export const EXPORT_HELP = `digitrec export --format onnx|sklearn|features --out PATH [options]   the model for other ecosystems
  --format onnx        one ONNX file per reader in the folder --out (made if missing):
                       ${EXPORTED_READERS.map((r) => `${r}.onnx`).join(', ')} (those the model has);
                       each is Softmax(Gemm(features, W, b)), temperature baked in
  --format sklearn     one JSON file: each reader's coef_, intercept_, classes_ and the
                       preprocessing (scikit-learn's LogisticRegression.predict_proba)
  --format features    the rows a reader reads for each item of --data, as CSV
                       (label, then the features)
  --model FILE         the model file                                   [the default model]
  --dtype T            onnx: float32 or float64 tensors                 [float32]
  --data SOURCE        features: mnist-test, a CSV, image folder, strokes JSONL, …
  --reader R           features: ${EXPORTED_READERS.join(', ')}
                       [drawing for drawings, image for images]
  --out PATH           the folder (onnx) or file (sklearn, features) to write`;

/** Runs `digitrec export`; returns the files written. */
export function exportCommand(argv: string[], log: (s: string) => void = console.log): string[] {
  const { options, positionals } = parseArgs(argv, {
    format: 'string',
    model: 'string',
    dtype: 'string',
    data: 'string',
    reader: 'string',
    out: 'string',
    help: 'boolean',
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const format = options.format;
  if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format))
    throw new UsageError(
      `--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format ?? null)}`,
    );
  if (typeof options.out !== 'string') throw new UsageError('--out PATH is required');
  const out = options.out;
  for (const name of ['dtype'] as const)
    if (options[name] !== undefined && format !== 'onnx')
      throw new UsageError(`--${name} is for --format onnx only`);
  for (const name of ['data', 'reader'] as const)
    if (options[name] !== undefined && format !== 'features')
      throw new UsageError(`--${name} is for --format features only`);
  if (typeof options.model === 'string') checkInputFile(options.model, '--model');
  const model = loadModel(typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH);

  if (format === 'onnx') {
    const dtype = (options.dtype ?? 'float32') as OnnxElementType;
    if (!(dtype in ONNX_ELEMENT_TYPES))
      throw new UsageError(`--dtype must be float32 or float64, got ${JSON.stringify(dtype)}`);
    makeFolder(out);
    return exportedReaders(model).map((reader) => {
      const path = join(out, `${reader.name}.onnx`);
      writeFileSync(path, onnxModel(reader, { type: dtype, metadata: { model: model.id } }));
      log(
        `${path}: ${reader.name} reader, ${reader.nFeatures} → ${reader.classes.length} (${dtype})`,
      );
      return path;
    });
  }
  checkOutputFile(out, '--out');
  if (format === 'sklearn') {
    const json = sklearnExport(model);
    writeFileSync(out, `${JSON.stringify(json)}\n`);
    log(`${out}: ${Object.keys(json.readers).join(', ')} readers of model ${model.id}`);
    return [out];
  }
  if (typeof options.data !== 'string') throw new UsageError('--format features needs --data');
  const data = loadDataSource(options.data);
  const readers = exportedReaders(model).map((r) => r.name);
  const reader = (options.reader ??
    (data.kind === 'drawings' && readers.includes('drawing') ? 'drawing' : 'image')) as string;
  if (!readers.includes(reader as ExportedReaderName))
    throw new UsageError(
      `--reader must be one of the model's readers (${readers.join(', ')}), got ${JSON.stringify(reader)}`,
    );
  let rows: { label: number; x: Float32Array }[];
  if (reader === 'image') {
    const set = featurizeData(data, model.features, model.preprocessing);
    const d = set.X.d;
    rows = Array.from(set.y, (label, i) => ({
      label,
      x: set.X.data.subarray(i * d, (i + 1) * d),
    }));
  } else {
    if (data.kind !== 'drawings')
      throw new UsageError(`--reader ${reader} reads strokes: --data must hold drawings`);
    rows = data.drawings.map((d) => ({
      label: d.label,
      x: readerInputs(model, d.drawing)[reader as ExportedReaderName] as Float32Array,
    }));
  }
  const d = rows[0]?.x.length ?? 0;
  const header = ['label', ...Array.from({ length: d }, (_, j) => `f${j}`)].join(',');
  // A row at a time: MNIST's 10,000 rows of 1,620 features are 150 MB of text.
  const fd = openSync(out, 'w');
  try {
    writeSync(fd, `${header}\n`);
    for (const r of rows) writeSync(fd, `${r.label},${r.x.join(',')}\n`);
  } finally {
    closeSync(fd);
  }
  log(`${out}: ${rows.length} rows of the ${reader} reader's ${d} features`);
  return [out];
}

function makeFolder(path: string): void {
  try {
    if (!statSync(path).isDirectory())
      throw new PathError(`--out ${path} is a file; --format onnx writes a folder`);
  } catch (err) {
    if (err instanceof PathError) throw err;
    mkdirSync(path, { recursive: true });
  }
}
