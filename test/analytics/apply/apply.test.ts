/**
 * APPLY fixtures (`cases/*.txt`): a huntflow over the analytics test data (`$AD` = test/analytics/data) ==> one line
 * per assigned variable `name type entities records`, each display (graphics as `kind title: text`), warnings; or,
 * for a bad huntflow, `line:col CODE message (hint)`. The attributes analytics set are read back with WHERE, SORT,
 * GROUP and DISP in the same huntflow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runCases } from '../../support/fixtures.ts';
import { runApplyCase } from '../support.ts';

const AD = join(import.meta.dirname, '..', 'data');
/** `$TMP`: a fresh folder for what a case SAVEs. */
const TMP = mkdtempSync(join(tmpdir(), 'peregrine-apply-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

runCases(join(import.meta.dirname, 'cases'), (input) => runApplyCase(input, { AD, TMP }));
