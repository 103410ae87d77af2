/**
 * Reading and writing model files on disk. Parsing and validation are the core's
 * (`parseModelFile`); this adds the file name to errors, the content-hash id, and atomic writes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFile } from '../core/contracts.js';
import { ModelFormatError, parseModelText, serialiseModelFile } from '../core/model-file.js';

/** The committed default model, reproduced by `npm run train:default`. */
export const DEFAULT_MODEL_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'models',
  'default.json',
);

/** Loads and validates a model file; errors name the file. */
export function loadModel(path: string): ModelFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelFormatError(`cannot read model file ${path}: ${(err as Error).message}`);
  }
  return parseModelText(text, path);
}

/**
 * The model's version id: a short SHA-256 of everything that changes its predictions
 * (features, preprocessing, weights, intercepts, temperature, threshold; the online reader and
 * the fusion, and the not-a-digit reader with its geometric range, when there are).
 */
export function modelId(model: Omit<ModelFile, 'id'>): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify([
      model.features,
      model.preprocessing,
      model.classes,
      model.weights,
      model.intercepts,
      model.temperature,
      model.threshold,
      ...(model.online && model.fusion
        ? [
            model.online.weights,
            model.online.intercepts,
            model.fusion.onlineWeight,
            model.fusion.temperature,
            model.fusion.threshold,
          ]
        : []),
      ...(model.junk
        ? [
            model.junk.weights,
            model.junk.intercepts,
            model.junk.threshold,
            model.junk.geometryRange,
          ]
        : []),
    ]),
  );
  return h.digest('hex').slice(0, 12);
}

/** Writes a model file atomically (temp file + rename), so a crash never leaves half a model. */
export function saveModel(path: string, model: ModelFile): void {
  const tmp = join(dirname(path), `.${Date.now()}-${process.pid}.tmp`);
  writeFileSync(tmp, serialiseModelFile(model));
  renameSync(tmp, path);
}
