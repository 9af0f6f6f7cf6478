/**
 * Every `peregrine` subcommand, in the order `--help` lists them. A command module exports
 * `register(program: Command): void`; add one line here when you add a command.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

import { register as ingest } from './ingest.ts';
import { register as kernel } from './kernel.ts';
import { register as repl } from './repl.ts';
import { register as sysflow } from './sysflow.ts';
import { register as run } from './run.ts';
import { register as analytics } from './analytics.ts';
import { register as shifter } from './shifter.ts';
import { register as doctor } from './doctor.ts';
import { register as stack } from './stack.ts';
import { register as sigma } from './sigma.ts';

/** Hunting first, then telemetry and data, then setup. */
export const commands: RegisterCommand[] = [
  run,
  repl,
  stack,
  sysflow,
  sigma,
  ingest,
  shifter,
  analytics,
  kernel,
  doctor,
];
