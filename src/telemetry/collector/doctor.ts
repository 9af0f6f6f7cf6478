/**
 * `peregrine doctor` check: can this machine capture live? Root, tracefs (mounted here when missing and root), BTF,
 * bpftrace, strace, sysdig (scap replay) — and which driver `collect`/`stack up` will use.
 */
import { spawnSync } from 'node:child_process';
import type { DoctorCheck, DoctorFinding } from '../../cli/commands/doctor.ts';
import { chooseDriver, ebpfReadiness } from './index.ts';

function version(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0]! : null;
}

export const captureCheck: DoctorCheck = {
  name: 'capture',
  async run(): Promise<DoctorFinding[]> {
    const e = ebpfReadiness({ mountTracefs: true });
    const out: DoctorFinding[] = [
      {
        check: 'capture: root',
        status: e.root ? 'ok' : 'warn',
        detail: e.root ? 'running as root' : 'not root',
        hint: e.root ? undefined : 'eBPF capture needs root; strace can still watch commands it launches',
      },
      {
        check: 'capture: tracefs',
        status: e.tracefs ? 'ok' : 'warn',
        detail: e.tracefs ? '/sys/kernel/tracing has syscall tracepoints' : 'not mounted',
        hint: e.tracefs ? undefined : 'mount -t tracefs nodev /sys/kernel/tracing',
      },
      {
        check: 'capture: BTF',
        status: e.btf ? 'ok' : 'warn',
        detail: e.btf ? '/sys/kernel/btf/vmlinux present' : 'missing',
        hint: e.btf ? undefined : 'a kernel built with CONFIG_DEBUG_INFO_BTF is needed for socket tuples',
      },
      {
        check: 'capture: bpftrace',
        status: e.bpftrace ? 'ok' : 'warn',
        detail: e.bpftrace ?? 'not installed',
        hint: e.bpftrace ? undefined : 'apt-get install bpftrace',
      },
    ];
    const strace = version('strace', ['-V']);
    out.push({
      check: 'capture: strace',
      status: strace ? 'ok' : 'warn',
      detail: strace ?? 'not installed',
      hint: strace ? undefined : 'apt-get install strace',
    });
    const sysdig = version('sysdig', ['--version']);
    out.push({
      check: 'capture: sysdig (scap replay)',
      status: sysdig ? 'ok' : 'warn',
      detail: sysdig ?? 'not installed',
      hint: sysdig ? undefined : 'apt-get install --no-install-recommends sysdig',
    });
    const { driver, reasons } = chooseDriver();
    out.push({
      check: 'capture: driver',
      status: driver ? 'ok' : 'warn',
      detail: driver
        ? `live capture will use ${driver}${driver === 'ebpf' ? '' : ` (${reasons.join('; ')})`}`
        : `no live driver: ${reasons.join('; ')}`,
      hint: driver ? undefined : '`peregrine stack up` replays the recorded capture instead',
    });
    return out;
  },
};
