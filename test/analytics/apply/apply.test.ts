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
import { isGraphic } from '../../../src/analytics/index.ts';
import { isPeregrineError } from '../../../src/errors/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { renderDisplayText } from '../../../src/render/index.ts';
import { runCases } from '../../support/fixtures.ts';

const AD = join(import.meta.dirname, '..', 'data');
/** `$TMP`: a fresh folder for what a case SAVEs. */
const TMP = mkdtempSync(join(tmpdir(), 'peregrine-apply-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

runCases(join(import.meta.dirname, 'cases'), async (input) => {
  const text = input.replaceAll('$AD', AD).replaceAll('$TMP', TMP);
  const session = await HuntSession.create();
  try {
    const r = await session.execute(text, { sourceName: 'case.hf' });
    const out = r.summary.map((v) => `${v.name} ${v.type} ${v.entities} ${v.records}`);
    for (const d of r.displays)
      out.push(
        isGraphic(d)
          ? `${d.kind} ${d.title ?? ''}: ${renderDisplayText(d)}`
          : renderDisplayText(d, { maxCell: 0 }),
      );
    for (const w of r.warnings) out.push(`warning ${w.span?.line}:${w.span?.col} ${w.code} ${w.message}`);
    return out.join('\n').replaceAll(AD, '$AD').replaceAll(TMP, '$TMP');
  } catch (e) {
    if (!isPeregrineError(e)) throw e;
    return `${e.span?.line}:${e.span?.col} ${e.code} ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`.replaceAll(
      AD,
      '$AD',
    );
  } finally {
    await session.close();
  }
});
