/** `peregrine sysflow read FILE…` — prints every record, events with their resolved entities. */
import type { Writable } from 'node:stream';
import { escapeControls } from '../../../common/escape-controls.ts';
import { InputError } from '../../../errors/index.ts';
import { expandInputs, inputName, recordsOf } from './inputs.ts';
import { itemToJsonLine, itemToRow, TABLE_HEADER } from './print.ts';
import { EntityTables, readItems } from './resolver.ts';

export interface ReadCommandOptions {
  format?: string;
  limit?: number;
}

const WIDTHS = [13, 30, 7, 16, 22, 12];

/** One table row; names and paths come from the trace, so each cell is made safe for the terminal. */
function row(cells: string[]): string {
  return (
    cells
      .map((c) => escapeControls(c, { oneLine: true }))
      .map((c, i) => (i < WIDTHS.length ? c.padEnd(WIDTHS[i]) : c))
      .join(' ') + '\n'
  );
}

/** Resolves when `out` drains, errs or closes (never rejects: errors are seen by the permanent handler). */
export function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

export async function runRead(
  args: readonly string[],
  opts: ReadCommandOptions,
  out: Writable = process.stdout,
): Promise<number> {
  const format = opts.format ?? 'table';
  if (format !== 'table' && format !== 'jsonl') {
    throw new InputError('E_INPUT_FLAG', `unknown --format ${format}`, { hint: 'use table or jsonl' });
  }
  if (args.length === 0)
    throw new InputError('E_INPUT_MISSING', 'no input given', {
      hint: 'peregrine sysflow read FILE.sf… (or - for stdin)',
    });
  const inputs = await expandInputs(args);
  const tables = new EntityTables();
  // A reader that goes away (`| head`) ends the command quietly.
  let closed = false;
  out.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
  });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await drained(out);
  };
  if (format === 'table') await write(row(TABLE_HEADER));
  let n = 0;
  for (const input of inputs) {
    for await (const item of readItems(recordsOf(input), inputName(input), tables)) {
      if (closed || (opts.limit !== undefined && n >= opts.limit)) return n;
      n++;
      await write(format === 'jsonl' ? escapeControls(itemToJsonLine(item)) + '\n' : row(itemToRow(item)));
    }
  }
  return n;
}
