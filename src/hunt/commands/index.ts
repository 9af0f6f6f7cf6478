/**
 * Every command of the language, dispatched on the IR kind through a `Record<IrKind, handler>` table: a new IR kind
 * breaks `tsc` here until it has a handler.
 */
import type { IrKind, IrStatement } from '../ir/types.ts';
import { runApply } from './apply.ts';
import type { CommandContext, CommandResult } from './context.ts';
import { runFind } from './find.ts';
import { runFindPeer } from './find-peer.ts';
import { runGet } from './get.ts';
import { runDescribe, runExplain, runInfo } from './info.ts';
import { runLoad, runNew, runSave } from './io.ts';
import { runGroup, runJoin, runMerge, runSort } from './transform.ts';
import { runAssign, runDisp } from './view.ts';

type Handlers = {
  [K in IrKind]: (s: Extract<IrStatement, { kind: K }>, ctx: CommandContext) => Promise<CommandResult>;
};

const HANDLERS: Handlers = {
  Get: runGet,
  Find: runFind,
  FindPeer: runFindPeer,
  Group: runGroup,
  Join: runJoin,
  Sort: runSort,
  Load: runLoad,
  Save: runSave,
  New: runNew,
  Apply: runApply,
  Disp: runDisp,
  Info: runInfo,
  Describe: runDescribe,
  Explain: runExplain,
  Merge: runMerge,
  Assign: runAssign,
};

export function runStatement(s: IrStatement, ctx: CommandContext): Promise<CommandResult> {
  return (HANDLERS[s.kind] as (s: IrStatement, ctx: CommandContext) => Promise<CommandResult>)(s, ctx);
}

export type { CommandContext, CommandResult, SourceManager } from './context.ts';
export type { Display } from './display.ts';
export { SymbolTable, type VariableEntry } from './symbols.ts';
export { viewRows } from './view.ts';
