/**
 * `deobfuscate`: reads every text attribute of the input entities (base64 `payload_bin` of artifacts decoded first)
 * and sets what attackers hid in them — `x_log4shell` (the JNDI URI of a Log4j lookup, with `x_log4shell_host`
 * and `x_log4shell_port`) and `x_powershell_decoded` (the script behind `-EncodedCommand` or `FromBase64String`),
 * with `x_obfuscation` naming how it was hidden.
 */
import { entityRows, REFERENCE_COLUMNS } from '../../store/cache/index.ts';
import type { Analytic, AttributeUpdate } from '../contract.ts';
import { log4shellTarget, uriHost } from '../decode/log4shell.ts';
import { decodePowerShell } from '../decode/powershell.ts';

const COLUMNS = [
  'x_log4shell',
  'x_log4shell_host',
  'x_log4shell_port',
  'x_powershell_decoded',
  'x_obfuscation',
];
const SKIP = new Set(['id', 'type', 'first_observed', 'last_observed']);

/** Every text an entity row holds (nested values' strings too), payloads decoded. */
function texts(columns: readonly string[], row: readonly unknown[], only?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  columns.forEach((c, i) => {
    if (SKIP.has(c) || (only && !only.has(c))) return;
    const v = row[i];
    if (c === 'payload_bin' && typeof v === 'string') out.push(Buffer.from(v, 'base64').toString('utf8'));
    else walk(v);
  });
  return out;
}

export const deobfuscate: Analytic = {
  name: 'deobfuscate',
  description:
    'decodes what attackers hide in text attributes: Log4j JNDI lookups (x_log4shell, _host, _port) and PowerShell -EncodedCommand/base64 (x_powershell_decoded); x_obfuscation says how',
  args: [
    { name: 'attrs', type: 'list', description: 'only these attributes (default: every text attribute)' },
  ],
  async run(ctx) {
    const only = ctx.args.attrs === undefined ? undefined : new Set([ctx.args.attrs].flat().map(String));
    const updates: AttributeUpdate[] = [];
    for (const v of ctx.inputs) {
      const attributes = [...ctx.cache.attributes(v.type), ...(REFERENCE_COLUMNS[v.type] ?? [])];
      const t = await entityRows(ctx.cache, { vid: v.vid, type: v.type, attributes }, ctx.signal);
      const rows: unknown[][] = [];
      for (const r of t.rows) {
        let jndi: string | undefined;
        let ps: ReturnType<typeof decodePowerShell>;
        for (const s of texts(t.columns, r, only)) {
          jndi ??= log4shellTarget(s);
          ps ??= decodePowerShell(s);
          if (jndi && ps) break;
        }
        if (!jndi && !ps) continue;
        const hp = jndi ? uriHost(jndi) : {};
        const how = [jndi ? 'log4shell' : '', ps ? `powershell-${ps.how}` : ''].filter(Boolean).join(',');
        rows.push([r[0], jndi ?? null, hp.host ?? null, hp.port ?? null, ps?.decoded ?? null, how]);
      }
      updates.push({ type: v.type, columns: COLUMNS, rows });
    }
    return { updates };
  },
};
