/**
 * The words of the Kestrel 1.x language as data: commands, clause keywords, relations and the entity-type pairs they
 * apply to, entity types with their common attributes, transforms, aggregate functions and time units. The parser,
 * the runtime's semantic checks (H3) and completion (H8) all read these tables, so they never disagree.
 */
import { MappingError } from '../../errors/index.ts';
import type { AggregateFunction, RelationName, TimeUnit, Transform } from './ast.ts';
import entitiesData from './data/entities.json' with { type: 'json' };

/** Commands that may start a statement (after an optional `x =` for those that yield a variable). */
export const COMMANDS = [
  'GET',
  'FIND',
  'GROUP',
  'JOIN',
  'SORT',
  'LOAD',
  'SAVE',
  'NEW',
  'APPLY',
  'DISP',
  'INFO',
  'DESCRIBE',
  'EXPLAIN',
] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands that yield a variable and so may follow `x =` (the rest stand alone). */
export const COMMANDS_WITH_RESULT: readonly Command[] = [
  'GET',
  'FIND',
  'GROUP',
  'JOIN',
  'SORT',
  'LOAD',
  'NEW',
];
export const COMMANDS_WITHOUT_RESULT: readonly Command[] = [
  'SAVE',
  'APPLY',
  'DISP',
  'INFO',
  'DESCRIBE',
  'EXPLAIN',
];

/** Every reserved word of the language other than the commands (case-insensitive in huntflows). */
export const KEYWORDS = [
  'FROM',
  'WHERE',
  'START',
  'STOP',
  'LAST',
  'LIMIT',
  'OFFSET',
  'DEPTH',
  'PEER',
  'OF',
  'WITHIN',
  'NAT',
  'ATTR',
  'BY',
  'ASC',
  'DESC',
  'WITH',
  'AS',
  'ON',
  'TO',
  'BIN',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'IS',
  'NULL',
  'EXISTS',
  'FOLLOWEDBY',
  'WITHIN',
  'REPEATS',
  'TIMES',
  'SECONDS',
] as const;

export const TRANSFORMS: readonly Transform[] = ['TIMESTAMPED', 'ADDOBSID', 'RECORDS'];

export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = [
  'MIN',
  'MAX',
  'SUM',
  'AVG',
  'COUNT',
  'NUNIQUE',
];

/** Spellings of each time unit accepted after LAST n and inside BIN (Kestrel accepts plural, singular, one letter). */
export const TIME_UNITS: Readonly<Record<TimeUnit, readonly string[]>> = {
  DAYS: ['DAYS', 'DAY', 'D'],
  HOURS: ['HOURS', 'HOUR', 'H'],
  MINUTES: ['MINUTES', 'MINUTE', 'M'],
  SECONDS: ['SECONDS', 'SECOND', 'S'],
};

/** Canonical unit of a spelling (any case), or undefined. */
export function timeUnitOf(word: string): TimeUnit | undefined {
  const w = word.toUpperCase();
  for (const [unit, spellings] of Object.entries(TIME_UNITS) as [TimeUnit, readonly string[]][]) {
    if (spellings.includes(w)) return unit;
  }
  return undefined;
}

/** Seconds per unit, for LAST n unit and BIN(…, n unit). */
export const TIME_UNIT_SECONDS: Readonly<Record<TimeUnit, number>> = {
  DAYS: 86400,
  HOURS: 3600,
  MINUTES: 60,
  SECONDS: 1,
};

const RELATION_NAMES = [
  'CREATED',
  'ACCEPTED',
  'CONTAINED',
  'LOADED',
  'OWNED',
  'LINKED',
] as const satisfies readonly RelationName[];
export const RELATIONS: readonly RelationName[] = RELATION_NAMES;

/** What `data/entities.json` holds. */
interface VocabularyData {
  readonly entityTypes: Readonly<Record<string, readonly string[]>>;
  readonly relations: readonly RelationEdge[];
  readonly newInitialAttribute: Readonly<Record<string, string>>;
}

/**
 * The problems of the vocabulary file, each with its JSON path. Checked by hand rather than with zod: this module
 * is also bundled into the JupyterLab extension, which should not carry a schema library.
 */
export function vocabularyProblems(v: unknown): string[] {
  const out: string[] = [];
  const isStrings = (x: unknown): x is string[] =>
    Array.isArray(x) && x.every((s) => typeof s === 'string' && s);
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isRecord(v)) return ['(root): expected an object'];
  const types = isRecord(v.entityTypes) ? v.entityTypes : {};
  if (!isRecord(v.entityTypes)) out.push('entityTypes: expected an object');
  for (const [t, attrs] of Object.entries(types)) {
    if (!/^[a-z0-9-]+$/.test(t)) out.push(`entityTypes.${t}: not an entity type name`);
    if (!isStrings(attrs)) out.push(`entityTypes.${t}: expected a list of attribute names`);
  }
  if (!Array.isArray(v.relations)) out.push('relations: expected a list');
  else
    v.relations.forEach((r: unknown, i) => {
      if (!isRecord(r)) return out.push(`relations.${i}: expected an object`);
      for (const side of ['subject', 'object'] as const)
        if (typeof r[side] !== 'string' || !(r[side] in types))
          out.push(`relations.${i}.${side}: unknown entity type ${String(r[side])}`);
      if (r.relation !== null && !(RELATION_NAMES as readonly unknown[]).includes(r.relation))
        out.push(`relations.${i}.relation: expected one of ${RELATION_NAMES.join(', ')} or null`);
      for (const refs of ['subjectRefs', 'objectRefs'] as const)
        if (!isStrings(r[refs]) || !r[refs].every((x) => /_refs?$/.test(x)))
          out.push(`relations.${i}.${refs}: expected a list of reference attributes (…_ref, …_refs)`);
      if (
        isStrings(r.subjectRefs) &&
        isStrings(r.objectRefs) &&
        r.subjectRefs.length + r.objectRefs.length === 0
      )
        out.push(`relations.${i}: a relation needs a reference on one side`);
    });
  if (
    !isRecord(v.newInitialAttribute) ||
    !Object.values(v.newInitialAttribute).every((x) => typeof x === 'string')
  )
    out.push('newInitialAttribute: expected an object of attribute names');
  return out;
}

/**
 * The entity types, relations and NEW's initial attributes, from `data/entities.json` (imported, so the JupyterLab
 * extension's bundle carries it too) and checked once at load.
 */
const VOCABULARY = ((): VocabularyData => {
  const problems = vocabularyProblems(entitiesData);
  if (problems.length === 0) return entitiesData as VocabularyData;
  throw new MappingError(
    'E_VOCABULARY_INVALID',
    `src/hunt/syntax/data/entities.json is invalid: ${problems.slice(0, 5).join('; ')}`,
  );
})();

/**
 * One directed relation `subject RELATION object` (STIX 2.0 references, as Kestrel 1.x maps them):
 * `FIND subject RELATION objVar` returns subjects of the objects in `objVar`; `FIND object RELATION BY subjVar`
 * returns objects of the subjects in `subjVar`. `subjectRefs` are reference attributes on the subject pointing to the
 * object, `objectRefs` reference attributes on the object pointing to the subject (`[*]` lists end in `_refs`).
 */
export interface RelationEdge {
  readonly subject: string;
  readonly relation: RelationName | null;
  readonly object: string;
  readonly subjectRefs: readonly string[];
  readonly objectRefs: readonly string[];
}

/**
 * The relation table. `relation: null` edges have no specific name and are reachable only through LINKED, which is
 * undirected and covers every edge between the two types in either direction.
 */
export const RELATION_EDGES: readonly RelationEdge[] = VOCABULARY.relations;

/**
 * The edges a `FIND returnType RELATION [BY] inputType` uses, each with the side the returned entities sit on.
 * LINKED matches every edge between the two types, in both directions. Empty = the relation does not apply
 * (a semantic error for the runtime to report, listing {@link relationsBetween}).
 */
export function edgesFor(
  returnType: string,
  relation: RelationName,
  reversed: boolean,
  inputType: string,
): { edge: RelationEdge; returnIsSubject: boolean }[] {
  const out: { edge: RelationEdge; returnIsSubject: boolean }[] = [];
  for (const edge of RELATION_EDGES) {
    if (relation === 'LINKED') {
      if (edge.subject === returnType && edge.object === inputType) out.push({ edge, returnIsSubject: true });
      else if (edge.object === returnType && edge.subject === inputType)
        out.push({ edge, returnIsSubject: false });
    } else if (edge.relation === relation) {
      if (!reversed && edge.subject === returnType && edge.object === inputType)
        out.push({ edge, returnIsSubject: true });
      if (reversed && edge.object === returnType && edge.subject === inputType)
        out.push({ edge, returnIsSubject: false });
    }
  }
  return out;
}

/** The `RELATION [BY]` phrases that apply between a returned type and an input type, for hints and completion. */
export function relationsBetween(returnType: string, inputType: string): string[] {
  const out = new Set<string>();
  for (const r of RELATIONS) {
    if (edgesFor(returnType, r, false, inputType).length > 0) out.add(r);
    if (r !== 'LINKED' && edgesFor(returnType, r, true, inputType).length > 0) out.add(`${r} BY`);
  }
  return [...out];
}

/**
 * Entity types Kestrel 1.x knows (STIX 2.0 cyber observables plus the OCA extensions) with their common attributes,
 * for the runtime's "unknown entity type" check and for completion. Other `x-…` types are custom and allowed.
 */
export const ENTITY_TYPES: Readonly<Record<string, readonly string[]>> = VOCABULARY.entityTypes;

/** Attribute Kestrel sets when NEW is given a plain list of strings, per type (others: `name`). */
export const NEW_INITIAL_ATTRIBUTE: Readonly<Record<string, string>> = VOCABULARY.newInitialAttribute;

export function isKnownEntityType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(ENTITY_TYPES, name);
}
