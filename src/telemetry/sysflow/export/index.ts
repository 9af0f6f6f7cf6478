/** SysFlow exporters: terminal, JSON-lines file, Elasticsearch/OpenSearch bulk with a disk spool, the embedded store. */
export { EXPORTERS, createExporter } from './registry.ts';
export { LineExporter, terminalExporter, fileExporter, nullExporter } from './lines.ts';
export { ElasticExporter, elasticOptionsFrom, type ElasticExporterOptions } from './elastic.ts';
export { localExporter, type LocalExporterOptions } from './local.ts';
export { Spool } from './spool.ts';
export { AsyncQueue } from './queue.ts';
export { lineEncoder, processedToJson } from './encode.ts';
