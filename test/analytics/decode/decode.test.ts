/**
 * De-obfuscation fixtures: `log4shell.txt` (a text ==> the JNDI URI its Log4j lookups amount to, or `none`; cases
 * from Kestrel's log4shell analytic tests, test_parser.py) and `powershell.txt` (a command line ==> how it hides
 * its script, then the script).
 */
import { join } from 'node:path';
import { log4shellTarget, uriHost } from '../../../src/analytics/decode/log4shell.ts';
import { decodePowerShell } from '../../../src/analytics/decode/powershell.ts';
import { runCases } from '../../support/fixtures.ts';

runCases(join(import.meta.dirname, 'cases'), (input, _c, file) => {
  if (file.endsWith('powershell.txt')) {
    const r = decodePowerShell(input);
    return r ? `${r.how}\n${r.decoded}` : 'none';
  }
  const t = log4shellTarget(input.replaceAll('\\n', '\n'));
  if (!t) return 'none';
  const hp = uriHost(t);
  return `${t}\nhost ${hp.host ?? '-'} port ${hp.port ?? '-'}`;
});
