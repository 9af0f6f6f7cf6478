/**
 * Attribute paths as Kestrel users write them (`name`, `src_ref.value`, `hashes.'SHA-256'`, `parent_ref.name`,
 * `extensions.'x-ext'.field`) and the SQL expression that reads one from a record of the cache. Record-level pseudo
 * attributes: `first_observed`, `last_observed`, `number_observed` (of the record's observation), `id` (the
 * observation id in STIX 2.0 bundles — records have no ids of their own), `type`.
 */
import { jsonPathKey, sqlString } from '../../common/index.ts';
import type { PathStep } from '../../stix/ast.ts';

export const OBSERVATION_ATTRIBUTES = new Set(['first_observed', 'last_observed', 'number_observed']);

/** JSON path text for Key/Index steps (keys quoted, so `SHA-256` and dots are safe). */
export function jsonPath(steps: readonly PathStep[]): string {
  let p = '$';
  for (const s of steps) {
    if (s.kind === 'Key') p += jsonPathKey(s.name.replace(/^'|'$/g, ''));
    else p += s.index === '*' ? '[*]' : `[${s.index}]`;
  }
  return p;
}

/** Splits `a.b.'c-d'[0]` into path steps. */
export function parseAttrPath(attr: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  while (i < attr.length) {
    const c = attr[i]!;
    if (c === '.') {
      i++;
      continue;
    }
    if (c === "'") {
      const j = attr.indexOf("'", i + 1);
      const end = j < 0 ? attr.length : j;
      steps.push({ kind: 'Key', name: attr.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === '[') {
      const j = attr.indexOf(']', i);
      const inner = attr.slice(i + 1, j < 0 ? attr.length : j).trim();
      steps.push({ kind: 'Index', index: inner === '*' ? '*' : Number(inner) });
      i = j < 0 ? attr.length : j + 1;
      continue;
    }
    let j = i;
    while (j < attr.length && attr[j] !== '.' && attr[j] !== '[') j++;
    steps.push({ kind: 'Key', name: attr.slice(i, j) });
    i = j;
  }
  return steps;
}

/**
 * SQL expression (JSON-typed) of `attr` on record alias `alias` with observation alias `obsAlias`. References are
 * followed through `edge` (first target for `_refs` unless an index is given).
 */
export function attrSql(attr: string, alias = 'r', obsAlias = 'o'): string {
  if (OBSERVATION_ATTRIBUTES.has(attr)) {
    return attr === 'number_observed'
      ? `to_json(${obsAlias}.${attr})`
      : `to_json(strftime(${obsAlias}.${attr} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ'))`;
  }
  if (attr === 'type') return `to_json(${alias}.type)`;
  return stepsSql(parseAttrPath(attr), alias, { n: 0 });
}

/**
 * SQL expression (text) of `attr`: what `json_extract_string(attrSql(attr), '$')` gives, read straight from the
 * record's JSON when the path follows no reference (one JSON parse per row instead of two).
 */
export function attrTextSql(attr: string, alias = 'r', obsAlias = 'o'): string {
  if (!OBSERVATION_ATTRIBUTES.has(attr) && attr !== 'type') {
    const steps = parseAttrPath(attr);
    if (!steps.some((s) => s.kind === 'Key' && /_refs?$/.test(s.name)))
      return `json_extract_string(${alias}.attrs, ${sqlString(jsonPath(steps))})`;
  }
  return `json_extract_string(${attrSql(attr, alias, obsAlias)}, '$')`;
}

/** Aliases `d<n>` of one expression: numbered per expression, unique within it (sibling subqueries may reuse them). */
function stepsSql(steps: readonly PathStep[], alias: string, seq: { n: number }): string {
  const last = steps[steps.length - 1];
  if (last?.kind === 'Key' && /_refs?$/.test(last.name) && steps.length === 1) {
    // A reference itself (`dst_ref`, `child_refs`): the entity keys of what it points to (the cache keeps no ids).
    const t = `d${++seq.n}`;
    const value = last.name.endsWith('_refs')
      ? `to_json(list(${t}.eid ORDER BY ${t}.rid))`
      : `to_json(${t}.eid)`;
    const one = last.name.endsWith('_refs') ? '' : ` ORDER BY ${t}.rid LIMIT 1`;
    return `(SELECT ${value} FROM edge e_${t} JOIN rec ${t} ON ${t}.rid = e_${t}.dst WHERE e_${t}.src = ${alias}.rid AND e_${t}.ref = ${sqlString(last.name)}${one})`;
  }
  const refAt = steps.findIndex((s, i) => s.kind === 'Key' && /_refs?$/.test(s.name) && i < steps.length - 1);
  if (refAt < 0) return `json_extract(${alias}.attrs, ${sqlString(jsonPath(steps))})`;
  const ref = (steps[refAt] as { name: string }).name;
  let rest = steps.slice(refAt + 1);
  let offset = 0;
  const first = rest[0];
  if (ref.endsWith('_refs') && first?.kind === 'Index') {
    offset = first.index === '*' ? 0 : first.index;
    rest = rest.slice(1);
  }
  const t = `d${++seq.n}`;
  return `(SELECT ${stepsSql(rest, t, seq)} FROM edge e_${t} JOIN rec ${t} ON ${t}.rid = e_${t}.dst WHERE e_${t}.src = ${alias}.rid AND e_${t}.ref = ${sqlString(ref)} ORDER BY ${t}.rid LIMIT 1 OFFSET ${Math.max(0, Math.trunc(offset))})`;
}
