/**
 * The exporters, by `export` name: one factory per target in a closed table, so a new target breaks `tsc` until it
 * is listed. The CLI lists them from {@link EXPORTERS}.
 */
import { InputError } from '../../../errors/index.ts';
import type { ExportTarget, ExporterStage } from '../processor/config.ts';
import type { Exporter } from '../processor/types.ts';

type Factory = (stage: ExporterStage) => Promise<Exporter>;

export const EXPORTERS: Readonly<Record<ExportTarget, { readonly doc: string; readonly create: Factory }>> = {
  terminal: {
    doc: 'one JSON object per line on standard output (format json or ecs)',
    create: async (s) => (await import('./lines.ts')).terminalExporter(s.format),
  },
  file: {
    doc: 'a JSON-lines file (file.path, default ./export.out)',
    create: async (s) =>
      (await import('./lines.ts')).fileExporter(s.format, s.options['file.path'] ?? 'export.out'),
  },
  elastic: {
    doc: 'Elasticsearch/OpenSearch bulk: <es.index>-alerts / <es.index>-events, idempotent ids, retries, disk spool',
    create: async (s) => {
      const { ElasticExporter, elasticOptionsFrom } = await import('./elastic.ts');
      return ElasticExporter.open(elasticOptionsFrom(s.options));
    },
  },
  local: {
    doc: 'the embedded store: <local.index>-alerts / <local.index>-events (local.path)',
    create: async (s) =>
      (await import('./local.ts')).localExporter({
        path: s.options['local.path'],
        prefix: s.options['local.index'] ?? s.options['es.index'] ?? 'sysflow',
      }),
  },
  null: {
    doc: 'discard (count only)',
    create: async () => (await import('./lines.ts')).nullExporter(),
  },
};

export async function createExporter(stage: ExporterStage): Promise<Exporter> {
  const entry = EXPORTERS[stage.export];
  if (!entry) throw new InputError('E_EXPORT_UNKNOWN', `unknown exporter ${String(stage.export)}`);
  return entry.create(stage);
}
