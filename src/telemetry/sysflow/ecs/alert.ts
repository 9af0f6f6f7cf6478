/**
 * What a rule match adds to an ECS document: `rule.*`, `tags` (the rules' tags, then each ATT&CK technique id alone)
 * and `threat.*` from the ATT&CK table, and the highest severity of the matched rules.
 */
import { technique, techniqueIdOfTag } from '../policy/attack.ts';
import { severityOf, type RuleMatch } from '../processor/types.ts';

export interface AlertFields {
  readonly rule: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** `event.severity`: 1 low, 2 medium, 3 high. */
  readonly severity: number;
  /** Absent when no tag names an ATT&CK technique. */
  readonly threat?: Readonly<Record<string, unknown>>;
}

/** The rule, tag and threat fields of the matched rules (at least one). */
export function alertFields(matches: readonly RuleMatch[]): AlertFields {
  const tags: string[] = [];
  const techIds: string[] = [];
  let severity = 0;
  for (const m of matches) {
    severity = Math.max(severity, severityOf(m.priority));
    for (const t of m.tags) {
      if (!tags.includes(t)) tags.push(t);
      const id = techniqueIdOfTag(t);
      if (id && !techIds.includes(id)) techIds.push(id);
    }
  }
  for (const id of techIds) if (!tags.includes(id)) tags.push(id);
  const rule =
    matches.length === 1
      ? {
          name: matches[0].name,
          ...(matches[0].description ? { description: matches[0].description } : {}),
        }
      : { name: matches.map((m) => m.name) };
  if (techIds.length === 0) return { rule, tags, severity };
  const names: string[] = [];
  const tactics: string[] = [];
  for (const id of techIds) {
    const t = technique(id);
    names.push(t?.name ?? id);
    for (const tac of t?.tactics ?? []) if (!tactics.includes(tac)) tactics.push(tac);
  }
  const threat: Record<string, unknown> = {
    framework: 'MITRE ATT&CK',
    technique: {
      id: techIds,
      name: names,
      reference: techIds.map((id) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`),
    },
  };
  if (tactics.length > 0) threat.tactic = { name: tactics };
  return { rule, tags, severity, threat };
}
