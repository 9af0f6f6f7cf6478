/**
 * IP address ∈ CIDR for both families, registered as the DuckDB scalar `peregrine_in_cidr(ip, cidr)` so ISSUBSET /
 * ISSUPERSET on IPv6 evaluate on the cache (IPv4 uses pure SQL arithmetic, see `src/backends/cache/comparison.ts`).
 */
import { BOOLEAN, DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';

/** IPv4 or IPv6 text → [bits as BigInt, width]; undefined when not an address. */
export function parseIp(text: string): [bigint, number] | undefined {
  const s = text.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return [parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), 32];
  }
  if (!s.includes(':')) return undefined;
  let addr = s.replace(/%.*$/, '');
  // embedded IPv4 tail (::ffff:1.2.3.4)
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (tail) {
    const p = tail.slice(1).map(Number);
    addr =
      addr.slice(0, tail.index) +
      `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...rest];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return [v, 128];
}

/** Does address `ip` lie in network `cidr` (an address without `/n` is a single host)? Families never mix. */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const a = parseIp(ip.split('/')[0] ?? '');
  const n = parseIp(net ?? '');
  if (!a || !n || a[1] !== n[1]) return false;
  const width = n[1];
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return a[0] >> shift === n[0] >> shift;
}

export function registerCidrFunction(conn: DuckDBConnection): void {
  conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'peregrine_in_cidr',
      mainFunction: (_info, input, output) => {
        const ips = input.getColumnVector(0);
        const nets = input.getColumnVector(1);
        for (let i = 0; i < input.rowCount; i++) {
          const ip = ips.getItem(i);
          const net = nets.getItem(i);
          (output as { setItem(i: number, v: boolean | null): void }).setItem(
            i,
            typeof ip === 'string' && typeof net === 'string' ? inCidr(ip, net) : null,
          );
        }
        (output as { flush(): void }).flush();
      },
      returnType: BOOLEAN,
      parameterTypes: [VARCHAR, VARCHAR],
    }),
  );
}
