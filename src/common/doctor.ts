/**
 * The contract of `peregrine doctor` checks: a check group (a data-source connector, the capture environment) runs
 * and returns findings, one line each; the CLI lists the groups and prints the findings. Checks never print secrets.
 */

/** One finding: `ok|warn|FAIL|skip  check: detail`, with a hint of what to do. */
export interface DoctorFinding {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
  readonly hint?: string;
}

export interface DoctorOptions {
  /** Only this data-source profile (stixshifter://NAME or NAME). */
  readonly profile?: string;
}

export interface DoctorCheck {
  readonly name: string;
  run(options: DoctorOptions): Promise<DoctorFinding[]>;
}
