/**
 * The STIX 2.1 patterning AST: frozen plain data with a closed `kind` union (house rule 2). Every node carries the
 * span of the text it came from. `==` is normalised to `=`, `<>` to `!=`; `NOT` is kept as `negated` on the
 * comparison. Kestrel's bare WHERE form (`name = 'x'`) produces the same nodes with the entity type filled in.
 */

/** Byte range of a node in the pattern text (0-based offsets, end exclusive) and 1-based line/col of its start. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
}

export type ComparisonOp =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET' | 'EXISTS';

export type PathStep =
  { readonly kind: 'Key'; readonly name: string } | { readonly kind: 'Index'; readonly index: number | '*' };

/** `process:parent_ref.name`, `file:hashes.'SHA-256'`, `network-traffic:extensions.'http-request-ext'.request_method`. */
export interface ObjectPath {
  readonly kind: 'ObjectPath';
  readonly objectType: string;
  readonly steps: readonly PathStep[];
  readonly span: Span;
}

export type Literal =
  | { readonly kind: 'String'; readonly value: string; readonly span: Span }
  | { readonly kind: 'Int'; readonly value: number; readonly span: Span }
  | { readonly kind: 'Float'; readonly value: number; readonly span: Span }
  | { readonly kind: 'Bool'; readonly value: boolean; readonly span: Span }
  /** `t'2020-06-30T19:25:00.000Z'`; `value` is the text as written (validated RFC 3339). */
  | { readonly kind: 'Timestamp'; readonly value: string; readonly span: Span }
  /** `h'ff00'`; `value` is lower-case hex digits. */
  | { readonly kind: 'Hex'; readonly value: string; readonly span: Span }
  /** `b'aGVsbG8='`; `value` is the base64 text. */
  | { readonly kind: 'Binary'; readonly value: string; readonly span: Span }
  /** `('a', 'b')` — the right side of IN. */
  | { readonly kind: 'List'; readonly values: readonly Literal[]; readonly span: Span }
  /** Kestrel only: `procs.pid` — the values of attribute `attribute` of variable `variable`, resolved by the runtime. */
  | { readonly kind: 'VarRef'; readonly variable: string; readonly attribute: string; readonly span: Span };

export interface Comparison {
  readonly kind: 'Comparison';
  readonly path: ObjectPath;
  readonly op: ComparisonOp;
  /**
   * `NOT` before the operator. It negates the whole comparison for an object of the path's type: `a:b[*] NOT = 22`
   * is false for b = [22, 443], and `NOT IN`/`NOT =` hold when the property is absent (while `!=` needs a value).
   * The local matcher (`src/stix/matcher/`) is the reference for this.
   */
  readonly negated: boolean;
  /** Absent only for EXISTS. */
  readonly value?: Literal;
  readonly span: Span;
}

/** AND / OR between comparisons inside one observation expression `[ … ]`. */
export interface ComparisonBinary {
  readonly kind: 'ComparisonBinary';
  readonly op: 'AND' | 'OR';
  readonly left: ComparisonExpr;
  readonly right: ComparisonExpr;
  readonly span: Span;
}

export type ComparisonExpr = Comparison | ComparisonBinary;

/** One bracketed observation expression `[ … ]`. */
export interface Observation {
  readonly kind: 'Observation';
  readonly expr: ComparisonExpr;
  readonly span: Span;
}

export interface ObservationBinary {
  readonly kind: 'ObservationBinary';
  readonly op: 'AND' | 'OR' | 'FOLLOWEDBY';
  readonly left: ObservationExpr;
  readonly right: ObservationExpr;
  readonly span: Span;
}

export type Qualifier =
  | { readonly kind: 'StartStop'; readonly start: string; readonly stop: string; readonly span: Span }
  | { readonly kind: 'Within'; readonly seconds: number; readonly span: Span }
  | { readonly kind: 'Repeats'; readonly times: number; readonly span: Span };

export interface Qualified {
  readonly kind: 'Qualified';
  readonly expr: ObservationExpr;
  readonly qualifier: Qualifier;
  readonly span: Span;
}

export type ObservationExpr = Observation | ObservationBinary | Qualified;

/** A whole pattern. `source` is the original text so errors and EXPLAIN can quote it. */
export interface Pattern {
  readonly kind: 'Pattern';
  readonly expr: ObservationExpr;
  readonly source: string;
  readonly span: Span;
}

export type StixNode = Pattern | ObservationExpr | ComparisonExpr | ObjectPath | Literal;
export type StixNodeKind = StixNode['kind'];
