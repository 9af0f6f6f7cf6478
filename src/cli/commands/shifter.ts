/**
 * `peregrine shifter translate|transmit|execute` — STIX-shifter's command-line verbs and JSON arguments, served by
 * Peregrine's own elastic_ecs translation and transmission:
 *
 *   peregrine shifter translate elastic_ecs query '{}' "[process:name = 'bash']" ['{"time_range": 60}']
 *   peregrine shifter translate elastic_ecs results '<identity>' '<ECS docs JSON>'|@FILE|- ['{"stix_2.1": true}']
 *   peregrine shifter transmit elastic_ecs '<connection>' '<configuration>' ping|query|results|status|delete|is_async …
 *   peregrine shifter execute elastic_ecs elastic_ecs '<identity>' '<connection>' '<configuration>' "<pattern>" ['{…}']
 */
import type { Command } from 'commander';

function print(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
}

/** A progress line on stderr (hits, total, rate) when stderr is a terminal. */
function progress(): ((p: { hits: number; total?: number; elapsedMs: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (p) => {
    const rate = p.elapsedMs > 0 ? Math.round((p.hits * 1000) / p.elapsedMs) : 0;
    process.stderr.write(`\r${p.hits}${p.total !== undefined ? `/${p.total}` : ''} hits, ${rate}/s   `);
  };
}

/**
 * Checks that a credential-bearing JSON argument (<configuration>) parses, before the verbs echo a bad one's text
 * in an error: the error is positioned but does not show the argument.
 */
async function checkSecretJson(name: string, text: string): Promise<void> {
  try {
    JSON.parse(text);
  } catch (e) {
    const { InputError, spanAt } = await import('../../errors/index.ts');
    const m = /at position (\d+)/.exec((e as Error).message);
    const offset = m ? Number(m[1]) : text.length;
    const { text: _hidden, ...span } = spanAt(`<${name}>`, text, offset);
    throw new InputError(
      'E_ARG_JSON',
      `argument <${name}> is not valid JSON (${(e as Error).message.replace(/ in JSON at position \d+.*$/s, '')})`,
      {
        span,
        hint: `the ${name} is not shown as it may hold credentials; check it with a JSON tool`,
      },
    );
  }
}

export function register(program: Command): void {
  const shifter = program
    .command('shifter')
    .description("STIX-shifter's translate / transmit / execute verbs for elastic_ecs");
  shifter
    .command('translate')
    .description('query: STIX pattern → query DSL; results: ECS documents → STIX bundle')
    .argument('<module>', 'elastic_ecs')
    .argument('<what>', 'query or results')
    .argument('<data_source>', 'data-source identity JSON (may be {})')
    .argument(
      '<data>',
      'the STIX pattern (query); the ECS documents JSON, @FILE or - for standard input (results)',
    )
    .argument('[options]', 'JSON options: time_range (minutes), stix_2.1')
    .action(async (module: string, what: string, dataSource: string, data: string, options?: string) => {
      const v = await import('../../connectors/elastic/shifter-verbs.ts');
      if (what === 'query') {
        // STIX-shifter ignores it for a query; a malformed one is still a mistake worth pointing at.
        v.jsonArg('data_source', dataSource);
        print(v.translateQuery(module, data, options));
      } else if (what === 'results') print(v.translateResults(module, dataSource, data, options));
      else {
        const { InputError } = await import('../../errors/index.ts');
        throw new InputError('E_SHIFTER_VERB', `translate takes "query" or "results", not "${what}"`, {
          hint: "peregrine shifter translate elastic_ecs query '{}' \"[process:name = 'bash']\"",
        });
      }
    });
  shifter
    .command('transmit')
    .description(
      'talk to the cluster: ping, is_async, query, status, results <search_id> <offset> <length>, delete',
    )
    .argument('<module>', 'elastic_ecs')
    .argument('<connection>', 'connection JSON: {"host","port","indices",…}')
    .argument('<configuration>', 'configuration JSON: {"auth":{…}}')
    .argument('<operation>', 'ping | is_async | query | status | results | delete')
    .argument('[args...]', 'operation arguments')
    .action(async (module: string, connection: string, config: string, operation: string, args: string[]) => {
      await checkSecretJson('configuration', config);
      const v = await import('../../connectors/elastic/shifter-verbs.ts');
      print(await v.transmit(module, connection, config, operation, args, { onProgress: progress() }));
    });
  shifter
    .command('execute')
    .description('translate + transmit + results: run a STIX pattern and print a STIX bundle')
    .argument('<translate_module>', 'elastic_ecs')
    .argument('<transmit_module>', 'elastic_ecs')
    .argument('<data_source>', 'data-source identity JSON (may be {})')
    .argument('<connection>', 'connection JSON')
    .argument('<configuration>', 'configuration JSON')
    .argument('<pattern>', 'STIX pattern')
    .argument('[options]', 'JSON options: time_range (minutes), stix_2.1')
    .action(
      async (
        tm: string,
        xm: string,
        ds: string,
        connection: string,
        config: string,
        pattern: string,
        options?: string,
      ) => {
        await checkSecretJson('configuration', config);
        const v = await import('../../connectors/elastic/shifter-verbs.ts');
        const ac = new AbortController();
        const onSigint = (): void => ac.abort();
        process.once('SIGINT', onSigint);
        try {
          print(
            await v.execute(tm, xm, ds, connection, config, pattern, options, {
              signal: ac.signal,
              onProgress: progress(),
            }),
          );
        } finally {
          process.off('SIGINT', onSigint);
          if (process.stderr.isTTY) process.stderr.write('\n');
        }
      },
    );
}
