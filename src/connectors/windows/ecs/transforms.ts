/**
 * Value transforms of the Windows → ECS map, by name. Each takes the values of a spec's `from` fields (present ones
 * only for single-argument transforms; all, `undefined` where absent, for the others) and returns the ECS value, an
 * object to merge under the target, or undefined (the field is not written).
 */
import { windowsTime } from '../event.ts';

type Transform = (args: readonly unknown[]) => unknown;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** The last component of a Windows (or POSIX) path. */
export function winBasename(p: string): string {
  const i = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
  return i < 0 ? p : p.slice(i + 1);
}

/** Everything before the last component of a Windows (or POSIX) path; undefined when there is none. */
export function winDirname(p: string): string | undefined {
  const i = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
  return i <= 0 ? undefined : p.slice(0, i);
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  const s = str(v)?.trim();
  if (!s) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^-?\d+$/.test(s) ? Number(s) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = str(v)?.toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** An IP address as ECS wants it (`::ffff:1.2.3.4` → `1.2.3.4`); undefined for anything else. */
export function ecsIp(v: unknown): string | undefined {
  const s = str(v)?.trim();
  if (!s) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped && IPV4.test(mapped[1])) return mapped[1];
  if (IPV4.test(s)) return s;
  return /^[0-9a-f:]+(%\w+)?$/i.test(s) && s.includes(':') ? s.replace(/%\w+$/, '') : undefined;
}

/** Sysmon's `Hashes` (`SHA1=…,MD5=…,SHA256=…,IMPHASH=…`) as `{md5, sha1, sha256, sha512}`, lower-case hex. */
function hashes(v: unknown): Record<string, string> | undefined {
  const s = str(v);
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const algo = part.slice(0, eq).trim().toLowerCase();
    const hex = part
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (
      /^[0-9a-f]+$/.test(hex) &&
      (algo === 'md5' || algo === 'sha1' || algo === 'sha256' || algo === 'sha512')
    )
      out[algo] = hex;
  }
  return Object.keys(out).length ? out : undefined;
}

function imphash(v: unknown): string | undefined {
  const m = /(?:^|,)\s*IMPHASH=([0-9a-f]+)/i.exec(str(v) ?? '');
  return m && !/^0+$/.test(m[1]) ? m[1].toLowerCase() : undefined;
}

/** `DOMAIN\user` → its parts. */
function splitUser(v: unknown): { domain?: string; name: string } | undefined {
  const s = str(v);
  if (!s) return undefined;
  const i = s.indexOf('\\');
  return i < 0 ? { name: s } : { domain: s.slice(0, i), name: s.slice(i + 1) };
}

/** Hive abbreviations Sysmon writes, as ECS `registry.hive` spells them. */
const HIVE_NAMES: Readonly<Record<string, string>> = {
  HKLM: 'HKLM',
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKU: 'HKU',
  HKEY_USERS: 'HKU',
  HKCU: 'HKCU',
  HKEY_CURRENT_USER: 'HKCU',
  HKCR: 'HKCR',
  HKEY_CLASSES_ROOT: 'HKCR',
  HKCC: 'HKCC',
  HKEY_CURRENT_CONFIG: 'HKCC',
};

/** Sysmon event types whose `TargetObject` ends in a value name (not a key). */
const VALUE_EVENT_TYPES = new Set(['SetValue', 'DeleteValue', 'CreateValue', 'RenameValue']);

/**
 * A registry `TargetObject` (and the event's `EventType`) as ECS `registry.{path, hive, key, value}`: `key` is the
 * path without its hive (and without the value name when the event is about a value).
 */
function registry(args: readonly unknown[]): Record<string, string> | undefined {
  const path = str(args[0]);
  if (!path) return undefined;
  const type = str(args[1]);
  const sep = path.indexOf('\\');
  const hiveText = sep < 0 ? path : path.slice(0, sep);
  const hive = HIVE_NAMES[hiveText.toUpperCase()];
  const out: Record<string, string> = { path };
  let rest = hive ? (sep < 0 ? '' : path.slice(sep + 1)) : path;
  if (hive) out.hive = hive;
  if (type === undefined || VALUE_EVENT_TYPES.has(type)) {
    const v = rest.lastIndexOf('\\');
    if (v >= 0) {
      out.value = rest.slice(v + 1);
      rest = rest.slice(0, v);
    }
  }
  if (rest) out.key = rest;
  return out;
}

/** Sysmon's registry `Details` as ECS `registry.data`: `DWORD (0x00000001)` → type SZ_DWORD, strings ["1"]. */
function registryData(v: unknown): { type: string; strings: string[] } | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const m = /^(DWORD|QWORD) \((0x[0-9a-f]+)(?:-(0x[0-9a-f]+))?\)$/i.exec(s);
  if (m) {
    const n = m[3] ? BigInt(m[2]) * 2n ** 32n + BigInt(m[3]) : BigInt(m[2]);
    return { type: `SZ_${m[1].toUpperCase()}`, strings: [n.toString()] };
  }
  if (s.startsWith('Binary Data')) return { type: 'REG_BINARY', strings: [s] };
  return { type: 'SZ_SZ', strings: [s] };
}

/** DNS record types Sysmon names by number in `QueryResults`. */
const DNS_TYPES: Readonly<Record<string, string>> = {
  '1': 'A',
  '2': 'NS',
  '5': 'CNAME',
  '6': 'SOA',
  '12': 'PTR',
  '15': 'MX',
  '16': 'TXT',
  '28': 'AAAA',
  '33': 'SRV',
};

/**
 * Sysmon's `QueryResults` (`type:  5 edge.example;::ffff:13.107.21.200;`) as ECS `dns.answers` and
 * `dns.resolved_ip`.
 */
function dnsResults(v: unknown): Record<string, unknown> | undefined {
  const s = str(v);
  if (!s) return undefined;
  const answers: { type: string; data: string }[] = [];
  const ips: string[] = [];
  for (const raw of s.split(';')) {
    const part = raw.trim();
    if (!part) continue;
    const t = /^type:\s*(\d+)\s+(.*)$/.exec(part);
    if (t) {
      answers.push({ type: DNS_TYPES[t[1]] ?? t[1], data: t[2] });
      continue;
    }
    const ip = ecsIp(part);
    if (ip) {
      ips.push(ip);
      answers.push({ type: ip.includes(':') ? 'AAAA' : 'A', data: ip });
    }
  }
  if (!answers.length) return undefined;
  return ips.length ? { answers, resolved_ip: ips } : { answers };
}

/**
 * A Windows command line split into arguments by the rules of `CommandLineToArgvW`: whitespace separates outside
 * double quotes; 2n backslashes before a quote are n backslashes and the quote toggles quoting, 2n+1 are n and a
 * literal quote; `""` inside quotes is a literal quote; other backslashes are literal.
 */
export function splitCommandLine(cmd: string): string[] {
  const args: string[] = [];
  let cur = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === '\\') {
      let n = 0;
      while (cmd[i + n] === '\\') n++;
      if (cmd[i + n] === '"') {
        cur += '\\'.repeat(n >> 1);
        if (n % 2 === 1) {
          cur += '"';
          i += n;
        } else i += n - 1;
      } else {
        cur += '\\'.repeat(n);
        i += n - 1;
      }
      inArg = true;
      continue;
    }
    if (c === '"') {
      if (quoted && cmd[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
      inArg = true;
      continue;
    }
    if (!quoted && (c === ' ' || c === '\t')) {
      if (inArg) args.push(cur);
      cur = '';
      inArg = false;
      continue;
    }
    cur += c;
    inArg = true;
  }
  if (inArg) args.push(cur);
  return args;
}

const first = (args: readonly unknown[]): unknown => args[0];

/** The transforms by name; the map names them in `transform`. */
export const TRANSFORMS = {
  /** The value as a string (numbers and booleans printed). */
  string: (a) => str(first(a)),
  /** An integer, decimal or `0x…` hexadecimal (Security events write pids in hex). */
  int: (a) => int(first(a)),
  /** A process id (decimal or `0x…`); 0 — Windows' "no process" — is absent. */
  pid: (a) => {
    const n = int(first(a));
    return n === 0 ? undefined : n;
  },
  lowercase: (a) => str(first(a))?.toLowerCase(),
  /** `true`/`false` in any case. */
  bool: (a) => bool(first(a)),
  /** A Windows time (`2020-10-18 23:50:05.910`, no zone = UTC) as RFC 3339. */
  time: (a) => windowsTime(first(a)),
  ip: (a) => ecsIp(first(a)),
  basename: (a) => {
    const s = str(first(a));
    return s ? winBasename(s) || undefined : undefined;
  },
  dirname: (a) => {
    const s = str(first(a));
    return s ? winDirname(s) : undefined;
  },
  /** The extension of a path's last component, without the dot, lower-case. */
  extension: (a) => {
    const s = str(first(a));
    const b = s ? winBasename(s) : '';
    const d = b.lastIndexOf('.');
    return d > 0 && d < b.length - 1 ? b.slice(d + 1).toLowerCase() : undefined;
  },
  args: (a) => {
    const s = str(first(a));
    return s ? splitCommandLine(s) : undefined;
  },
  hashes: (a) => hashes(first(a)),
  imphash: (a) => imphash(first(a)),
  /** The user part of `DOMAIN\user`. */
  userName: (a) => splitUser(first(a))?.name,
  /** The domain part of `DOMAIN\user`. */
  userDomain: (a) => splitUser(first(a))?.domain,
  /** [TargetObject, EventType] → `registry.{path, hive, key, value}`. */
  registry,
  registryData: (a) => registryData(first(a)),
  dnsResults: (a) => dnsResults(first(a)),
  /** Sysmon's `Initiated`: the process opened the connection → `egress`, else `ingress`. */
  direction: (a) => {
    const b = bool(first(a));
    return b === undefined ? undefined : b ? 'egress' : 'ingress';
  },
  /** Sysmon's `SourceIsIpv6` → `ipv6` / `ipv4`. */
  ipVersion: (a) => {
    const b = bool(first(a));
    return b === undefined ? undefined : b ? 'ipv6' : 'ipv4';
  },
  /** A Sysmon `*Hostname` or `*PortName` (`-` means none, already dropped) lower-cased. */
  name: (a) => str(first(a))?.toLowerCase(),
} satisfies Record<string, Transform>;

export type TransformName = keyof typeof TRANSFORMS;

export const TRANSFORM_NAMES = Object.keys(TRANSFORMS) as [TransformName, ...TransformName[]];

/** Transforms that receive every `from` value (absent ones as undefined) rather than the first present one. */
export const MULTI_ARGUMENT: ReadonlySet<TransformName> = new Set(['registry']);
