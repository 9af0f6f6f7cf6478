/**
 * SysFlow → ECS 8.x: one document per processed event, built by the map in `data/sysflow-ecs.json` (compiled once,
 * `map.ts`) from the readers of `sources.ts`. The field-by-field mapping and its reasons are in `docs/sysflow-ecs.md`;
 * in short:
 * - ECS fields where ECS has them (`process.*` with `parent`, `entity_id` and an `args` array, `user.*`, `file.*`,
 *   `source`/`destination`/`network.transport`, `container.*`, `orchestrator.*`, `host.*`, `event.*` with array
 *   `category`/`type`, `rule.*`, `threat.*`, `tags`);
 * - the four fields sf-processor's own ECS encoder writes outside ECS and that existing SysFlow consumers (and the
 *   STIX↔ECS map) read: `event.sf_type`, `event.sf_ret`, `container.sf_privileged`, `sf_file_action.*`;
 * - everything SysFlow-specific under `sysflow.*` (opflags, open flags, fd, flow counters, k8s event, node, rules).
 * Sub-objects for processes and users are cached per process record and shared between documents: treat documents
 * as read-only (every exporter serialises them).
 * A rule match makes the document an alert: `event.kind: alert`, `event.severity` (1 low, 2 medium, 3 high),
 * `event.reason`, `rule.name`, `tags` (the rules' tags plus each `mitre:Txxxx` as a bare `Txxxx`), and
 * `threat.technique.id/name` + `threat.tactic.name` from the ATT&CK table.
 */
import type { ProcessedEvent } from '../processor/types.ts';
import { sysflowEcsBuilders } from './map.ts';
import { ecsContext } from './sources.ts';

/** An ECS document (plain JSON; no bigint inside). */
export type EcsDocument = Record<string, unknown>;

/** The ECS document of a processed event. */
export function toEcs(p: ProcessedEvent): EcsDocument {
  return sysflowEcsBuilders()[p.event.record.kind](ecsContext(p));
}
