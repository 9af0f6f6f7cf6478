/**
 * Parser fixtures (test/cases/stix/*.txt): each pattern → its s-expression and canonical text, or the rendered
 * error. Every pattern that parses is also checked for print → parse round trip and JSON round trip.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCases } from '../support/fixtures.ts';
import {
  parseComparisonExpression,
  parsePattern,
  printPattern,
  stripSpans,
  toSexpr,
} from '../../src/stix/index.ts';
import { renderErrorText } from '../../src/render/error.ts';

function checkRoundTrips(text: string): void {
  const p = parsePattern(text);
  const again = parsePattern(printPattern(p));
  assert.deepEqual(stripSpans(again), stripSpans(p), `print/parse round trip of ${text}`);
  assert.equal(printPattern(again), printPattern(p));
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p, `JSON round trip of ${text}`);
}

runCases(join(import.meta.dirname, 'cases'), (input, _c, file) => {
  try {
    if (file === 'kestrel-where.txt') {
      const e = parseComparisonExpression(input, {
        defaultType: 'process',
        allowVarRefs: true,
        source: '<where>',
      });
      assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
      return `${toSexpr(e)}\n${printPattern(e)}`;
    }
    const p = parsePattern(input, { source: '<pattern>' });
    checkRoundTrips(input);
    return `${toSexpr(p)}\n${printPattern(p)}`;
  } catch (e) {
    return renderErrorText(e);
  }
});
