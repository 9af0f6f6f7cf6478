/**
 * A handful of resolved events written out as data (the shapes H5's reader produces), for operator-level cases.
 * Names: cgi-bash, cat-read, curl-connect, mv-rename, k8s-pod.
 */
import { ipv4FromString, OpFlag, OpenFlag, type Container, type File, type Header, type Process, type ResolvedEvent } from '../../../../src/telemetry/sysflow/records/index.ts';

const header: Header = { kind: 'Header', version: 5, exporter: 'node-1', ip: '10.0.0.1', filename: '/tmp/trace.sf' };
const apache: Container = {
  kind: 'Container',
  id: 'a1b2c3d4e5f6a7b8c9d0',
  name: 'apache',
  image: 'docker.io/library/httpd:2.4@sha256:abc',
  imageid: 'sha256:feed',
  type: 'CT_DOCKER',
  privileged: false,
  podId: null,
};

/** A process record (a fixed creation time per pid); `parent` sets its poid. */
export function proc(hpid: number, exe: string, exeArgs: string, extra: Partial<Process> = {}, parent?: Process): Process {
  return {
    kind: 'Process',
    state: 'CREATED',
    oid: { hpid, createTS: 1_500_000_000_000_000_000n + BigInt(hpid) },
    poid: parent ? parent.oid : null,
    ts: 1_500_000_000_000_000_000n,
    exe,
    exeArgs,
    uid: 0,
    userName: 'root',
    gid: 0,
    groupName: 'root',
    tty: false,
    containerId: null,
    entry: false,
    cwd: '/',
    env: [],
    ...extra,
  };
}
/** A file record with an oid derived from the path. */
export function file(path: string, restype = 'f'): File {
  return { kind: 'File', state: 'CREATED', oid: path.length.toString(16).padStart(40, '0'), ts: 0n, restype: restype.charCodeAt(0), path, containerId: null };
}

const systemd = proc(1, '/lib/systemd/systemd', '');
const apache2 = proc(100, '/usr/sbin/apache2', '-k start', { uid: 33, userName: 'www-data', containerId: apache.id, entry: true }, systemd);
const cgi = proc(200, '/usr/lib/cgi-bin/vulnerable', '', { uid: 33, userName: 'www-data', containerId: apache.id }, apache2);
const bash = proc(300, '/bin/bash', '-c cat /etc/passwd', { uid: 33, userName: 'www-data', containerId: apache.id }, cgi);
const cat = proc(300, '/bin/cat', '/etc/passwd', { uid: 33, userName: 'www-data', containerId: apache.id }, cgi);
const sshd = proc(50, '/usr/sbin/sshd', '-D', {}, systemd);
const login = proc(60, '/bin/zsh', '', { uid: 1000, userName: 'alice', tty: true }, sshd);
const curl = proc(400, '/usr/bin/curl', 'https://example.com', { uid: 1000, userName: 'alice', gid: 1000, groupName: 'alice', tty: true }, login);
const mv = proc(500, '/bin/mv', '/tmp/a /etc/crontab', {}, login);

const base = { newFile: undefined, pod: undefined, header, source: 'test' };

export const EVENTS: Readonly<Record<string, ResolvedEvent>> = {
  'cgi-bash': {
    ...base,
    record: { kind: 'ProcessEvent', procOID: bash.oid, ts: 1_548_965_940_603_299_403n, tid: 300, opFlags: OpFlag.EXEC, args: [], ret: 0 },
    process: bash,
    parent: cgi,
    ancestors: [cgi, apache2, systemd],
    file: undefined,
    container: apache,
  },
  'cat-read': {
    ...base,
    record: {
      kind: 'FileFlow',
      procOID: cat.oid,
      ts: 1_548_965_940_703_299_403n,
      tid: 300,
      opFlags: OpFlag.OPEN | OpFlag.READ_RECV | OpFlag.CLOSE,
      openFlags: OpenFlag.RDONLY | OpenFlag.CLOEXEC,
      endTs: 1_548_965_940_803_299_403n,
      fileOID: file('/etc/passwd').oid,
      fd: 3,
      numRRecvOps: 2,
      numWSendOps: 0,
      numRRecvBytes: 2048,
      numWSendBytes: 0,
    },
    process: cat,
    parent: cgi,
    ancestors: [cgi, apache2, systemd],
    file: file('/etc/passwd'),
    container: apache,
  },
  'curl-connect': {
    ...base,
    record: {
      kind: 'NetworkFlow',
      procOID: curl.oid,
      ts: 1_548_965_941_000_000_000n,
      tid: 400,
      opFlags: OpFlag.CONNECT | OpFlag.WRITE_SEND | OpFlag.READ_RECV | OpFlag.CLOSE,
      endTs: 1_548_965_942_000_000_000n,
      sip: ipv4FromString('10.0.0.5'),
      sport: 40000,
      dip: ipv4FromString('93.184.216.34'),
      dport: 443,
      proto: 6,
      fd: 5,
      numRRecvOps: 10,
      numWSendOps: 3,
      numRRecvBytes: 50000,
      numWSendBytes: 700,
    },
    process: curl,
    parent: login,
    ancestors: [login, sshd, systemd],
    file: undefined,
    container: undefined,
  },
  'mv-rename': {
    ...base,
    record: { kind: 'FileEvent', procOID: mv.oid, ts: 1_548_965_943_000_000_000n, tid: 500, opFlags: OpFlag.RENAME, fileOID: file('/tmp/a').oid, ret: 0, newFileOID: file('/etc/crontab').oid },
    process: mv,
    parent: login,
    ancestors: [login, sshd, systemd],
    file: file('/tmp/a'),
    newFile: file('/etc/crontab'),
    container: undefined,
  },
  'k8s-pod': {
    ...base,
    record: {
      kind: 'K8sEvent',
      k8sKind: 'K8S_PODS',
      action: 'K8S_COMPONENT_ADDED',
      ts: 1_548_965_944_000_000_000n,
      message: JSON.stringify({ kind: 'Pod', items: [{ namespace: 'robot-shop', name: 'web-1', ports: [8080, 8443] }] }),
    },
    process: undefined,
    parent: undefined,
    ancestors: [],
    file: undefined,
    container: undefined,
  },
};
