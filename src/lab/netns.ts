/**
 * The lab's network: two network namespaces the lab creates — `container1`'s and `c2server`'s — joined by a veth
 * pair, with addresses of a private range that exist only inside them (10.213.77.1 and .2/30). Nothing is routed
 * elsewhere: the namespaces have their loopback and the pair, no default route; the host's namespace is untouched.
 * {@link removeLabNetwork} deletes both (the pair goes with them).
 */
import { spawnSync } from 'node:child_process';
import { TelemetryError } from '../errors/index.ts';

/** Addresses of the two hosts on the pair. */
export const CONTAINER1_IP = '10.213.77.1';
export const C2SERVER_IP = '10.213.77.2';

export interface LabNetwork {
  /** Named network namespaces (`ip netns`), of container1 and of c2server. */
  readonly container1: string;
  readonly c2server: string;
}

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() };
}

/** Why the two-host lab cannot run here (root, `ip`, `unshare`), or undefined when it can. */
export function labNetworkProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'the two-host lab needs root (network, pid, uts and mount namespaces)';
  for (const tool of ['ip', 'unshare']) {
    const r = spawnSync(tool, ['-V'], { stdio: 'ignore' });
    if (r.error) return `the two-host lab needs \`${tool}\` (apt-get install iproute2 util-linux)`;
  }
  return undefined;
}

/** Creates the two namespaces and the pair between them; on failure removes what it made. */
export function createLabNetwork(): LabNetwork {
  const tag = String(process.pid);
  const net = { container1: `pg-container1-${tag}`, c2server: `pg-c2server-${tag}` };
  const a = `pgv${tag}a`;
  const b = `pgv${tag}b`;
  const steps: string[][] = [
    ['netns', 'add', net.container1],
    ['netns', 'add', net.c2server],
    ['link', 'add', a, 'type', 'veth', 'peer', 'name', b],
    ['link', 'set', a, 'netns', net.container1],
    ['link', 'set', b, 'netns', net.c2server],
    ['-n', net.container1, 'addr', 'add', `${CONTAINER1_IP}/30`, 'dev', a],
    ['-n', net.c2server, 'addr', 'add', `${C2SERVER_IP}/30`, 'dev', b],
    ['-n', net.container1, 'link', 'set', a, 'up'],
    ['-n', net.c2server, 'link', 'set', b, 'up'],
    ['-n', net.container1, 'link', 'set', 'lo', 'up'],
    ['-n', net.c2server, 'link', 'set', 'lo', 'up'],
  ];
  for (const s of steps) {
    const r = ip(s);
    if (!r.ok) {
      removeLabNetwork(net);
      ip(['link', 'del', a]);
      throw new TelemetryError(
        'E_LAB_NETWORK',
        `could not set up the lab's network: ip ${s.join(' ')}: ${r.err}`,
        {
          hint: 'the two-host lab needs root and iproute2; without them the demo replays its recorded capture',
        },
      );
    }
  }
  return net;
}

/** Deletes the lab's namespaces (and with them the veth pair). */
export function removeLabNetwork(net: LabNetwork): void {
  for (const ns of [net.container1, net.c2server]) ip(['netns', 'del', ns]);
}

/**
 * argv that runs `argv` as a host of the lab: in network namespace `ns`, in new pid, uts and mount namespaces
 * (`/proc` remounted) with hostname `name`. `wrap` wraps what runs inside the network namespace (a capture driver:
 * strace there decodes the host's socket tuples, which it cannot from outside).
 */
export function hostArgv(
  ns: string,
  name: string,
  argv: string[],
  wrap: (argv: string[]) => string[] = (a) => a,
): string[] {
  return ['ip', 'netns', 'exec', ns, ...wrap(unshareArgv(name, argv))];
}

function unshareArgv(name: string, argv: string[]): string[] {
  return [
    'unshare',
    '--fork',
    '--pid',
    '--uts',
    '--mount',
    '--mount-proc',
    '--',
    'sh',
    '-c',
    `hostname ${name} && exec "$@"`,
    'sh',
    ...argv,
  ];
}
