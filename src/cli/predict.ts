/** `digitrec predict`: the digit, confidence and probabilities for image or stroke files. */
import { readFileSync } from 'node:fs';
import type { Recognition } from '../core/contracts.js';
import { formatConfidence, percentLabel } from '../core/percent.js';
import { createRecognizer } from '../core/recognizer.js';
import { parseDrawingJson } from '../data/drawing-json.js';
import { decodeImage } from '../data/image-decode.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { type OptionSpec, parseArgs, UsageError } from './args.js';
import { checkInputFile } from './paths.js';

const SPEC: OptionSpec = { model: 'string', json: 'boolean', help: 'boolean' };

export const PREDICT_HELP = `digitrec predict FILE… [--model FILE] [--json]
  FILE        a PNG or JPEG image (any size, either polarity), or a drawing as JSON
              ({"strokes": [[[x, y], …], …], "width": 280, "height": 280, "brushWidth": 18})
  --model     the model file                                  [the default model]
  --json      one JSON object per file, one per line`;

/** Recognises one file. */
function recognizeFile(path: string, recognizer: ReturnType<typeof createRecognizer>): Recognition {
  const bytes = readFileSync(path);
  if (path.toLowerCase().endsWith('.json')) {
    return recognizer.recognizeDrawing(parseDrawingJson(bytes.toString('utf8'), path));
  }
  return recognizer.recognizeImage(decodeImage(new Uint8Array(bytes), path));
}

/** Runs `digitrec predict`; returns the recognitions. */
export function predictCommand(argv: string[], log: (s: string) => void = console.log) {
  const { options, positionals } = parseArgs(argv, SPEC);
  if (positionals.length === 0) throw new UsageError('predict needs at least one FILE');
  if (typeof options.model === 'string') checkInputFile(options.model, '--model');
  for (const file of positionals) checkInputFile(file, 'input');
  const model = loadModel(typeof options.model === 'string' ? options.model : DEFAULT_MODEL_PATH);
  const recognizer = createRecognizer(model);
  return positionals.map((file) => {
    const r = recognizeFile(file, recognizer);
    const status = r.empty
      ? 'empty'
      : r.accepted
        ? 'accepted'
        : r.verdict === 'not-a-digit'
          ? 'not-a-digit'
          : 'redraw';
    if (options.json) {
      log(
        JSON.stringify({
          file,
          digit: r.empty ? null : r.digit,
          confidence: r.confidence,
          probabilities: r.probabilities,
          accepted: r.accepted,
          verdict: r.verdict,
          notDigit: r.notDigit,
          status,
          model: model.id,
        }),
      );
    } else if (r.empty) {
      log(`${file}: empty — no ink found, nothing to recognise`);
    } else {
      const probs = r.probabilities.map((p, d) => `${d}:${percentLabel(p)}`).join(' ');
      const verdict = r.accepted
        ? `${r.digit} (${formatConfidence(r.confidence)} sure)`
        : r.verdict === 'not-a-digit'
          ? `that doesn't look like a digit (${formatConfidence(r.notDigit ?? 1)} not a digit; closest ${r.digit})`
          : `not sure — ${r.top2[0]} or ${r.top2[1]}? (${formatConfidence(r.confidence)}); please redraw`;
      log(`${file}: ${verdict}\n  ${probs}`);
    }
    return { file, ...r, status };
  });
}
