/**
 * The index template installed before the first bulk request: the one ECS index mapping (`src/mapping`, generated
 * from `data/ecs-fields.json`, the same `peregrine ingest --to PROFILE` gives the indices it creates). Matches
 * `<prefix>-alerts` and `<prefix>-events` of one exporter prefix (e.g. `container1-sysflow-*`).
 */
import { ecsIndexMapping } from '../../../mapping/index.ts';

/** The composable index template body for indices named `<prefix>-*`. */
export function indexTemplate(prefix: string): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}-*`],
    priority: 200,
    template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: ecsIndexMapping() },
    _meta: { description: 'Peregrine SysFlow ECS documents', ecs_version: '8.11.0' },
  };
}
