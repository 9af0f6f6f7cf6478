/**
 * `geoip`: geolocation of addresses, offline. Address entities get `x_geo_country` (ISO 3166 alpha-2),
 * `x_geo_city`, `x_geo_lat`, `x_geo_lon`, `x_geo_asn`, `x_geo_as_org` where the database holds them, and
 * `x_geo_range` (`public`, or the special range — private, loopback, link-local, shared, documentation,
 * benchmarking, multicast, reserved — that is not looked up). Connections get the same per endpoint:
 * `x_src_geo_country`, `x_dst_geo_country`, … The default database is country-level (ip-location-db's
 * geo-whois-asn-country, CC BY 4.0 NRO data); `WITH db=PATH` names `.mmdb` files (GeoLite2-City, GeoLite2-ASN,
 * DB-IP, …) asked in order.
 */
import { AnalyticsError } from '../../../errors/index.ts';
import type { Analytic, AnalyticContext, AnalyticDisplay, ArgSpec, AttributeUpdate } from '../../contract.ts';
import { argPaths, checkArgNames } from '../args.ts';
import { GeoDb, type GeoResult } from './db.ts';
import { ADDRESS_TYPES, endpointsOf, entityAddresses, type Endpoint } from './inputs.ts';

/** The attributes set per endpoint, and the field of a {@link GeoResult} each holds. */
const FIELDS = [
  ['country', 'country'],
  ['city', 'city'],
  ['lat', 'lat'],
  ['lon', 'lon'],
  ['asn', 'asn'],
  ['as_org', 'asOrg'],
  ['range', 'range'],
] as const satisfies readonly (readonly [string, keyof GeoResult])[];

export const GEO_ARGS: readonly ArgSpec[] = [
  {
    name: 'db',
    type: 'list',
    description:
      '.mmdb databases asked in order (GeoLite2/GeoIP2 City, Country or ASN, DB-IP, ip-location-db); a field the first lacks comes from the next',
    default: 'the shipped country database (ip-location-db geo-whois-asn-country)',
  },
];

/** The geolocation database the WITH arguments name (cached per list of paths for the process). */
const opened = new Map<string, GeoDb>();
export function geoDbOf(ctx: AnalyticContext, analytic: string): GeoDb {
  const paths = argPaths(ctx, analytic, 'db') ?? [];
  const key = paths.join('\0');
  let db = opened.get(key);
  if (!db) {
    db = GeoDb.open(paths);
    opened.set(key, db);
  }
  return db;
}

export function geoColumns(e: Endpoint): string[] {
  return FIELDS.map(([name]) => (e ? `x_${e}_geo_${name}` : `x_geo_${name}`));
}

export const geoip: Analytic = {
  name: 'geoip',
  description:
    'geolocates addresses offline: x_geo_country, x_geo_city, x_geo_lat, x_geo_lon, x_geo_asn, x_geo_as_org where the database has them, x_geo_range (public, private, loopback, …); connections per endpoint (x_src_geo_…, x_dst_geo_…)',
  args: GEO_ARGS,
  inputTypes: [...ADDRESS_TYPES],
  async run(ctx) {
    checkArgNames(ctx, 'geoip', GEO_ARGS);
    const db = geoDbOf(ctx, 'geoip');
    const updates: AttributeUpdate[] = [];
    const byCountry = new Map<string, Set<string>>();
    let unknown = 0;
    for (const v of ctx.inputs) {
      const ends = endpointsOf(v.type);
      const rows: unknown[][] = [];
      for (const ent of await entityAddresses(ctx, v)) {
        const row: unknown[] = [ent.id];
        for (const e of ends) {
          const a = ent.addresses.find(([x]) => x === e)?.[1];
          const g = a === undefined ? undefined : db.lookup(a);
          if (a !== undefined && g === undefined) unknown++;
          for (const [, field] of FIELDS) row.push(g?.[field] ?? null);
          if (a !== undefined && g) {
            const k = g.range === 'public' ? (g.country ?? 'unknown') : g.range;
            let s = byCountry.get(k);
            if (!s) byCountry.set(k, (s = new Set()));
            s.add(a);
          }
        }
        rows.push(row);
      }
      updates.push({ type: v.type, columns: ends.flatMap(geoColumns), rows });
    }
    if (ctx.inputs.length > 0 && byCountry.size === 0 && unknown > 0)
      throw new AnalyticsError('E_ANALYTICS_INPUT', `geoip found no IP address among ${unknown} values`, {
        hint: 'APPLY geoip ON a variable of ipv4-addr, ipv6-addr or network-traffic entities',
      });
    const rows = [...byCountry]
      .map(([k, s]) => [k, s.size] as const)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const displays: AnalyticDisplay[] = [
      {
        kind: 'table',
        title: `geoip: addresses by country or range (${db.files.map((f) => f.description).join(' + ')})`,
        columns: ['country or range', 'addresses'],
        rows,
      },
    ];
    return { updates, displays };
  },
};
