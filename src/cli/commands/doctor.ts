/**
 * `peregrine doctor` — checks the environment and every configured data source, one line per finding:
 * `ok|warn|FAIL  check: detail` (+ a hint). Exit status 1 when any check fails.
 *
 * Extensible: a check group is a module exporting a {@link DoctorCheck}; add one lazy loader line to
 * {@link doctorChecks}. Checks never print secrets.
 */
import type { Command } from 'commander';
import { escapeControls, type DoctorCheck, type DoctorFinding } from '../../common/index.ts';

/** Every check group, loaded only when `doctor` runs. Add yours here. */
export const doctorChecks: Array<() => Promise<DoctorCheck>> = [
  () => import('../../connectors/elastic/doctor.ts').then((m) => m.elasticProfilesCheck),
  () => import('../../connectors/local/doctor.ts').then((m) => m.localProfilesCheck),
  () => import('../../telemetry/collector/doctor.ts').then((m) => m.captureCheck),
];

const LABEL: Record<DoctorFinding['status'], string> = {
  ok: 'ok  ',
  warn: 'warn',
  fail: 'FAIL',
  skip: 'skip',
};

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'check data-source profiles (reachability, auth, indices, mapped ECS fields) and the environment',
    )
    .option('-p, --profile <name>', 'check only this data-source profile')
    .option('--json', 'print findings as JSON lines')
    .action(async (opts: { profile?: string; json?: boolean }) => {
      let failed = false;
      for (const load of doctorChecks) {
        const check = await load();
        const findings = await check.run({ profile: opts.profile });
        for (const f of findings) {
          if (f.status === 'fail') failed = true;
          // details quote what servers and profiles said: never printed raw
          if (opts.json) process.stdout.write(escapeControls(JSON.stringify(f)) + '\n');
          else
            process.stdout.write(
              escapeControls(`${LABEL[f.status]}  ${f.check}: ${f.detail}\n${f.hint ? `      hint: ${f.hint}\n` : ''}`),
            );
        }
      }
      if (failed) process.exitCode = 1;
    });
}
