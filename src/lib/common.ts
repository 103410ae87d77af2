/** The library's exports that are the same in Node and in a browser. */
export { LIMITS } from '../contracts/limits.js';
export type {
  CanvasSpec,
  ModelFile,
  PreprocessOptions,
  ReaderAnswer,
  Recognition,
  Recognizer,
  Verdict,
} from '../core/contracts.js';
export { VERDICTS } from '../core/contracts.js';
export { ModelFormatError, parseModelFile, serialiseModelFile } from '../core/model-file.js';
export {
  NUMBER_THRESHOLD,
  type NumberAlternative,
  type NumberDigit,
  type NumberHints,
  type NumberOptions,
  type NumberReading,
} from '../core/number.js';
export { onnxModel } from '../core/onnx.js';
export { type Preprocessed, preprocessDrawing, preprocessImage } from '../core/preprocess.js';
export { type RasteriseOptions, rasterise } from '../core/rasterise.js';
export {
  EXPORTED_READERS,
  type ExportedReader,
  exportedReaders,
  type ReaderInputs,
  readerInputs,
  sklearnExport,
} from '../core/reader-export.js';
export { createRecognizer, DIGITS } from '../core/recognizer.js';
export type { Drawing, GrayImage, Point, Stroke } from '../core/types.js';
export { CANONICAL_SIZE } from '../core/types.js';
export { checkDrawing } from './drawing.js';
export { type ModelOrRecognizer, recognizerOf } from './recognize.js';
