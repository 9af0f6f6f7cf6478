/** `peregrine ingest FILE… --index NAME [--to PROFILE] [--store PATH]` — see `src/ingest/`. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('ingest')
    .description(
      'load ECS documents (NDJSON, Elastic bulk, JSON, STIX bundles) or Windows events into the embedded store or an Elastic profile',
    )
    .argument('<files...>', 'input files (- for stdin, NDJSON)')
    .option('-i, --index <name>', 'index to write to (bulk files may name their own)')
    .option('--to <profile>', 'write to this data source profile instead of the embedded store')
    .option(
      '--store <path>',
      'embedded store file (default: PEREGRINE_STORE or ~/.local/share/peregrine/store.duckdb)',
    )
    .option('-f, --format <format>', 'auto | ndjson | bulk | json | stix | windows', 'auto')
    .option('--max-rejections <n>', 'how many rejections to list', '50')
    .addHelpText(
      'after',
      '\nRejected documents are listed with file:line and the reason; the rest is still ingested.\n' +
        'Exit status: 0 when at least one document was ingested (or the input held none), 1 when every document\n' +
        'was rejected (error E_INGEST_REJECTED, positioned at the first) or on any other error.',
    )
    .action(
      async (
        files: string[],
        opts: { index?: string; to?: string; store?: string; format: string; maxRejections: string },
      ) => {
        const { ingest, formatSummary, nothingIngestedError, FORMATS } =
          await import('../../ingest/index.ts');
        const { InputError } = await import('../../errors/index.ts');
        await import('../../connectors/index.ts');
        if (!(FORMATS as readonly string[]).includes(opts.format)) {
          throw new InputError('E_INGEST_FORMAT', `unknown format "${opts.format}"`, {
            hint: `one of: ${FORMATS.join(', ')}`,
          });
        }
        const tty = process.stderr.isTTY;
        let last = 0;
        const summary = await ingest({
          files,
          format: opts.format as (typeof FORMATS)[number],
          ...(opts.index ? { index: opts.index } : {}),
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.store ? { store: opts.store } : {}),
          maxRejections: Math.max(0, Number(opts.maxRejections) || 0),
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < 200) return;
            last = now;
            const rate = p.elapsedMs > 0 ? Math.round((p.accepted / p.elapsedMs) * 1000) : 0;
            const msg = `ingesting: ${p.accepted} docs, ${p.rejected} rejected, ${rate} docs/s`;
            process.stderr.write(tty ? `\r${msg}\x1b[K` : `${msg}\n`);
          },
        });
        if (tty && last > 0) process.stderr.write('\r\x1b[K');
        process.stderr.write(formatSummary(summary) + '\n');
        if (summary.accepted === 0 && summary.rejected > 0) throw await nothingIngestedError(summary);
      },
    );
}
