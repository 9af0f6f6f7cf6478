/**
 * The event stream the reading cases run over, in order: the five events of `../events.ts` (where cgi-bash and
 * cat-read are one process before and after its exec) followed by events that show sf-processor's quirks —
 * a shell with commas and quotes in its arguments, a shell without arguments, an event whose process is unknown,
 * a syslog socket written `a->b /dev/log`, a network flow and a pipe read with the same flags (in that order), a
 * process in a pod with two host addresses, and a process flow.
 */
import {
  ipv4FromString,
  OpFlag,
  type Container,
  type Pod,
  type ResolvedEvent,
} from '../../../../../src/telemetry/sysflow/records/index.ts';
import { EVENTS, file, proc } from '../events.ts';

const header = EVENTS['cgi-bash'].header;
const base = { newFile: undefined, pod: undefined, header, source: 'test' };

const init = proc(1, '/sbin/init', '');
const sh = proc(700, '/bin/sh', '-c "echo a,b"', {}, init);
const bare = proc(710, '/bin/sh', '', {}, init);
const rsyslog = proc(720, '/usr/sbin/rsyslogd', '-n', {}, init);
const pod: Pod = {
  kind: 'Pod',
  ts: 1_600_000_000_000_000_000n,
  id: 'pod-1',
  name: 'web-1',
  nodeName: 'node-1',
  hostIP: [ipv4FromString('10.0.0.1'), ipv4FromString('10.0.0.2')],
  internalIP: [ipv4FromString('172.17.0.2')],
  namespace: 'robot-shop',
  restartCount: 0,
  labels: {},
  selectors: {},
  services: [],
};
const web: Container = {
  kind: 'Container',
  id: 'c0ffee',
  name: 'web',
  image: 'nginx',
  imageid: 'sha256:beef',
  type: 'CT_CRIO',
  privileged: true,
  podId: pod.id,
};
const nginx = proc(730, '/usr/sbin/nginx', '-g daemon off;', { containerId: web.id }, init);
const ev = (e: Partial<ResolvedEvent> & Pick<ResolvedEvent, 'record'>): ResolvedEvent => ({
  ...base,
  process: undefined,
  parent: undefined,
  ancestors: [],
  file: undefined,
  container: undefined,
  ...e,
});
const flow = {
  endTs: 1_600_000_001_000_000_000n,
  fd: 4,
  numRRecvOps: 1,
  numWSendOps: 0,
  numRRecvBytes: 10,
  numWSendBytes: 0,
};

export const EXTRA_EVENTS: Readonly<Record<string, ResolvedEvent>> = {
  'sh-quoted': ev({
    record: {
      kind: 'ProcessEvent',
      procOID: sh.oid,
      ts: 1_600_000_000_100_000_000n,
      tid: 700,
      opFlags: OpFlag.EXEC,
      args: [],
      ret: 0,
    },
    process: sh,
    parent: init,
    ancestors: [init],
  }),
  'sh-bare': ev({
    record: {
      kind: 'ProcessEvent',
      procOID: bare.oid,
      ts: 1_600_000_000_200_000_000n,
      tid: 710,
      opFlags: OpFlag.EXEC,
      args: [],
      ret: 0,
    },
    process: bare,
    parent: init,
    ancestors: [init],
  }),
  orphan: ev({
    record: {
      kind: 'ProcessEvent',
      procOID: { hpid: 999, createTS: 1n },
      ts: 1_600_000_000_300_000_000n,
      tid: 999,
      opFlags: OpFlag.EXIT,
      args: [],
      ret: 0,
    },
  }),
  'syslog-send': ev({
    record: {
      kind: 'FileFlow',
      procOID: rsyslog.oid,
      ts: 1_600_000_000_400_000_000n,
      tid: 720,
      opFlags: OpFlag.CONNECT | OpFlag.WRITE_SEND | OpFlag.CLOSE,
      openFlags: 0,
      fileOID: 'e'.repeat(40),
      ...flow,
    },
    process: rsyslog,
    parent: init,
    ancestors: [init],
    file: file('ffff88003c1d1800->ffff8800038bec00 /dev/log', 'u'),
  }),
  'sock-recv': ev({
    record: {
      kind: 'NetworkFlow',
      procOID: rsyslog.oid,
      ts: 1_600_000_000_500_000_000n,
      tid: 720,
      opFlags: OpFlag.READ_RECV | OpFlag.CLOSE,
      sip: ipv4FromString('10.0.0.9'),
      sport: 514,
      dip: ipv4FromString('10.0.0.1'),
      dport: 40001,
      proto: 17,
      ...flow,
    },
    process: rsyslog,
    parent: init,
    ancestors: [init],
  }),
  'pipe-read': ev({
    record: {
      kind: 'FileFlow',
      procOID: rsyslog.oid,
      ts: 1_600_000_000_600_000_000n,
      tid: 720,
      opFlags: OpFlag.READ_RECV | OpFlag.CLOSE,
      openFlags: 0,
      fileOID: 'd'.repeat(40),
      ...flow,
    },
    process: rsyslog,
    parent: init,
    ancestors: [init],
    file: file('pipe:[1234]', 'p'),
  }),
  'pod-nginx': ev({
    record: {
      kind: 'ProcessEvent',
      procOID: nginx.oid,
      ts: 1_600_000_000_700_000_000n,
      tid: 730,
      opFlags: OpFlag.EXEC,
      args: [],
      ret: 0,
    },
    process: nginx,
    parent: init,
    ancestors: [init],
    container: web,
    pod,
  }),
  'proc-flow': ev({
    record: {
      kind: 'ProcessFlow',
      procOID: nginx.oid,
      ts: 1_600_000_000_800_000_000n,
      numThreadsCloned: 2,
      opFlags: OpFlag.CLONE,
      endTs: 1_600_000_001_000_000_000n,
      numThreadsExited: 0,
      numCloneErrors: 0,
    },
    process: nginx,
    parent: init,
    ancestors: [init],
    container: web,
    pod,
  }),
};

/** Every event in stream order. */
export const STREAM: readonly (readonly [string, ResolvedEvent])[] = [
  ...Object.entries(EVENTS),
  ...Object.entries(EXTRA_EVENTS),
];
