/**
 * Renderers of displays and execution summaries (text table, json, jsonl, csv) and of query progress; errors and
 * warnings: `error.ts`.
 */
export {
  renderTextTable,
  renderDisplayText,
  renderSummaryText,
  summaryTable,
  cellText,
  type TableOptions,
} from './table.ts';
export {
  FORMATS,
  isOutputFormat,
  renderResult,
  displayText,
  displayToCsv,
  displayToJson,
  type OutputFormat,
} from './formats.ts';
export { ProgressReporter, progressLine } from './progress.ts';
export { writeDisplayFiles, type DisplayFiles } from './display-files.ts';
export { vegaLiteSvg, svgPng } from './vega.ts';
