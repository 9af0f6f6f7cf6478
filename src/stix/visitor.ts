/**
 * Exhaustive dispatch over the STIX AST (house rule 3): a table with one handler per `kind`. The table types are
 * mapped over the closed unions of `ast.ts`, so adding a node kind makes every table that lacks it fail `tsc`.
 */
import type { ComparisonExpr, Literal, ObservationExpr, Qualifier, StixNode } from './ast.ts';

/** One handler per member of the union `U`, keyed by `kind`. */
export type KindTable<U extends { readonly kind: string }, R> = {
  readonly [K in U['kind']]: (node: Extract<U, { readonly kind: K }>) => R;
};

export type StixVisitor<R> = KindTable<StixNode, R>;
export type ObservationVisitor<R> = KindTable<ObservationExpr, R>;
export type ComparisonVisitor<R> = KindTable<ComparisonExpr, R>;
export type LiteralVisitor<R> = KindTable<Literal, R>;
export type QualifierVisitor<R> = KindTable<Qualifier, R>;

/** Calls the handler of `node.kind` in `table`. */
export function dispatch<U extends { readonly kind: string }, R>(table: KindTable<U, R>, node: U): R {
  const fn = table[node.kind as U['kind']] as (n: U) => R;
  return fn(node);
}

/** Visits any STIX node with a full {@link StixVisitor} table. */
export function visit<R>(node: StixNode, visitor: StixVisitor<R>): R {
  return dispatch<StixNode, R>(visitor, node);
}
