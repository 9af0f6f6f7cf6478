/**
 * Huntflow syntax fixtures: each case in test/cases/hunt-syntax/*.txt is parsed; the expectation is the
 * s-expression of the AST, or for bad input `line:col CODE message` and the hint. Every case that parses is also
 * checked to print canonically and parse back to the same AST (modulo spans), and to survive a JSON round trip.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isPeregrineError } from '../../../src/errors/index.ts';
import { huntflowToSexpr, parseHuntflow, printHuntflow, type Huntflow } from '../../../src/hunt/syntax/index.ts';
import { runCases } from '../../support/fixtures.ts';
import { stripSpans } from './strip.ts';

const dir = join(import.meta.dirname, 'cases');

function roundTrips(h: Huntflow, input: string): void {
  const printed = printHuntflow(h);
  let again: Huntflow;
  try {
    again = parseHuntflow(printed, { source: h.source });
  } catch (e) {
    assert.fail(`canonical text does not parse:\n${printed}\n${String(e)}\nfrom:\n${input}`);
  }
  assert.deepEqual(stripSpans(again), stripSpans(h), `print/parse round trip differs:\n${printed}`);
  assert.equal(printHuntflow(again), printed, 'printing is not idempotent');
  assert.deepEqual(JSON.parse(JSON.stringify(h)), h, 'JSON round trip differs');
}

runCases(dir, (input) => {
  try {
    const h = parseHuntflow(input, { source: 'case.hf' });
    roundTrips(h, input);
    return huntflowToSexpr(h);
  } catch (e) {
    if (!isPeregrineError(e) || !e.span) throw e;
    return `${e.span.line}:${e.span.col} ${e.code} ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`;
  }
});
