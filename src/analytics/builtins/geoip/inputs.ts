/** The addresses of APPLY's input entities: an address entity's `value`, a connection's two endpoints. */
import { entityRows } from '../../../store/cache/index.ts';
import type { AnalyticContext, AnalyticVariable } from '../../contract.ts';

export const ADDRESS_TYPES = ['ipv4-addr', 'ipv6-addr', 'network-traffic'] as const;

/** Where an address sits in its entity: the entity itself (`''`), or a connection's `src`/`dst` endpoint. */
export type Endpoint = '' | 'src' | 'dst';

export interface EntityAddresses {
  readonly id: string;
  /** Per endpoint, the address text (absent: the entity has none there). */
  readonly addresses: readonly (readonly [Endpoint, string])[];
}

/** Endpoints a variable of `type` has. */
export function endpointsOf(type: string): readonly Endpoint[] {
  return type === 'network-traffic' ? ['src', 'dst'] : [''];
}

/** The addresses of each entity of input `v`, in the variable's order. */
export async function entityAddresses(ctx: AnalyticContext, v: AnalyticVariable): Promise<EntityAddresses[]> {
  const attrs = v.type === 'network-traffic' ? ['src_ref.value', 'dst_ref.value'] : ['value'];
  const t = await entityRows(ctx.cache, { vid: v.vid, type: v.type, attributes: attrs }, ctx.signal);
  const at = attrs.map((a) => t.columns.indexOf(a));
  const ends = endpointsOf(v.type);
  return t.rows.map((r) => {
    const addresses: [Endpoint, string][] = [];
    ends.forEach((e, i) => {
      const x = at[i]! >= 0 ? r[at[i]!] : undefined;
      if (typeof x === 'string' && x !== '') addresses.push([e, x]);
    });
    return { id: String(r[0]), addresses };
  });
}
