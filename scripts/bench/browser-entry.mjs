// The bench page's script (bundled by scripts/bench.mjs with esbuild): recognition from strokes
// through the core bundle — the draw page's `recognizeDrawing`, both readers fused — timed in the
// page, with each stage's share (scripts/bench/recognition.mjs); and adapting the page's recognizer
// to one more example of a person's hand (scripts/bench/personal.mjs). Not part of the app.
import { linearLogits, packWeights } from '../../src/core/calibrated-model.ts';
import { extractFeatures } from '../../src/core/features.ts';
import { parseModelFile } from '../../src/core/model-file.ts';
import { drawingFeatures, Personaliser } from '../../src/core/personal.ts';
import { preprocessDrawing } from '../../src/core/preprocess.ts';
import { createRecognizer } from '../../src/core/recognizer.ts';
import { generateTemplateDrawings } from '../../src/core/synth/generate.ts';
import { TRAJECTORY_LENGTH, trajectoryFeatures } from '../../src/core/trajectory.ts';
import { DIGIT_STROKES, drawingOf } from '../../src/server/test-digits.ts';
import { runPersonalBench } from './personal.mjs';
import { runRecognitionBench } from './recognition.mjs';

const core = {
  createRecognizer,
  preprocessDrawing,
  extractFeatures,
  trajectoryFeatures,
  packWeights,
  linearLogits,
  TRAJECTORY_LENGTH,
};

/** Runs `iterations` recognitions after `warmup`, returning each one's milliseconds and stages. */
async function runBench(iterations, warmup) {
  const model = parseModelFile(await (await fetch('/model.json')).json());
  const drawings = Object.values(DIGIT_STROKES).map((s) => drawingOf(s));
  return {
    ...runRecognitionBench(core, model, drawings, { iterations, warmup }),
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

globalThis.runBench = runBench;

/** Adapting to one more example (scripts/bench/personal.mjs), in the page. */
async function runPersonal(sizes, repeats) {
  const model = parseModelFile(await (await fetch('/model.json')).json());
  const personalCore = {
    Personaliser,
    drawingFeatures,
    createRecognizer,
    generateTemplateDrawings,
  };
  return runPersonalBench(personalCore, model, { sizes, repeats });
}

globalThis.runPersonal = runPersonal;
