/**
 * Lowering: huntflow AST → IR, with the semantic checks that need no data: unknown variables (with close names),
 * unknown entity types, relations that do not apply to the two types (listing those that do), a list compared with
 * `=`, START not before STOP. Unknown attributes are warnings naming close matches, collected on the result.
 * Each statement kind has its lowerer in `lower-statements.ts`; the checks they share live in `lower-scope.ts`
 * (names and attributes) and `lower-expressions.ts` (WHERE, time ranges, views).
 */
import { deepFreeze } from '../../common/index.ts';
import type { PeregrineError } from '../../errors/index.ts';
import type * as A from '../syntax/ast.ts';
import { LowerScope, type LowerContext } from './lower-scope.ts';
import { STATEMENT_LOWERERS } from './lower-statements.ts';
import type { IrProgram, IrStatement, Span } from './types.ts';

export interface LowerResult {
  readonly program: IrProgram;
  readonly warnings: readonly PeregrineError[];
}

export function lower(flow: A.Huntflow, ctx: LowerContext): LowerResult {
  const scope = new LowerScope(ctx);
  const statements: IrStatement[] = [];
  for (const s of flow.statements) {
    scope.varSpans = [];
    const ir = lowerStatement(s, scope);
    const focus = focusOf(s);
    statements.push({
      ...ir,
      ...(focus ? { focus } : {}),
      ...(scope.varSpans.length ? { varSpans: scope.varSpans } : {}),
    });
  }
  const program: IrProgram = deepFreeze({ kind: 'Program', statements, outputs: scope.outputs });
  return { program, warnings: scope.warnings };
}

/** Calls the lowerer of `s.kind` (the table's type pairs each kind with its own lowerer). */
function lowerStatement(s: A.Statement, scope: LowerScope): IrStatement {
  const lowerer = STATEMENT_LOWERERS[s.kind] as (s: A.Statement, scope: LowerScope) => IrStatement;
  return lowerer(s, scope);
}

/** See {@link IrStatement.focus}. */
function focusOf(s: A.Statement): Span | undefined {
  switch (s.kind) {
    case 'Get':
      return s.from?.span;
    case 'Load':
    case 'Save':
      return s.path.span;
    case 'Apply':
      return s.analytics.span;
    default:
      return undefined;
  }
}
