/**
 * The APPLY fixture cases' one runner (apply/, python/, module/, folder/): a huntflow ==> one line per assigned
 * variable `name type entities records`, each display (graphics as `kind title: text`, or as `show` prints them),
 * warnings; or, for a bad huntflow, `line:col CODE message (hint)`. `$NAME` in a case stands for `paths[NAME]`, in the
 * input and back in the output, so expectations do not depend on where the checkout or the temp folder is. A case may
 * start with `! env NAME=VALUE` lines: the environment for that case only.
 */
import type { GraphicDisplay } from '../../src/analytics/index.ts';
import { isGraphic } from '../../src/analytics/index.ts';
import { isPeregrineError } from '../../src/errors/index.ts';
import { HuntSession } from '../../src/hunt/session/index.ts';
import { renderDisplayText } from '../../src/render/index.ts';

export async function runApplyCase(
  input: string,
  paths: Readonly<Record<string, string>>,
  show: (d: GraphicDisplay) => string = (d) => `${d.kind} ${d.title ?? ''}: ${renderDisplayText(d)}`,
): Promise<string> {
  const put = (s: string): string => Object.entries(paths).reduce((t, [k, v]) => t.replaceAll(`$${k}`, v), s);
  const clean = (s: string): string =>
    Object.entries(paths).reduce((t, [k, v]) => t.replaceAll(v, `$${k}`), s);
  const lines = input.split('\n');
  const env: Record<string, string> = {};
  while (lines[0]?.startsWith('! env ')) {
    const [k, ...v] = lines.shift()!.slice(6).split('=');
    env[k!] = put(v.join('='));
  }
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const session = await HuntSession.create();
  try {
    const r = await session.execute(put(lines.join('\n')), { sourceName: 'case.hf' });
    const out = r.summary.map((v) => `${v.name} ${v.type} ${v.entities} ${v.records}`);
    for (const d of r.displays) out.push(isGraphic(d) ? show(d) : renderDisplayText(d, { maxCell: 0 }));
    for (const w of r.warnings) out.push(`warning ${w.span?.line}:${w.span?.col} ${w.code} ${w.message}`);
    return clean(out.join('\n'));
  } catch (e) {
    if (!isPeregrineError(e)) throw e;
    return clean(
      `${e.span?.line}:${e.span?.col} ${e.code} ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`,
    );
  } finally {
    await session.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
