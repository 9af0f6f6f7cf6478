/** Value transforms named by the field map (see `schema.ts`). Each returns undefined when the value does not apply. */
import type { ValueTransform } from './schema.ts';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/;

/** `4`, `6` or 0 for a string that is not an IP address. */
export function ipVersion(v: string): 4 | 6 | 0 {
  if (IPV4.test(v)) return 4;
  if (v.includes(':') && IPV6.test(v)) return 6;
  return 0;
}

function lastSep(s: string): number {
  return Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
}

/** `C:\a\b.exe` → `b.exe`, `/bin/touch` → `touch`, `touch` → `touch`. */
export function basename(s: string): string | undefined {
  const i = lastSep(s);
  const b = i < 0 ? s : s.slice(i + 1);
  return b === '' ? undefined : b;
}

/** `C:\a\b.exe` → `C:\a`, `/bin/touch` → `/bin`, `/touch` → `/`, `touch` → undefined. */
export function dirname(s: string): string | undefined {
  const i = lastSep(s);
  if (i < 0) return undefined;
  return i === 0 ? s[0] : s.slice(0, i);
}

const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKU: 'HKEY_USERS',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

/** Registry path `HKLM\a\b\val` (+ value name `val`) → key `HKEY_LOCAL_MACHINE\a\b`. */
export function registryKey(path: string, value?: unknown): string {
  let p = path;
  const sep = p.indexOf('\\');
  const hive = sep < 0 ? p : p.slice(0, sep);
  const full = HIVES[hive.toUpperCase()];
  if (full) p = full + p.slice(hive.length);
  if (typeof value === 'string' && value !== '' && p.endsWith('\\' + value))
    p = p.slice(0, -value.length - 1);
  return p;
}

function scalar(t: ValueTransform, v: unknown): unknown {
  switch (t) {
    case 'string':
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'int': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? Math.trunc(n) : undefined;
    }
    case 'lowercase':
      return typeof v === 'string' ? v.toLowerCase() : v;
    case 'base64':
      return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64');
    case 'ip':
      return typeof v === 'string' && ipVersion(v) !== 0 ? v : undefined;
    case 'basename':
      return typeof v === 'string' ? basename(v) : undefined;
    case 'dirname':
      return typeof v === 'string' ? dirname(v) : undefined;
    case 'nonempty':
      return v === '' ? undefined : v;
    case 'registryKey':
      return typeof v === 'string' ? registryKey(v) : undefined;
    case 'registryValues':
      return v === '' ? undefined : [{ name: String(v) }];
  }
}

/** Applies `t` to `v` (element-wise on arrays; elements that do not apply are dropped). */
export function applyTransform(t: ValueTransform, v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const y = scalar(t, x);
      if (y !== undefined) out.push(y);
    }
    return out.length === 0 ? undefined : out;
  }
  return scalar(t, v);
}
