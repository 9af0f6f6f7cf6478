/**
 * The bpftrace program of the eBPF driver, generated for one capture. Tracepoints only (kprobes are not available
 * everywhere): sched/task for the process tree, syscalls for files, sockets and path operations.
 *
 * Each event is ONE printf line `CODE|ts|pid|tid|…` (ts = CLOCK_MONOTONIC ns; the driver rebases it to wall time).
 * execve's argv comes as a separate `join` record right after its `A` line. Socket tuples are read from the kernel's
 * socket of the returned fd through `curtask` (BTF), so connect and accept carry both ends without /proc races.
 *
 * Filtering: with a root pid, only that process tree is traced (`@t` holds tracked tgids, inherited on fork);
 * without one, everything but the given excluded pids (the collector and bpftrace themselves).
 *
 * Read/write aggregation: printing every read and write costs a perf event, bpftrace's formatting and our parsing —
 * and under load overruns the perf buffers. A thread of a single-threaded process (`signal->nr_threads == 1`)
 * therefore sums its reads and writes on one descriptor in an in-kernel slot (`@gf` fd+1, `@gr`/`@gw` packed
 * `ops << 40 | bytes`, `@g0`/`@g1` first/last time) and prints ONE `G` line when the slot is flushed: before a close
 * or dup of that descriptor, when the thread turns to another descriptor, execs, clones, exits, is about to block
 * (poll/select/epoll/sleep/wait), or after 1 s of aggregation; what is still pending at the end of capture is
 * flushed by the collector before it stops bpftrace (`kill(pid, 0)` from the collector's pid flushes the slot of
 * thread `pid`; the slot's own thread could race with it only if it is still reading/writing at that moment), and
 * what is left is printed by END as maps. Since only the slot's own thread touches it and no other thread exists to close the
 * descriptor, the counts stay exact and every `G` precedes the `K`/`X` it belongs to. Threads of multi-threaded
 * processes print one `R`/`W` line per operation as before.
 */
export interface ScriptOptions {
  /** Trace only this process and its descendants. */
  rootPid?: number;
  /** Never trace these tgids (whole-host mode). */
  excludePids?: number[];
  /**
   * The collector's pid: its access("/.peregrine-canary") calls print `Y` from the LAST probe of the program, which
   * tells the collector the probes are live (bpftrace reports them attached, and runs BEGIN, before they all fire).
   */
  canaryPid?: number;
  /**
   * Sum reads/writes of single-threaded processes in kernel slots (default). `false` prints one line per operation,
   * as multi-threaded processes always do — for comparison (bench/collector-overhead.ts) and debugging.
   */
  aggregateIo?: boolean;
}

/** One operation in a packed `@gr`/`@gw` counter: `ops << 40 | bytes` (a slot lives ≤ ~1 s, far below 2^40 bytes). */
const ONE_OP = '1099511627776';
/** Bits of the byte count in a packed counter. */
export const PACKED_BYTES_BITS = 40n;

/** Prints and empties the calling thread's read/write slot: `G|lastTs|pid|tid|fd|reads|writes|firstTs`. */
const FLUSH = `
  printf("G|%llu|%d|%d|%d|%llu|%llu|%llu\\n", @g1[tid], pid, tid, @gf[tid] - 1, @gr[tid], @gw[tid], @g0[tid]);
  delete(@gf[tid]); delete(@gr[tid]); delete(@gw[tid]); delete(@g0[tid]); delete(@g1[tid]);`;
const IF_FLUSH = `
  if (@gf[tid] != 0) {${FLUSH}
  }`;
/** System calls a thread may block in: its pending slot is flushed first, so idle flows reach user space. */
const BLOCKING = [
  'epoll_wait',
  'epoll_pwait',
  'poll',
  'ppoll',
  'select',
  'pselect6',
  'nanosleep',
  'clock_nanosleep',
  'wait4',
];

export function bpftraceScript(opts: ScriptOptions): string {
  const tree = opts.rootPid !== undefined;
  const aggregate = opts.aggregateIo !== false;
  const exclude = (opts.excludePids ?? []).map((p) => `pid != ${p}`).join(' && ') || '1';
  const W = tree ? '@t[pid]' : `(${exclude})`;
  const begin = tree
    ? `BEGIN { @t[${opts.rootPid}] = 1; printf("B|%llu\\n", nsecs); }`
    : `BEGIN { printf("B|%llu\\n", nsecs); }`;
  const sockOut = (fdExpr: string, code: string) => `
  $f = *(curtask->files->fdt->fd + ${fdExpr});
  if ($f != 0) {
    $sk = ((struct socket *)$f->private_data)->sk;
    $fam = $sk->__sk_common.skc_family;
    if ($fam == 2) {
      printf("${code}|%llu|%d|%d|%d|%d|4|%d|%d|%d|%s|%s\\n", nsecs, pid, tid, ${fdExpr}, args->ret, $sk->sk_protocol,
        $sk->__sk_common.skc_num, bswap($sk->__sk_common.skc_dport),
        ntop($sk->__sk_common.skc_rcv_saddr), ntop($sk->__sk_common.skc_daddr));
    } else if ($fam == 10) {
      printf("${code}|%llu|%d|%d|%d|%d|6|%d|%d|%d|%s|%s\\n", nsecs, pid, tid, ${fdExpr}, args->ret, $sk->sk_protocol,
        $sk->__sk_common.skc_num, bswap($sk->__sk_common.skc_dport),
        ntop($sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8), ntop($sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8));
    }
  }`;
  const io = (sys: string, dir: 'R' | 'W') => `
tracepoint:syscalls:sys_enter_${sys} /${W}/ { @fd[tid] = args->fd; }
tracepoint:syscalls:sys_exit_${sys} /${W}/ {
  $fd = @fd[tid];
  delete(@fd[tid]);
  if (args->ret >= 0) {
    if (${aggregate ? 'curtask->signal->nr_threads == 1' : '0'}) {
      $s = @gf[tid];
      if ($s != 0 && ($s != $fd + 1 || nsecs - @g0[tid] > 1000000000)) {${FLUSH}
        $s = 0;
      }
      if ($s == 0) { @gf[tid] = $fd + 1; @g0[tid] = nsecs; }
      @g${dir === 'R' ? 'r' : 'w'}[tid] += ${ONE_OP} + (uint64)args->ret;
      @g1[tid] = nsecs;
    } else {
      printf("${dir}|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, $fd, args->ret);
    }
  }
}`;
  const copy = (sys: string, inFd: string, outFd: string) => `
tracepoint:syscalls:sys_enter_${sys} /${W}/ { @fd[tid] = args->${inFd}; @fd2[tid] = args->${outFd}; }
tracepoint:syscalls:sys_exit_${sys} /${W}/ {${IF_FLUSH}
  if (args->ret > 0) {
    printf("R|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, @fd[tid], args->ret);
    printf("W|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, @fd2[tid], args->ret);
  }
  delete(@fd[tid]); delete(@fd2[tid]);
}`;
  const dup = (sys: string, oldFd: string) => `
tracepoint:syscalls:sys_enter_${sys} /${W}/ { @fd[tid] = args->${oldFd}; }
tracepoint:syscalls:sys_exit_${sys} /${W}/ {${IF_FLUSH}
  if (args->ret >= 0) { printf("D|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, @fd[tid], args->ret); }
  delete(@fd[tid]);
}`;
  const path1 = (sys: string, op: string, field: string) => `
tracepoint:syscalls:sys_enter_${sys} /${W}/ { @p1[tid] = args->${field}; }
tracepoint:syscalls:sys_exit_${sys} /${W} && (uint64)@p1[tid] != 0/ {
  printf("P|%llu|%d|%d|${op}|%d|%s|\\n", nsecs, pid, tid, args->ret, str(@p1[tid])); delete(@p1[tid]);
}`;
  const path2 = (sys: string, op: string, a: string, b: string) => `
tracepoint:syscalls:sys_enter_${sys} /${W}/ { @p1[tid] = args->${a}; @p2[tid] = args->${b}; }
tracepoint:syscalls:sys_exit_${sys} /${W} && (uint64)@p1[tid] != 0/ {
  printf("P|%llu|%d|%d|${op}|%d|%s|+\\n", nsecs, pid, tid, args->ret, str(@p1[tid]));
  printf("Q|%llu|%d|%d|%s\\n", nsecs, pid, tid, str(@p2[tid]));
  delete(@p1[tid]); delete(@p2[tid]);
}`;
  const open = (sys: string, flags: string, dfd: string) => `
tracepoint:syscalls:sys_enter_${sys} /${W}/ { @p1[tid] = args->filename; @of[tid] = ${flags}; @od[tid] = ${dfd}; }
tracepoint:syscalls:sys_exit_${sys} /${W} && (uint64)@p1[tid] != 0/ {
  printf("O|%llu|%d|%d|%d|%d|%d|%s\\n", nsecs, pid, tid, args->ret, @of[tid], @od[tid], str(@p1[tid]));
  delete(@p1[tid]); delete(@of[tid]); delete(@od[tid]);
}`;
  return `${begin}
tracepoint:task:task_newtask /${W}/ {${IF_FLUSH}
  ${tree ? 'if ((args->clone_flags & 0x10000) == 0) { @t[args->pid] = 1; }' : ''}
  printf("N|%llu|%d|%d|%d|%llu\\n", nsecs, pid, tid, args->pid, args->clone_flags);
}
tracepoint:syscalls:sys_enter_execve /${W}/ {${IF_FLUSH}
  printf("A|%llu|%d|%d\\n", nsecs, pid, tid); join(args->argv, "\\x1f"); }
tracepoint:syscalls:sys_enter_execveat /${W}/ {${IF_FLUSH}
  printf("A|%llu|%d|%d\\n", nsecs, pid, tid); join(args->argv, "\\x1f"); }
tracepoint:sched:sched_process_exec /${W}/ { printf("E|%llu|%d|%d|%d|%d|%d|%s\\n", nsecs, pid, tid, args->old_pid, uid, gid, str(args->filename)); }
tracepoint:sched:sched_process_exit /${W}/ {${IF_FLUSH}
  printf("X|%llu|%d|%d\\n", nsecs, pid, tid);
  ${tree ? 'if (pid == tid) { delete(@t[pid]); }' : ''}
}
${open('openat', 'args->flags', 'args->dfd')}
${open('open', 'args->flags', '-100')}
${open('openat2', '0', 'args->dfd')}
${io('read', 'R')}${io('readv', 'R')}${io('pread64', 'R')}${io('recvfrom', 'R')}${io('recvmsg', 'R')}
${io('write', 'W')}${io('writev', 'W')}${io('pwrite64', 'W')}${io('sendto', 'W')}${io('sendmsg', 'W')}
${copy('copy_file_range', 'fd_in', 'fd_out')}${copy('sendfile64', 'in_fd', 'out_fd')}${copy('splice', 'fd_in', 'fd_out')}
${dup('dup', 'fildes')}${dup('dup2', 'oldfd')}${dup('dup3', 'oldfd')}
tracepoint:syscalls:sys_enter_close /${W}/ {
  if (@gf[tid] == args->fd + 1) {${FLUSH}
  }
  printf("K|%llu|%d|%d|%d\\n", nsecs, pid, tid, args->fd);
}
${BLOCKING.map((b) => `tracepoint:syscalls:sys_enter_${b}`).join(',')} /${W} && @gf[tid] != 0/ {${FLUSH}
}
tracepoint:syscalls:sys_enter_shutdown /${W}/ { printf("H|%llu|%d|%d|%d\\n", nsecs, pid, tid, args->fd); }
tracepoint:syscalls:sys_enter_mmap /${W} && (int64)args->fd >= 0/ { printf("M|%llu|%d|%d|%d\\n", nsecs, pid, tid, (int64)args->fd); }
tracepoint:syscalls:sys_enter_connect /${W}/ { @cfd[tid] = args->fd; }
tracepoint:syscalls:sys_exit_connect /${W}/ {
  $cfd = @cfd[tid]; delete(@cfd[tid]);
  if (args->ret == 0 || args->ret == -115) {${sockOut('$cfd', 'C')}
  }
}
tracepoint:syscalls:sys_exit_accept /${W} && args->ret >= 0/ {${sockOut('args->ret', 'a')}
}
tracepoint:syscalls:sys_exit_accept4 /${W} && args->ret >= 0/ {${sockOut('args->ret', 'a')}
}
${path1('mkdir', 'MKDIR', 'pathname')}${path1('mkdirat', 'MKDIR', 'pathname')}${path1('rmdir', 'RMDIR', 'pathname')}
${path1('unlink', 'UNLINK', 'pathname')}${path1('unlinkat', 'UNLINK', 'pathname')}
${path2('rename', 'RENAME', 'oldname', 'newname')}${path2('renameat', 'RENAME', 'oldname', 'newname')}${path2('renameat2', 'RENAME', 'oldname', 'newname')}
${path2('link', 'LINK', 'oldname', 'newname')}${path2('linkat', 'LINK', 'oldname', 'newname')}
${path2('symlink', 'SYMLINK', 'oldname', 'newname')}${path2('symlinkat', 'SYMLINK', 'oldname', 'newname')}
tracepoint:syscalls:sys_enter_setuid /${W}/ { @u[tid] = args->uid; }
tracepoint:syscalls:sys_exit_setuid /${W}/ { printf("U|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, @u[tid], args->ret); delete(@u[tid]); }
tracepoint:syscalls:sys_enter_setresuid /${W}/ { @u[tid] = args->euid; }
tracepoint:syscalls:sys_exit_setresuid /${W}/ { printf("U|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, @u[tid], args->ret); delete(@u[tid]); }
tracepoint:syscalls:sys_enter_setns /${W}/ { @u[tid] = args->fd; }
tracepoint:syscalls:sys_exit_setns /${W}/ { printf("S|%llu|%d|%d|%d|%d\\n", nsecs, pid, tid, @u[tid], args->ret); delete(@u[tid]); }
${
  opts.canaryPid !== undefined
    ? `tracepoint:syscalls:sys_enter_kill /pid == ${opts.canaryPid} && args->sig == 0/ {
  $k = (uint32)args->pid;
  if (@gf[$k] != 0) {${FLUSH.replaceAll('[tid]', '[$k]').replace('pid, tid,', '$k, $k,')}
  }
}`
    : ''
}
${opts.canaryPid !== undefined ? `tracepoint:syscalls:sys_enter_faccessat,tracepoint:syscalls:sys_enter_faccessat2,tracepoint:syscalls:sys_enter_access /pid == ${opts.canaryPid}/ { printf("Y|%llu\\n", nsecs); }` : ''}
END { print(@gf); print(@gr); print(@gw); print(@g0); print(@g1); clear(@gf); clear(@gr); clear(@gw); clear(@g0); clear(@g1);
  clear(@t); clear(@fd); clear(@fd2); clear(@p1); clear(@p2); clear(@of); clear(@od); clear(@cfd); clear(@u); }
`;
}
