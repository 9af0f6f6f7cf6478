/**
 * The hunt IR: what each huntflow statement means once names are resolved and checked — frozen plain data with a
 * closed `kind` union (house rule 2), no methods, JSON round-trip safe. WHERE clauses are STIX pattern ASTs (bare
 * WHERE is wrapped into one observation with the entity type filled in); `VarRef` values inside them are resolved
 * by the runtime against the cache at execution time (their variables are listed in `refs`).
 */
import type { Pattern } from '../../stix/ast.ts';
import type { AggregateFunction, RelationName, Span, Transform } from '../syntax/ast.ts';

export type { Span };

/** Where GET reads: data source URIs, a variable of the session, or the last source used. */
export type IrSource =
  | {
      readonly kind: 'Uris';
      readonly uris: readonly string[];
      /** Where each URI is written, parallel to `uris` (absent for a source not written in the statement). */
      readonly spans?: readonly Span[];
    }
  | { readonly kind: 'Variable'; readonly name: string }
  | { readonly kind: 'LastSource' };

/** Absolute `START/STOP` (STOP exclusive, ISO 8601) or relative `LAST n unit` (seconds before now). */
export type IrTime =
  | { readonly kind: 'Absolute'; readonly start: string; readonly stop: string }
  | { readonly kind: 'Relative'; readonly seconds: number };

/** One STIX reference edge a FIND follows; `returnIsSubject` says on which side the returned entities sit. */
export interface IrEdge {
  readonly returnIsSubject: boolean;
  /** References on the relation's subject pointing to its object. */
  readonly subjectRefs: readonly string[];
  /** References on the relation's object pointing to its subject. */
  readonly objectRefs: readonly string[];
}

/** How DISP and filter assignment view a variable. */
export interface IrView {
  readonly transform?: Transform;
  readonly pattern?: Pattern;
  readonly attrs?: readonly string[];
  readonly sort?: { readonly attr: string; readonly asc: boolean };
  readonly limit?: number;
  readonly offset?: number;
}

export interface IrGroupKey {
  readonly attr: string;
  /** Bin width: seconds for time units, else a numeric width. */
  readonly bin?: { readonly size: number; readonly seconds?: number };
  readonly alias: string;
}

export interface IrAggregation {
  readonly func: AggregateFunction;
  readonly attr: string;
  readonly alias: string;
}

/** Where a variable the statement reads is written. */
export interface IrVarSpan {
  readonly name: string;
  readonly span: Span;
}

interface Base {
  readonly span: Span;
  /**
   * The part of the statement an error raised below the language is about, so that it points there and not at
   * the statement's start: GET's FROM source, LOAD's and SAVE's path, APPLY's analytics URI.
   */
  readonly focus?: Span;
  /** Where each variable the statement reads is first written in it (see {@link varSpan}). */
  readonly varSpans?: readonly IrVarSpan[];
}

export interface IrGet extends Base {
  readonly kind: 'Get';
  readonly output: string;
  readonly entityType: string;
  readonly source: IrSource;
  readonly pattern: Pattern | null;
  readonly time?: IrTime;
  readonly limit?: number;
  /** Variables whose attribute values the pattern references (`procs.pid`); they drive time-range inference. */
  readonly refs: readonly string[];
}

export interface IrFind extends Base {
  readonly kind: 'Find';
  readonly output: string;
  readonly entityType: string;
  readonly relation: RelationName;
  readonly reversed: boolean;
  readonly input: string;
  readonly edges: readonly IrEdge[];
  readonly pattern: Pattern | null;
  readonly time?: IrTime;
  readonly limit?: number;
  /**
   * Hops of a closure (`DEPTH n`, `'all'` for `DEPTH *`): the relation is followed again from the entities each hop
   * found that no hop found before, and the result is every hop's entities. Absent: one hop.
   */
  readonly depth?: number | 'all';
  readonly refs: readonly string[];
}

/** FIND … PEER OF (see the AST's `FindPeer`): the cross-host pivot. */
export interface IrFindPeer extends Base {
  readonly kind: 'FindPeer';
  readonly output: string;
  /** `process` or `network-traffic`. */
  readonly entityType: string;
  /** A network-traffic variable. */
  readonly input: string;
  /** The other host's data source (one or more URIs). */
  readonly source: readonly string[];
  /** How far from each flow's own time the peer's record of it may be, seconds. */
  readonly withinSeconds: number;
  readonly nat: boolean;
  /** For processes: the relation edges from process to network-traffic (process CREATED network-traffic). */
  readonly edges: readonly IrEdge[];
  readonly pattern: Pattern | null;
  readonly limit?: number;
  readonly refs: readonly string[];
}

export interface IrGroup extends Base {
  readonly kind: 'Group';
  readonly output: string;
  readonly input: string;
  readonly keys: readonly IrGroupKey[];
  readonly aggregations: readonly IrAggregation[];
}

export interface IrJoin extends Base {
  readonly kind: 'Join';
  readonly output: string;
  readonly left: string;
  readonly right: string;
  /** Attribute of `left`, attribute of `right`; absent = join on entity identity. */
  readonly by?: readonly [string, string];
}

export interface IrSort extends Base {
  readonly kind: 'Sort';
  readonly output: string;
  readonly input: string;
  readonly attr: string;
  readonly asc: boolean;
}

export type IrFileFormat = 'csv' | 'json' | 'parquet';

export interface IrLoad extends Base {
  readonly kind: 'Load';
  readonly output: string;
  readonly path: string;
  readonly format: IrFileFormat;
  readonly entityType?: string;
}

export interface IrSave extends Base {
  readonly kind: 'Save';
  readonly input: string;
  readonly path: string;
  readonly format: IrFileFormat;
}

export interface IrNew extends Base {
  readonly kind: 'New';
  readonly output: string;
  readonly entityType: string;
  readonly objects: readonly Readonly<Record<string, string | number | boolean | null>>[];
}

export interface IrApply extends Base {
  readonly kind: 'Apply';
  readonly analytics: string;
  readonly inputs: readonly string[];
  readonly args: Readonly<Record<string, unknown>>;
}

export interface IrDisp extends Base {
  readonly kind: 'Disp';
  readonly input: string;
  readonly view: IrView;
}

export interface IrInfo extends Base {
  readonly kind: 'Info';
  readonly input: string;
}

export interface IrDescribe extends Base {
  readonly kind: 'Describe';
  readonly input: string;
  readonly attr: string;
}

export interface IrExplain extends Base {
  readonly kind: 'Explain';
  readonly input: string;
}

export interface IrMerge extends Base {
  readonly kind: 'Merge';
  readonly output: string;
  readonly inputs: readonly string[];
}

export interface IrAssign extends Base {
  readonly kind: 'Assign';
  readonly output: string;
  readonly input: string;
  readonly view: IrView;
}

export type IrStatement =
  | IrGet
  | IrFind
  | IrFindPeer
  | IrGroup
  | IrJoin
  | IrSort
  | IrLoad
  | IrSave
  | IrNew
  | IrApply
  | IrDisp
  | IrInfo
  | IrDescribe
  | IrExplain
  | IrMerge
  | IrAssign;

export type IrKind = IrStatement['kind'];

/** Output entity type of each statement kind that yields a variable (filled in by lowering). */
export interface IrProgram {
  readonly kind: 'Program';
  readonly statements: readonly IrStatement[];
  /** Type of every variable an output of this program defines, in order of definition. */
  readonly outputs: readonly { readonly name: string; readonly type: string }[];
}
