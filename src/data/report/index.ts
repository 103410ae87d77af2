/**
 * The evaluation report, for the CLI (`digitrec report`) and the server's data page:
 * `evaluateForReport(models, data, name)` per data set, then `buildReport({ models, sets })` for
 * one self-contained HTML page.
 */
export { buildReport, MODEL_COLOURS, type ReportInput, type ReportModel } from './build.js';
export {
  type EvaluateProgress,
  evaluateForReport,
  type ReportMistake,
  type SetEvaluation,
} from './evaluate.js';
