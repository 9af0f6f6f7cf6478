/**
 * IP address ∈ CIDR for both families, registered as the DuckDB scalar `peregrine_in_cidr(ip, cidr)` so ISSUBSET /
 * ISSUPERSET on IPv6 evaluate on the cache (IPv4 uses pure SQL arithmetic, see `src/backends/cache/comparison.ts`).
 */
import { BOOLEAN, DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { addressText, cidrContains, parseCidr } from '../../common/index.ts';

/**
 * Does address `ip` lie in network `cidr` (an address without `/n` is a single host)? Families never mix. A `/n`
 * after `ip` is not read (as the IPv4 SQL route reads only the address too); blanks and an IPv6 zone are dropped.
 */
export function inCidr(ip: string, cidr: string): boolean {
  const a = parseCidr(addressText(ip.split('/')[0] ?? ''));
  const slash = cidr.indexOf('/');
  const net = addressText(slash < 0 ? cidr : cidr.slice(0, slash));
  const n = parseCidr(slash < 0 ? net : `${net}/${cidr.slice(slash + 1).trim()}`);
  if (!a || !n) return false;
  return cidrContains(n, { ...a, bits: a.v6 ? 128 : 32 });
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
