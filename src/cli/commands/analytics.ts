/** `peregrine analytics`: lists the analytics APPLY can run (house rule 9: registries the CLI can list). */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('analytics')
    .description(
      'list the analytics APPLY can run: built-ins with their arguments, Python profiles, interfaces',
    )
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { INTERFACES, MODULE_FILE, listAnalytics, loadPythonProfiles } =
        await import('../../analytics/index.ts');
      const builtins = listAnalytics().map((a) => ({
        name: a.name,
        uri: `analytics://${a.name}`,
        description: a.description,
        ...(a.inputTypes ? { inputs: a.inputTypes } : {}),
        args: a.args,
      }));
      const python = [...(await loadPythonProfiles())].map(([name, p]) => ({
        name,
        uri: MODULE_FILE.test(p.module) ? name : `python://${name}`,
        module: p.module,
        func: p.func,
        file: p.file,
      }));
      if (flags.json) {
        process.stdout.write(JSON.stringify({ builtins, python, interfaces: INTERFACES }, null, 2) + '\n');
        return;
      }
      const out: string[] = ['Built-in analytics (APPLY NAME ON var [WITH arg=value, …]):'];
      for (const a of builtins) {
        out.push(`  ${a.name}${a.inputs ? `  (on ${a.inputs.join(', ')})` : ''}`, `      ${a.description}`);
        for (const g of a.args) {
          const extra = [
            g.choices ? `one of ${g.choices.join('|')}` : '',
            g.default !== undefined ? `default ${g.default}` : '',
          ]
            .filter(Boolean)
            .join('; ');
          out.push(`      WITH ${g.name}=<${g.type}>  ${g.description}${extra ? ` (${extra})` : ''}`);
        }
      }
      out.push('', 'Profiles (python://NAME for Python, NAME for a TypeScript/JavaScript module):');
      if (python.length === 0) out.push('  none configured (see docs/analytics.md: pythonanalytics.yaml)');
      for (const p of python)
        out.push(`  ${p.uri}  ${p.module}${MODULE_FILE.test(p.module) ? '' : ` (${p.func})`} from ${p.file}`);
      out.push('', 'Interfaces:');
      for (const i of INTERFACES) out.push(`  ${i.scheme.padEnd(18)} ${i.description}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
