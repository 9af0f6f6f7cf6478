/** Renderers of displays and execution summaries (text table, json, jsonl, csv); errors: `error.ts`. */
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
  displayToCsv,
  displayToJson,
  type OutputFormat,
} from './formats.ts';
