/**
 * complete_request, inspect_request and is_complete_request: thin protocol wrappers over the shared completion
 * engine (`src/hunt/complete/`) and the parser's `isComplete`. Jupyter counts cursor positions in Unicode code
 * points; JavaScript strings index UTF-16 units — the two conversions below keep emoji and CJK in cells honest.
 */
import {
  attributesOfType,
  complete,
  describeWord,
  wordAt,
  type VariableDetail,
} from '../hunt/complete/index.ts';
import { isComplete } from '../hunt/syntax/index.ts';
import { escapeHtml } from '../render/html.ts';
import type { CellRunner } from './execute.ts';
import type { Handler } from './server.ts';

/** UTF-16 index of a code-point offset. */
export function codePointToIndex(text: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return i;
}

/** Code-point offset of a UTF-16 index. */
export function indexToCodePoint(text: string, index: number): number {
  return [...text.slice(0, index)].length;
}

function requestCode(content: Record<string, unknown>): { code: string; cursor: number } {
  const code = typeof content.code === 'string' ? content.code : '';
  const cp = typeof content.cursor_pos === 'number' ? content.cursor_pos : [...code].length;
  return { code, cursor: codePointToIndex(code, cp) };
}

async function variableDetails(runner: CellRunner): Promise<VariableDetail[]> {
  return (await runner.variables()).map((v) => ({ ...v }));
}

export function completeHandler(runner: CellRunner): Handler {
  return async (ctx) => {
    const { code, cursor } = requestCode(ctx.message.content);
    const variables = await variableDetails(runner);
    const c = await complete(code, cursor, {
      variables,
      cachedAttributes: (name) => {
        const type = variables.find((v) => v.name === name)?.type;
        return type ? runner.attributesOf(type) : [];
      },
    });
    const start = indexToCodePoint(code, c.start);
    const end = indexToCodePoint(code, c.end);
    await ctx.reply('complete_reply', {
      status: 'ok',
      matches: c.matches,
      cursor_start: start,
      cursor_end: end,
      metadata: {
        _jupyter_types_experimental: c.matches.map((text) => ({
          start,
          end,
          text,
          type: variables.some((v) => v.name === text)
            ? 'instance'
            : text === text.toUpperCase()
              ? 'keyword'
              : 'text',
        })),
      },
    });
  };
}

export function inspectHandler(runner: CellRunner): Handler {
  return async (ctx) => {
    const { code, cursor } = requestCode(ctx.message.content);
    const { word } = wordAt(code, cursor);
    const variables = await variableDetails(runner);
    const v = variables.find((x) => x.name === word);
    if (v) {
      // The attributes actually cached for the variable's type first, then the field map's.
      const detail = {
        ...v,
        attributes: [...new Set([...(await runner.attributesOf(v.type)), ...attributesOfType(v.type)])],
      };
      variables.splice(variables.indexOf(v), 1, detail);
    }
    const text = word === '' ? undefined : describeWord(word, variables);
    await ctx.reply('inspect_reply', {
      status: 'ok',
      found: text !== undefined,
      data: text === undefined ? {} : { 'text/plain': text, 'text/html': `<pre>${escapeHtml(text)}</pre>` },
      metadata: {},
    });
  };
}

export function isCompleteHandler(): Handler {
  return async (ctx) => {
    const code = typeof ctx.message.content.code === 'string' ? ctx.message.content.code : '';
    const status = code.trim() === '' ? 'complete' : isComplete(code);
    await ctx.reply('is_complete_reply', status === 'incomplete' ? { status, indent: '    ' } : { status });
  };
}
