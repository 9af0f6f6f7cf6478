/** Ingestion of ECS documents (NDJSON, Elastic bulk, JSON, STIX bundles) into the embedded store or Elastic. */
export { ingest, formatSummary, type IngestOptions, type IngestSummary } from './ingest.ts';
export { detectFormat, recordsOf, FORMATS, type Format, type IngestRecord } from './formats.ts';
export { bulkToElastic, elasticTarget, documentId, type ElasticTarget } from './elastic-target.ts';
export { readLineRuns, readLines, type LineRun } from './lines.ts';
export { nothingIngestedError } from './rejected.ts';
