/**
 * The SysFlow policy language (SFPL, sf-processor's dialect of Falco rules) as frozen plain data.
 *
 * A policy file is a list of declarations (`- rule:`, `- macro:`, `- list:`, `- filter:`/`- drop:`); conditions are
 * trees of {@link Cond} nodes. Every node carries a {@link Span} into the file it came from, so the compiler and the
 * linter can point at `file:line:col`. Nodes have no methods and no parent pointers; the `kind` union is closed, so a
 * new node kind breaks `tsc` until every walker (compiler, linter, printer) handles it.
 *
 * Atoms are kept as written: whether `sf.proc.name` is an attribute and `bash` a literal — or `shell_binaries` a list —
 * is decided against the attribute table and the loaded lists at compile time, the way sf-processor decides it.
 */
import type { TextSpan } from '../../../errors/index.ts';

/** A place in a policy file. `line`/`col` are 1-based; `offset` is 0-based into the file text. */
export type Span = TextSpan;

/** A bare word (`sf.proc.name`, `bash`, `/etc/passwd`, `-1`) or a quoted string (`'sh -c'`), as written. */
export interface Atom {
  readonly kind: 'atom';
  /** The text without bounding quotes. */
  readonly text: string;
  readonly quoted: boolean;
  /** Set on an item written inside `[…]` within `in (…)` (sf-processor does not read those). */
  readonly bracketed?: true;
  readonly span: Span;
}

/** Binary comparison operators (SFPL's plus Falco's `glob`/`regex`/`bcontains`…, which the compiler judges). */
export type CompareOp =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | 'icontains'
  | 'startswith'
  /** Case-insensitive forms SIGMA rules compile to (not written in SFPL). */
  | 'iequals'
  | 'istartswith'
  | 'iendswith'
  | 'endswith'
  | 'glob'
  | 'iglob'
  | 'regex'
  | 'bcontains'
  | 'bstartswith';

/** List operators: `in` (exact match of any item), `pmatch` (contains any item), Falco's `intersects`. */
export type ListOp = 'in' | 'pmatch' | 'intersects';

export interface And {
  readonly kind: 'and';
  readonly args: readonly Cond[];
  readonly span: Span;
}
export interface Or {
  readonly kind: 'or';
  readonly args: readonly Cond[];
  readonly span: Span;
}
export interface Not {
  readonly kind: 'not';
  readonly arg: Cond;
  readonly span: Span;
}
/** `left op right`; `right` is an attribute when its text names one, else a literal. */
export interface Compare {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: Atom;
  readonly right: Atom;
  readonly span: Span;
}
/** `left in (a, b, some_list)`; items naming a list are expanded at compile time. */
export interface InList {
  readonly kind: 'inlist';
  readonly op: ListOp;
  readonly left: Atom;
  readonly items: readonly Atom[];
  readonly span: Span;
}
/** `A exists` (SFPL grammar) or `exists A` (as POLICIES.md writes it): A is not its zero value. */
export interface Exists {
  readonly kind: 'exists';
  readonly operand: Atom;
  readonly span: Span;
}
/** A bare identifier standing alone: a macro reference. */
export interface Ref {
  readonly kind: 'ref';
  readonly name: string;
  readonly span: Span;
}

export type Cond = And | Or | Not | Compare | InList | Exists | Ref;
export type CondKind = Cond['kind'];

/** A condition together with the text it was parsed from (for messages). */
export interface Condition {
  readonly text: string;
  readonly root: Cond;
  readonly span: Span;
}

export interface RuleDecl {
  readonly kind: 'rule';
  readonly name: string;
  readonly desc: string;
  readonly condition: Condition;
  /** As written (`low`, `WARNING`, …); normalised by the engine. Empty when absent. */
  readonly priority: string;
  readonly tags: readonly string[];
  /** User-defined action plugin names (`action:` / `actions:`). */
  readonly actions: readonly string[];
  /** Record types (`PE`, `FF`, …) the rule is restricted to; empty = all. */
  readonly prefilter: readonly string[];
  readonly enabled: boolean;
  /** The `enabled:` value as written, when given (sf-processor reads it as a Go boolean). */
  readonly enabledText?: string;
  /** Falco `output:` text, kept for display. */
  readonly output?: string;
  readonly span: Span;
}
export interface MacroDecl {
  readonly kind: 'macro';
  readonly name: string;
  readonly condition: Condition;
  /** Falco `append: true`: the condition is or-ed onto an earlier macro of the same name. */
  readonly append: boolean;
  readonly span: Span;
}
export interface ListDecl {
  readonly kind: 'list';
  readonly name: string;
  readonly items: readonly Atom[];
  /** Falco `append: true`: items extend an earlier list of the same name. */
  readonly append: boolean;
  readonly span: Span;
}
/** `- filter:` or `- drop:` — records matching the condition are dropped before rules run. */
export interface FilterDecl {
  readonly kind: 'filter';
  readonly name: string;
  readonly condition: Condition;
  readonly enabled: boolean;
  /** The `enabled:` value as written, when given. */
  readonly enabledText?: string;
  readonly span: Span;
}

export type Decl = RuleDecl | MacroDecl | ListDecl | FilterDecl;
export type DeclKind = Decl['kind'];

/** Something in a policy file the loader could not read; the rest of the file still loads. */
export interface LoadProblem {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly span: Span;
}

/** One parsed policy file. */
export interface PolicyFile {
  readonly kind: 'policy';
  /** Path or name, used in messages. */
  readonly source: string;
  readonly decls: readonly Decl[];
  readonly problems: readonly LoadProblem[];
}
