import type { Handler } from './server.ts';
import type { CellRunner } from './execute.ts';
export function completeHandler(_r: CellRunner): Handler { return async (ctx) => ctx.reply('complete_reply', { status: 'ok', matches: [], cursor_start: 0, cursor_end: 0, metadata: {} }); }
export function inspectHandler(_r: CellRunner): Handler { return async (ctx) => ctx.reply('inspect_reply', { status: 'ok', found: false, data: {}, metadata: {} }); }
export function isCompleteHandler(): Handler { return async (ctx) => ctx.reply('is_complete_reply', { status: 'unknown' }); }
