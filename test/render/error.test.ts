/** The error renderer: the source line with a caret, control bytes escaped (never raw), causes not repeated. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectorError, ParseError, spanAt } from '../../src/errors/index.ts';
import { escapeControls } from '../../src/common/index.ts';
import { renderErrorText } from '../../src/render/error.ts';

test('control bytes in the source line are escaped and the caret still points at the offending character', () => {
  const text = 'x = NEW ipv4-addr\nDISP\u0000\u001b[2Jx';
  const e = new ParseError('E_X', "unexpected character '\u0000'", {
    span: spanAt('a.hf', text, text.indexOf('\u001b'), 1),
    hint: 'remove it',
  });
  assert.equal(
    renderErrorText(e),
    [
      "a.hf:2:6: error[E_X]: unexpected character '\\u0000'",
      '  |',
      '2 | DISP\\u0000\\u001b[2Jx',
      '  |           ^^^^^^',
      'hint: remove it',
    ].join('\n'),
  );
});

test('tabs keep their width, U+FFFD and bidi controls are escaped, plain text is untouched', () => {
  assert.equal(escapeControls('a\tb\nc'), 'a\tb\nc');
  assert.equal(escapeControls('\ufffd\u202e'), '\\ufffd\\u202e');
  const text = '\tx = \u202ey';
  const e = new ParseError('E_X', 'bad', { span: spanAt('t.hf', text, text.indexOf('y'), 1) });
  const lines = renderErrorText(e).split('\n');
  assert.equal(lines[2], '1 |  x = \\u202ey');
  assert.equal(lines[3], `  | ${' '.repeat(' x = \\u202e'.length)}^`);
});

test('a cause the message already quotes is not repeated; a new one is', () => {
  const inner = new Error('getaddrinfo ENOTFOUND nohost');
  const outer = new Error('fetch failed', { cause: inner });
  const said = new ConnectorError('E_H', 'cannot fetch http://nohost/: getaddrinfo ENOTFOUND nohost', {
    cause: outer,
  });
  assert.ok(!renderErrorText(said).includes('caused by'));
  const unsaid = new ConnectorError('E_H', 'cannot fetch http://nohost/', { cause: outer });
  assert.match(renderErrorText(unsaid), /caused by: fetch failed\ncaused by: getaddrinfo ENOTFOUND nohost$/);
});

test('withSpan keeps the cause', () => {
  const e = new ConnectorError('E_H', 'x', { cause: new Error('root') });
  const moved = e.withSpan(spanAt('a.hf', 'GET', 0, 3));
  assert.equal((moved.cause as Error).message, 'root');
  assert.equal(moved.span?.source, 'a.hf');
});

test('a long line is cut to a window around the column, marked with …', () => {
  const text = `x = NEW ipv4-addr [${'"1.2.3.4",'.repeat(500)}]`;
  const at = text.length - 1;
  const lines = renderErrorText(new ParseError('E_X', 'bad', { span: spanAt('l.hf', text, at, 1) })).split(
    '\n',
  );
  assert.ok(lines[2]!.startsWith('1 | …') && lines[2]!.endsWith(',]'), lines[2]);
  assert.ok(lines[2]!.length < 200, 'the line is cut');
  assert.equal(lines[3]!.indexOf('^'), lines[2]!.length - 1);
});
