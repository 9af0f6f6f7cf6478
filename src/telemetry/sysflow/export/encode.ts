/**
 * Text encodings of processed events shared by the line-oriented exporters (terminal, file):
 * - `json`: the SysFlow view — type name, the record, its resolved process / parent / file / container, and the
 *   matched rules (`policies`), one JSON object per line, bigints as decimal strings;
 * - `ecs`: the ECS document (`../ecs/`), one per line.
 */
import { toEcs } from '../ecs/document.ts';
import { itemToJson } from '../format/print.ts';
import { bigintReplacer } from '../records/index.ts';
import type { ExportFormat } from '../processor/config.ts';
import type { ProcessedEvent } from '../processor/types.ts';

export function processedToJson(p: ProcessedEvent): Record<string, unknown> {
  const obj = itemToJson({ record: p.event.record, event: p.event });
  if (p.matches.length > 0) {
    obj.policies = p.matches.map((m) => ({ name: m.name, priority: m.priority, tags: m.tags }));
  }
  return obj;
}

/** The line encoder of a format (no trailing newline). */
export function lineEncoder(format: ExportFormat): (p: ProcessedEvent) => string {
  return format === 'ecs'
    ? (p) => JSON.stringify(toEcs(p))
    : (p) => JSON.stringify(processedToJson(p), bigintReplacer);
}
