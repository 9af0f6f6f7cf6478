/** `peregrine stack up|down` — the one-command mini-stack and its clean-up. */
import { escapeControls } from '../common/index.ts';
import { renderErrorText } from '../render/error.ts';
import { renderDisplayText, renderSummaryText } from '../render/index.ts';
import { InputError } from '../errors/index.ts';
import { HOSTS, seedHuntflows, stackDown, stackUp, type CaptureMode } from './index.ts';

export interface StackUpFlags {
  demo?: boolean;
  driver?: string;
  store?: string;
  elastic?: string | boolean;
  saveCapture?: string;
  hunt?: boolean;
  verbose?: boolean;
}

export async function runStackUp(flags: StackUpFlags): Promise<void> {
  const t0 = Date.now();
  const drivers = ['auto', 'ebpf', 'strace', 'replay'];
  if (flags.driver && !drivers.includes(flags.driver)) {
    throw new InputError('E_INPUT_FLAG', `unknown --driver ${flags.driver}`, { hint: drivers.join(', ') });
  }
  const elasticUrl =
    flags.elastic === true
      ? (process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200')
      : flags.elastic || undefined;
  // the banner quotes flags, paths and data: never printed raw
  const out = (s: string) => process.stdout.write(escapeControls(s) + '\n');
  out('# Peregrine mini-stack: attack workload → capture → SysFlow → ttps.yaml → store → hunt\n');
  const r = await stackUp({
    driver: (flags.driver ?? 'auto') as CaptureMode | 'auto',
    store: flags.store,
    elasticUrl,
    saveCapture: flags.saveCapture,
    verbose: flags.verbose,
  });
  out(
    `capture: ${r.mode}${r.mode === 'replay' ? ' (recorded capture, timestamps rebased)' : ' (live)'}; ${r.records} SysFlow records, ${r.alerts} tagged by ttps.yaml`,
  );
  for (const h of HOSTS) {
    const conn = r.profileEnv[`STIXSHIFTER_${h.id.toUpperCase()}_CONNECTION`]!;
    out(`data source: stixshifter://${h.id} → ${r.store ?? elasticUrl} (indices ${JSON.parse(conn).indices})`);
  }
  out('');
  if (flags.hunt === false) return;

  const { HuntSession } = await import('../hunt/session/index.ts');
  const session = await HuntSession.create({ profiles: r.profiles });
  try {
    for (const flow of seedHuntflows(r.window)) {
      out(`## ${flow.name}\n${flow.text}\n`);
      try {
        const res = await session.execute(flow.text, { sourceName: flow.name });
        for (const d of res.displays) out(renderDisplayText(d) + '\n');
        for (const w of res.warnings) process.stderr.write(renderErrorText(w) + '\n');
      } catch (e) {
        process.stderr.write(renderErrorText(e) + '\n');
        process.exitCode = 1;
        break;
      }
    }
    out(renderSummaryText(session.variables()));
  } finally {
    await session.close();
  }
  out(
    `\ndone in ${((Date.now() - t0) / 1000).toFixed(1)} s — \`peregrine stack down\` removes the stack's store`,
  );
}

export function runStackDown(): void {
  const removed = stackDown();
  process.stdout.write(
    removed.length ? `removed ${removed.join(', ')}\n` : 'nothing to remove: no stack is up\n',
  );
}
