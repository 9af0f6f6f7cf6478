/**
 * Conformance fixtures (`test/cases/hunt/*.txt`): a huntflow over Kestrel's own test bundles (`$TD` = the folder
 * `test/data/kestrel/test-data`) ==> one line per assigned variable `name type entities records`, then each
 * display as a text table; or, for a bad huntflow, `line:col CODE message`. Counts come from Kestrel 1.x's test suite.
 */
import { join } from 'node:path';
import { isPeregrineError } from '../../../src/errors/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { renderDisplayText } from '../../../src/render/index.ts';
import { KESTREL_TEST_DATA } from '../../support/data.ts';
import { runCases } from '../../support/fixtures.ts';

const TD = KESTREL_TEST_DATA;

runCases(join(import.meta.dirname, 'cases'), async (input) => {
  const text = input.replaceAll('$TD', TD);
  const session = await HuntSession.create();
  try {
    const r = await session.execute(text, { sourceName: 'case.hf' });
    const out = r.summary.map((v) => `${v.name} ${v.type} ${v.entities} ${v.records}`);
    for (const d of r.displays) out.push(renderDisplayText(d, { maxCell: 0 }));
    for (const w of r.warnings)
      out.push(
        `warning ${w.span?.line}:${w.span?.col} ${w.code} ${w.message}${w.hint ? ` (hint: ${w.hint})` : ''}`,
      );
    return out.join('\n').replaceAll(TD, '$TD');
  } catch (e) {
    if (!isPeregrineError(e)) throw e;
    return `${e.span?.line}:${e.span?.col} ${e.code} ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`.replaceAll(
      TD,
      '$TD',
    );
  } finally {
    await session.close();
  }
});
