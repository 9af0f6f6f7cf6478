/**
 * A strict RFC 4180 pass over a CSV file before DuckDB reads it: DuckDB's dialect sniffer takes a ragged or
 * badly quoted file silently (as one odd column, or as no rows at all), so LOAD would hand back wrong data.
 * Streams the file; reports the first fault with its position inside the CSV file.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError, type SourceSpan } from '../../errors/index.ts';

function fault(
  source: string,
  lineNo: number,
  lineText: string,
  col: number,
  message: string,
  hint: string,
): InputError {
  // The span's text is the offending line alone, placed at its line number so the renderer shows it.
  const text = '\n'.repeat(lineNo - 1) + lineText;
  const span: SourceSpan = { source, line: lineNo, col, offset: lineNo - 1 + col - 1, length: 1, text };
  return new InputError('E_LOAD_CSV', message, { span, hint });
}

/** Throws an `E_LOAD_CSV` InputError at the first record whose quoting or field count is wrong. */
export async function checkCsv(path: string, source: string): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let inQuotes = false;
  let afterQuote = false; // just closed a quoted field: only a separator or the end of the record may follow
  let fieldStart = true;
  let fields = 1;
  let expected = -1;
  let lineNo = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let quoteCol = 1;
  let line = '';
  let recordText = '';
  let empty = true;
  let quoteLineText = '';
  const endRecord = (): void => {
    if (!empty) {
      if (expected < 0) expected = fields;
      else if (fields !== expected)
        throw fault(
          source,
          recordLine,
          recordText,
          1,
          `record has ${fields} field${fields === 1 ? '' : 's'}, the header has ${expected}`,
          'every row of a CSV file needs as many comma-separated fields as the header line',
        );
    }
    fields = 1;
    fieldStart = true;
    afterQuote = false;
    empty = true;
  };
  // A quoting fault is reported once its line is complete, so the whole line is shown.
  let pending: { col: number; message: string; hint: string } | undefined;
  const raise = (p: { col: number; message: string; hint: string }): never => {
    throw fault(source, lineNo, line.replace(/\r$/, ''), p.col, p.message, p.hint);
  };
  const feed = (chunk: string): void => {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (pending) {
        if (ch === '\n') raise(pending);
        line += ch;
        continue;
      }
      if (ch === '\n') {
        if (inQuotes && quoteLine === lineNo) quoteLineText = line.replace(/\r$/, '');
        if (!inQuotes) {
          recordText = recordLine === lineNo ? line.replace(/\r$/, '') : recordText;
          endRecord();
          recordLine = lineNo + 1;
        }
        lineNo++;
        line = '';
        continue;
      }
      line += ch;
      if (ch === '\r') continue;
      if (!inQuotes && recordLine === lineNo) recordText = line;
      if (inQuotes) {
        if (ch === '"') {
          inQuotes = false;
          afterQuote = true;
        }
        continue;
      }
      empty = false;
      if (ch === ',') {
        fields++;
        fieldStart = true;
        afterQuote = false;
      } else if (afterQuote && ch === '"') {
        inQuotes = true; // "" inside a quoted field
        afterQuote = false;
      } else if (afterQuote) {
        pending = {
          col: line.length,
          message: 'text after the closing quote of a field',
          hint: 'a quoted field ends at its closing quote; write "" for a quote inside it',
        };
      } else if (ch === '"') {
        if (!fieldStart) {
          pending = {
            col: line.length,
            message: 'quote inside an unquoted field',
            hint: 'quote the whole field and double the quote inside it: "a""b"',
          };
          continue;
        }
        inQuotes = true;
        quoteLine = lineNo;
        quoteCol = line.length;
      } else fieldStart = false;
    }
  };
  for await (const buf of createReadStream(path)) feed(decoder.write(buf as Buffer));
  feed(decoder.end());
  if (pending) raise(pending);
  if (inQuotes)
    throw fault(
      source,
      quoteLine,
      quoteLine === lineNo ? line : quoteLineText,
      quoteCol,
      'unterminated quoted field',
      'close the field with a quote',
    );
  if (line.replace(/\r$/, '') !== '') {
    recordText = recordLine === lineNo ? line : recordText;
    endRecord();
  }
}
