/**
 * The huntflow AST (Kestrel 1.x language): frozen plain data with a closed `kind` union (house rule 2). One node kind
 * per statement; every node carries the {@link Span} of the text it came from (offsets into the whole huntflow text,
 * 1-based line/col). WHERE clauses hold nodes of the STIX AST (`src/stix/ast.ts`) with spans into the same text.
 *
 * Conventions the runtime can rely on:
 * - Keywords, relations, units, directions, transforms and aggregate functions are normalised to upper case.
 * - Variable names, entity types and attribute paths are kept exactly as written (Kestrel is case-sensitive there).
 * - Every statement that yields a variable has `output`. When the user wrote no `x =` (allowed for GET, FIND, GROUP,
 *   JOIN, LOAD, NEW, SORT), `output` is the implicit variable `_` with an empty span at the statement start, as in
 *   Kestrel.
 * - Defaults are filled in: SORT direction DESC (also in `SORT BY` of DISP/assign), no transform = plain variable.
 */
import type { ComparisonExpr, Literal, Pattern, Span } from '../../stix/ast.ts';

export type { Span };

/** A variable name `[A-Za-z_][A-Za-z0-9_]*`, where it is defined or used. */
export interface Var {
  readonly kind: 'Var';
  readonly name: string;
  readonly span: Span;
}

/** An entity type as written: `process`, `network-traffic`, `x-oca-event`. Checked by the runtime, not the parser. */
export interface EntityType {
  readonly kind: 'EntityType';
  readonly name: string;
  readonly span: Span;
}

/**
 * An attribute reference as written: `pid`, `parent_ref.name`, `hashes.'SHA-256'`, `extensions[*].x`, or with the
 * entity type prefix `process:pid` (allowed in SORT BY / JOIN BY / ATTR, as Kestrel allows a full STIX path).
 * `path` never includes the prefix.
 */
export interface Attr {
  readonly kind: 'Attr';
  readonly entityType?: string;
  readonly path: string;
  readonly span: Span;
}

/** A timestamp of START/STOP, `value` the RFC 3339 text as written inside `t'…'`, quotes or bare (validated). */
export interface Timestamp {
  readonly kind: 'Timestamp';
  readonly value: string;
  readonly span: Span;
}

export type TimeUnit = 'DAYS' | 'HOURS' | 'MINUTES' | 'SECONDS';

/** `START t'…' STOP t'…'` (STOP exclusive, as in STIX) or `LAST n DAYS|HOURS|MINUTES|SECONDS` (relative to now). */
export type TimeRange =
  | { readonly kind: 'StartStop'; readonly start: Timestamp; readonly stop: Timestamp; readonly span: Span }
  | { readonly kind: 'Last'; readonly n: number; readonly unit: TimeUnit; readonly span: Span };

/**
 * WHERE in both Kestrel forms. `StixWhere`: a bracketed STIX pattern `[process:name = 'x']` (may use AND/OR/
 * FOLLOWEDBY between observations and WITHIN/REPEATS; a trailing START/STOP is the statement's time range).
 * `BareWhere`: `name = 'x' AND pid IN (1, 2)` — comparisons whose object type is the statement's entity type
 * (GET, FIND); in DISP/assign filters the type is unknown to the parser and `objectType` is `''` = "the input
 * variable's type" unless written (`process:name`). Both may contain `VarRef` values (`pid = procs.pid`,
 * `src_ref.value = nt.src_ref.value` with the dotted path in `attribute`, and as list elements:
 * `pid IN (p2.pid, 8888)` — `substituteVarRefs` of `src/stix` flattens those into the list).
 *
 * Kestrel's value forms are read into plain STIX nodes, so no consumer needs to know them: `x IS NULL` is
 * `NOT EXISTS x` and `x IS NOT NULL` is `EXISTS x` (both print in the EXISTS form); `r'…'` is a `String` without
 * escape processing; `[1, 2]` is a `List`; an unquoted word is a `String` (`name = cmd` is `name = 'cmd'`) unless it
 * is directly followed by `.` (then it is a `VarRef`: `cmd.exe` means attribute `exe` of variable `cmd`, as in
 * Kestrel), is `true`/`false` (a `Bool`), or is a reserved word (a command or clause keyword: an error asking to
 * quote it).
 */
export type Where =
  | { readonly kind: 'StixWhere'; readonly pattern: Pattern; readonly span: Span }
  | { readonly kind: 'BareWhere'; readonly expr: ComparisonExpr; readonly span: Span };

/** `FROM …` of GET when it names data sources (not a variable). `uris` split at commas; bare paths kept as written. */
export interface SourceRef {
  readonly kind: 'SourceRef';
  /** `['stixshifter://container1']`, `['file:///a.json', 'file:///b.json']`, `['data/x.json']`. */
  readonly uris: readonly string[];
  /** Written in quotes (`"…"` or `'…'`). */
  readonly quoted: boolean;
  readonly span: Span;
}

/** A file path or URI of LOAD / SAVE, unquoted value. */
export interface PathRef {
  readonly kind: 'PathRef';
  readonly value: string;
  readonly quoted: boolean;
  readonly span: Span;
}

export type SortDirection = 'ASC' | 'DESC';

/** `BY attr [ASC|DESC]` of SORT and `SORT BY …` of DISP/assign; `direction` defaults to DESC. */
export interface SortKey {
  readonly kind: 'SortKey';
  readonly attr: Attr;
  readonly direction: SortDirection;
  readonly span: Span;
}

export type Transform = 'TIMESTAMPED' | 'ADDOBSID' | 'RECORDS';

/**
 * The variable expression of DISP and of filter assignment:
 * `[TIMESTAMPED|ADDOBSID|RECORDS](x) [WHERE …] [ATTR a, b] [SORT BY a [ASC|DESC]] [LIMIT n] [OFFSET n]`.
 */
export interface VarExpr {
  readonly kind: 'VarExpr';
  readonly transform?: Transform;
  readonly input: Var;
  readonly where?: Where;
  readonly attrs?: readonly Attr[];
  readonly sort?: SortKey;
  readonly limit?: number;
  readonly offset?: number;
  readonly span: Span;
}

export type RelationName = 'CREATED' | 'ACCEPTED' | 'CONTAINED' | 'LOADED' | 'OWNED' | 'LINKED';

export interface Relation {
  readonly kind: 'Relation';
  readonly name: RelationName;
  readonly span: Span;
}

export type AggregateFunction = 'MIN' | 'MAX' | 'SUM' | 'AVG' | 'COUNT' | 'NUNIQUE';

/** `BIN(attr, n [unit]) [AS alias]` group key; `unit` absent = numeric bin of width `size`. */
export interface Bin {
  readonly kind: 'Bin';
  readonly attr: Attr;
  readonly size: number;
  readonly unit?: TimeUnit;
  readonly alias?: string;
  readonly span: Span;
}

export type GroupKey = Attr | Bin;

/** `COUNT(src_port) [AS alias]`. */
export interface Aggregation {
  readonly kind: 'Aggregation';
  readonly func: AggregateFunction;
  readonly attr: Attr;
  readonly alias?: string;
  readonly span: Span;
}

/** A scalar of the JSON data of NEW. */
export type JsonScalar = string | number | boolean | null;

/**
 * Data of NEW: a JSON list of strings (`["cmd.exe", "x"]`, one entity each, initial attribute chosen by type) or a
 * JSON list of flat objects (`[{"name": "cmd.exe", "pid": 123}]`; `type` may be a key when no entity type is written).
 */
export type NewData =
  | { readonly kind: 'NewStrings'; readonly values: readonly string[]; readonly span: Span }
  | {
      readonly kind: 'NewObjects';
      readonly objects: readonly Readonly<Record<string, JsonScalar>>[];
      readonly span: Span;
    };

/** `analytics://name`, `docker://name`, `python://name`, quoted or bare. */
export interface AnalyticsRef {
  readonly kind: 'AnalyticsRef';
  readonly uri: string;
  readonly span: Span;
}

/**
 * `k=v` of APPLY … WITH. The value reuses STIX literal nodes: `String` (quoted or a bare word), `Int`, `Float`,
 * `Bool`, `List` (`(…)` or `[…]`, nestable) and `VarRef` (`varx.pid`, resolved by the runtime).
 */
export interface ApplyArg {
  readonly kind: 'ApplyArg';
  readonly name: string;
  readonly value: Literal;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------------
// Statements

/** `[x =] GET type [FROM source|var] [WHERE …] [START … STOP … | LAST n unit] [LIMIT n]`; `from` absent = last source. */
export interface Get {
  readonly kind: 'Get';
  readonly output: Var;
  readonly entityType: EntityType;
  /**
   * Absent = the last data source used in the session. A plain name (`FROM procs`, `FROM HOST2`) is a `Var`: in
   * Kestrel it names a variable if one exists, else a data source of the default scheme (`stixshifter://HOST2`) —
   * the runtime decides. Anything else (URIs, paths, comma lists, quoted text) is a `SourceRef`.
   */
  readonly from?: SourceRef | Var;
  readonly where?: Where;
  readonly timeRange?: TimeRange;
  readonly limit?: number;
  readonly span: Span;
}

/**
 * `[x =] FIND type RELATION [BY] input [WHERE …] [time range] [LIMIT n] [DEPTH n|*]`.
 * Without BY the returned entities are the subject of the relation and `input` its object:
 * `FIND process CREATED procs` = parents of `procs`. With BY (`reversed`), the returned entities are the object:
 * `FIND process CREATED BY procs` = children of `procs`; `FIND network-traffic CREATED BY procs` = their traffic.
 * With `depth` the relation is followed again from what it found, up to n hops or (`*`) until nothing new is found:
 * `FIND process CREATED BY procs DEPTH *` = every descendant, `FIND process CREATED procs DEPTH *` = the ancestors
 * to the root.
 */
export interface Find {
  readonly kind: 'Find';
  readonly output: Var;
  readonly entityType: EntityType;
  readonly relation: Relation;
  readonly reversed: boolean;
  readonly input: Var;
  readonly where?: Where;
  readonly timeRange?: TimeRange;
  readonly limit?: number;
  readonly depth?: Depth;
  readonly span: Span;
}

/** `DEPTH n` (1 or more hops) or `DEPTH *` (`hops: 'all'`: until a hop finds no entity not found before). */
export interface Depth {
  readonly hops: number | 'all';
  readonly span: Span;
}

/**
 * `[x =] FIND process|network-traffic PEER OF conns FROM source [WITHIN n unit] [NAT] [WHERE …] [LIMIT n]`: the
 * cross-host pivot. For each network-traffic entity of `conns` (seen on one source), the other end of the same
 * connection as `source` recorded it — the 5-tuple with its sides swapped as the peer sees them (or as recorded when
 * the peer's data keeps client → server), within `within` of the flow's own time (default 30 s) — and returns the
 * peer's network-traffic, or the peer's processes that opened or accepted it. With `nat`, only the peer's endpoint
 * and the protocol are matched (this side's address and port may be translated on the way).
 */
export interface FindPeer {
  readonly kind: 'FindPeer';
  readonly output: Var;
  readonly entityType: EntityType;
  readonly input: Var;
  readonly from: SourceRef | Var;
  readonly within?: { readonly n: number; readonly unit: TimeUnit; readonly span: Span };
  readonly nat: boolean;
  readonly where?: Where;
  readonly limit?: number;
  readonly span: Span;
}

/** `[x =] GROUP v BY key, … [WITH agg, …]`. */
export interface Group {
  readonly kind: 'Group';
  readonly output: Var;
  readonly input: Var;
  readonly by: readonly GroupKey[];
  readonly aggregations: readonly Aggregation[];
  readonly span: Span;
}

/** `[x =] JOIN a, b [BY attrOfA, attrOfB]`. */
export interface Join {
  readonly kind: 'Join';
  readonly output: Var;
  readonly left: Var;
  readonly right: Var;
  readonly by?: readonly [Attr, Attr];
  readonly span: Span;
}

/** `[x =] SORT v BY attr [ASC|DESC]` (default DESC). */
export interface Sort {
  readonly kind: 'Sort';
  readonly output: Var;
  readonly input: Var;
  readonly key: SortKey;
  readonly span: Span;
}

/** `[x =] LOAD path [AS type]`; the format (csv, json, parquet[.gz]) follows the extension. */
export interface Load {
  readonly kind: 'Load';
  readonly output: Var;
  readonly path: PathRef;
  readonly entityType?: EntityType;
  readonly span: Span;
}

/** `SAVE v TO path`. */
export interface Save {
  readonly kind: 'Save';
  readonly input: Var;
  readonly path: PathRef;
  readonly span: Span;
}

/** `[x =] NEW [type] [ … ]`. */
export interface New {
  readonly kind: 'New';
  readonly output: Var;
  readonly entityType?: EntityType;
  readonly data: NewData;
  readonly span: Span;
}

/** `APPLY uri ON a, b [WITH k=v, …]` — updates its inputs, yields no variable. */
export interface Apply {
  readonly kind: 'Apply';
  readonly analytics: AnalyticsRef;
  readonly inputs: readonly Var[];
  readonly args: readonly ApplyArg[];
  readonly span: Span;
}

/** `DISP expr`. */
export interface Disp {
  readonly kind: 'Disp';
  readonly expr: VarExpr;
  readonly span: Span;
}

/** `INFO v`. */
export interface Info {
  readonly kind: 'Info';
  readonly input: Var;
  readonly span: Span;
}

/** `DESCRIBE v.attr` — statistics of one attribute. */
export interface Describe {
  readonly kind: 'Describe';
  readonly input: Var;
  readonly attr: Attr;
  readonly span: Span;
}

/** `EXPLAIN v` — how the variable was (or would be) computed: the native queries sent to each source. */
export interface Explain {
  readonly kind: 'Explain';
  readonly input: Var;
  readonly span: Span;
}

/** `x = a + b [+ c …]` — union of entities of the same type. */
export interface Merge {
  readonly kind: 'Merge';
  readonly output: Var;
  readonly inputs: readonly Var[];
  readonly span: Span;
}

/** `x = expr` — copy (`x = y`), transform (`x = TIMESTAMPED(y)`) or filter (`x = y WHERE … ATTR … LIMIT …`). */
export interface Assign {
  readonly kind: 'Assign';
  readonly output: Var;
  readonly expr: VarExpr;
  readonly span: Span;
}

export type Statement =
  | Get
  | Find
  | FindPeer
  | Group
  | Join
  | Sort
  | Load
  | Save
  | New
  | Apply
  | Disp
  | Info
  | Describe
  | Explain
  | Merge
  | Assign;

export type StatementKind = Statement['kind'];

/** A whole huntflow. `source` names the input (file path, `<cell 3>`, `<repl>`), as in error spans. */
export interface Huntflow {
  readonly kind: 'Huntflow';
  readonly source: string;
  readonly statements: readonly Statement[];
  readonly span: Span;
}

export type HuntNode =
  | Huntflow
  | Statement
  | Var
  | EntityType
  | Attr
  | Timestamp
  | TimeRange
  | Where
  | SourceRef
  | PathRef
  | SortKey
  | VarExpr
  | Relation
  | Bin
  | Aggregation
  | NewData
  | AnalyticsRef
  | ApplyArg;

export type HuntNodeKind = HuntNode['kind'];

/** The statement kinds that yield a variable (have `output`). */
export const STATEMENTS_WITH_OUTPUT = [
  'Get',
  'Find',
  'FindPeer',
  'Group',
  'Join',
  'Sort',
  'Load',
  'New',
  'Merge',
  'Assign',
] as const;
