/**
 * A rule's logsource resolved against the mapping data, and the two renamings a detection goes through: Sigma
 * field → ECS fields (for ECS documents: the hunt's stores, Elastic) and logsource → event condition (for raw
 * events that carry every kind of record, like a Windows event log).
 */
import type { Logsource, Span } from '../ast.ts';
import { Expr, fieldsOf, renameFields, visit, type Match } from '../ir.ts';
import { builtinMapping } from './load.ts';
import type { EventCondition, FieldTarget, LogsourceSpec, SigmaMappingData } from './schema.ts';

export interface ResolvedLogsource {
  /** `windows/process_creation`, `linux/service:auditd`, `windows` (product only), `?` (no product). */
  readonly key: string;
  readonly product?: string;
  /** The mapping of the product, when there is one. */
  readonly mapping?: SigmaMappingData;
  /** The logsource's entry in the mapping, when there is one. */
  readonly spec?: LogsourceSpec;
  /** STIX entity type of the logsource's records (`process` for process_creation). */
  readonly entity?: string;
}

/** Resolves a rule's logsource against `mappings` (the built-in ones by default). */
export function resolveLogsource(
  ls: Pick<Logsource, 'product' | 'category' | 'service'>,
  mappings: (product: string) => SigmaMappingData | undefined = builtinMapping,
): ResolvedLogsource {
  const mapping = ls.product ? mappings(ls.product) : undefined;
  const keys = [
    ls.category ? `category:${ls.category}` : undefined,
    ls.service ? `service:${ls.service}` : undefined,
  ];
  const specKey = keys.find((k) => k !== undefined && mapping?.logsources[k] !== undefined);
  const spec = specKey ? mapping!.logsources[specKey] : undefined;
  const key = [
    ls.product ?? '?',
    ...(ls.category ? [ls.category] : []),
    ...(ls.service ? [`service:${ls.service}`] : []),
  ].join('/');
  return {
    key,
    ...(ls.product ? { product: ls.product } : {}),
    ...(mapping ? { mapping } : {}),
    ...(spec ? { spec } : {}),
    ...(spec?.entity ? { entity: spec.entity } : {}),
  };
}

/** The mapping entry of a Sigma field in this logsource (logsource override, then the product's table). */
export function fieldTarget(ls: ResolvedLogsource, field: string): FieldTarget | undefined {
  return ls.spec?.fields?.[field] ?? ls.mapping?.fields[field];
}

/** The ECS fields a Sigma field is kept in; empty when neither the table nor `rawDefault` places it. */
export function ecsFields(ls: ResolvedLogsource, field: string): readonly string[] {
  const t = fieldTarget(ls, field);
  if (t?.ecs) return t.ecs;
  const raw = ls.mapping?.rawDefault;
  return raw ? [raw.replace('{field}', field)] : [];
}

/** A detection over raw event records: Sigma names, but for the fields whose record name differs (`raw`). */
export function toRaw(e: Expr, ls: ResolvedLogsource): Expr {
  return renameFields(e, (f) => fieldTarget(ls, f)?.raw);
}

/** A detection over ECS documents: each Sigma field becomes the OR of its ECS fields; `unmapped` lists the rest. */
export function toEcs(e: Expr, ls: ResolvedLogsource): { expr: Expr; unmapped: readonly string[] } {
  const unmapped = [...fieldsOf(e)].filter((f) => ecsFields(ls, f).length === 0);
  const expr = visit<Expr>(
    {
      and: (x) => Expr.and(x.args.map((a) => toEcs(a, ls).expr)),
      or: (x) => Expr.or(x.args.map((a) => toEcs(a, ls).expr)),
      not: (x) => Expr.not(toEcs(x.arg, ls).expr),
      const: (x) => x,
      keyword: (x) => x,
      test: (x) => {
        const fields = ecsFields(ls, x.field);
        if (fields.length === 0) return x;
        const match: Match =
          x.match.kind === 'fieldref'
            ? { ...x.match, other: ecsFields(ls, x.match.other)[0] ?? x.match.other }
            : x.match;
        return Expr.or(fields.map((f) => Expr.test(f, match, x.span)));
      },
    },
    e,
  );
  return { expr, unmapped };
}

function conditionExpr(
  alts: readonly EventCondition[],
  span: Span,
  field: (name: string) => readonly string[],
): Expr {
  return Expr.or(
    alts.map((alt) =>
      Expr.and(
        Object.entries(alt).map(([name, want]) => {
          const values = Array.isArray(want) ? want : [want];
          return Expr.or(
            field(name).flatMap((f) =>
              values.map((v) =>
                Expr.test(
                  f,
                  typeof v === 'number'
                    ? { kind: 'num', op: 'eq', value: v, text: String(v) }
                    : { kind: 'str', op: 'eq', value: v, cased: false },
                  span,
                ),
              ),
            ),
          );
        }),
      ),
    ),
  );
}

/**
 * What a logsource requires of an event, or undefined when the mapping says nothing: `raw` over the raw event's
 * field names (EventID, Channel), `ecs` over an ECS document (through the field table when the condition names
 * raw fields, `event.category` and friends as written).
 */
export function logsourceCondition(
  ls: ResolvedLogsource,
  target: 'raw' | 'ecs',
  span: Span,
): Expr | undefined {
  if (target === 'raw')
    return ls.spec?.events
      ? conditionExpr(ls.spec.events, span, (n) => [fieldTarget(ls, n)?.raw ?? n])
      : undefined;
  if (ls.spec?.ecs) return conditionExpr(ls.spec.ecs, span, (n) => [n]);
  return ls.spec?.events ? conditionExpr(ls.spec.events, span, (n) => ecsFields(ls, n)) : undefined;
}
