/**
 * The `peregrine` command. Each subcommand lives in `src/cli/commands/<name>.ts` and registers itself through the list
 * in `src/cli/commands/index.ts`; a command module keeps its top level light and imports its implementation inside
 * the action, so `peregrine --help` stays fast. Every error reaches the user through the one error renderer.
 */
import { Command, CommanderError } from 'commander';
import { renderErrorText } from '../render/error.ts';
import { commands } from './commands/index.ts';

const program = new Command();
program
  .name('peregrine')
  .description(
    'Threat hunting with Kestrel huntflows over STIX bundles, Elastic/OpenSearch, an embedded store and SysFlow telemetry',
  )
  .version('0.1.0')
  .option('--debug', 'show stack traces and internal detail on errors')
  // Usage mistakes (unknown option or command, missing argument) read like every other error; commander's own
  // "(Did you mean …?)" stays in the message.
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'error[E_USAGE]: ').replace(/\n\(Did you mean/, ' (did you mean')) })
  .showHelpAfterError('hint: add --help to the command to see its arguments and options')
  .exitOverride();

for (const register of commands) register(program);

const debug = process.argv.includes('--debug');
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(renderErrorText(err, { debug }) + '\n');
    process.exitCode = 1;
  }
}
