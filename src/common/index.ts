/** Small helpers every stage may use; each file is one idea. This file only re-exports. */
export {
  editDistance,
  nearest,
  nearNames,
  didYouMean,
  type EditDistanceOptions,
  type NearestOptions,
} from './suggest.ts';
export { deepFreeze } from './freeze.ts';
export { LineIndex } from './line-index.ts';
export {
  compileRegex,
  escapeRegex,
  inlineFlags,
  isValidRegex,
  unsupportedConstruct,
  type Regex,
  type RegexFlags,
  type RegexOrigin,
} from './regex.ts';
export { quoteIdent, sqlString, jsonPathKey } from './sql-quote.ts';
export { valueListParam, type ValueListParam } from './value-list.ts';
export { csvField, csvTable } from './csv.ts';
export type { DoctorCheck, DoctorFinding, DoctorOptions } from './doctor.ts';
export { escapeControls, hasControls } from './escape-controls.ts';
export { escapeMarkup } from './escape-markup.ts';
export { addressText, cidrBounds, cidrContains, parseCidr, type Cidr } from './cidr.ts';
export { parseJsonData, type JsonDataKind } from './json-data.ts';
export { allOf, anyOf, type Pred } from './predicates.ts';
