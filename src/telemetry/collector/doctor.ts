/**
 * `peregrine doctor` check: can this machine capture live? Root, tracefs (mounted here when missing and root), BTF,
 * bpftrace, strace, sysdig (scap replay) — and which driver `collect`/`stack up` will use.
 */
import { spawnSync } from 'node:child_process';
import type { DoctorCheck, DoctorFinding } from '../../common/index.ts';
import { chooseDriver } from './capture.ts';
import { ebpfReadiness } from './drivers/ebpf.ts';

function version(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0]! : null;
}

/** One capture finding: ok with `detail`, else a warning with `missing` as detail and the `hint`. */
function finding(check: string, ok: unknown, detail: string, missing: string, hint: string): DoctorFinding {
  return ok
    ? { check: `capture: ${check}`, status: 'ok', detail, hint: undefined }
    : { check: `capture: ${check}`, status: 'warn', detail: missing, hint };
}

/** A finding on an installed tool: its version line, or how to install it. */
function tool(check: string, cmd: string, args: string[], install: string): DoctorFinding {
  const v = version(cmd, args);
  return finding(check, v, v ?? '', v ?? 'not installed', install);
}

export const captureCheck: DoctorCheck = {
  name: 'capture',
  async run(): Promise<DoctorFinding[]> {
    const e = ebpfReadiness({ mountTracefs: true });
    const strace = tool('strace', 'strace', ['-V'], 'apt-get install strace');
    const sysdig = tool(
      'sysdig (scap replay)',
      'sysdig',
      ['--version'],
      'apt-get install --no-install-recommends sysdig',
    );
    const { driver, reasons } = chooseDriver();
    return [
      finding(
        'root',
        e.root,
        'running as root',
        'not root',
        'eBPF capture needs root; strace can still watch commands it launches',
      ),
      finding(
        'tracefs',
        e.tracefs,
        '/sys/kernel/tracing has syscall tracepoints',
        'not mounted',
        'mount -t tracefs nodev /sys/kernel/tracing',
      ),
      finding(
        'BTF',
        e.btf,
        '/sys/kernel/btf/vmlinux present',
        'missing',
        'a kernel built with CONFIG_DEBUG_INFO_BTF is needed for socket tuples',
      ),
      finding(
        'bpftrace',
        e.bpftrace,
        e.bpftrace ?? '',
        e.bpftrace ?? 'not installed',
        'apt-get install bpftrace',
      ),
      strace,
      sysdig,
      finding(
        'driver',
        driver,
        `live capture will use ${driver}${driver === 'ebpf' ? '' : ` (${reasons.join('; ')})`}`,
        `no live driver: ${reasons.join('; ')}`,
        '`peregrine stack up` replays the recorded capture instead',
      ),
    ];
  },
};
