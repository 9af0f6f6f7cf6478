/**
 * Geolocation databases in the MaxMind DB format (`.mmdb`): the country database shipped with Peregrine by
 * default, or databases a user names (GeoLite2/GeoIP2 City, Country and ASN, DB-IP, ip-location-db's). Records are
 * read by mmdb-lib; the search tree is walked here without allocating, and each record is decoded once and kept by
 * its place in the data section — a database has far fewer records than addresses are looked up.
 *
 * Fields understood, whichever layout a database uses: `country.iso_code` or `country_code`; `city.names.en` or
 * `city`; `location.latitude/longitude` or `latitude/longitude`; `autonomous_system_number` and `_organization`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'mmdb-lib';
import { addressText, parseCidr, type Cidr } from '../../../common/index.ts';
import { AnalyticsError } from '../../../errors/index.ts';
import { rangeOf, type RangeKind } from './ranges.ts';

/** What one address resolves to; absent fields: the databases do not say. */
export interface GeoInfo {
  readonly country?: string;
  readonly city?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly asn?: number;
  readonly asOrg?: string;
}

export interface GeoResult extends GeoInfo {
  /** `public`, or the special range the address lies in (not looked up). */
  readonly range: 'public' | RangeKind;
}

/** The npm package and file of the database used when WITH db= names none (ip-location-db, CC BY 4.0 NRO data). */
export const DEFAULT_DB = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';

const NONE: GeoResult = Object.freeze({ range: 'public' });
const RANGED = Object.fromEntries(
  (
    [
      'private',
      'loopback',
      'link-local',
      'shared',
      'documentation',
      'benchmarking',
      'multicast',
      'reserved',
    ] as const
  ).map((k) => [k, Object.freeze({ range: k })]),
) as Record<RangeKind, GeoResult>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The fields of a decoded record, in either the MaxMind or the flat (ip-location-db) layout. */
export function infoOf(rec: Record<string, unknown> | null): GeoResult {
  if (!rec) return NONE;
  const country = rec.country as { iso_code?: unknown } | undefined;
  const city = rec.city as { names?: { en?: unknown } } | string | undefined;
  const loc = rec.location as { latitude?: unknown; longitude?: unknown } | undefined;
  const out: { -readonly [K in keyof GeoResult]: GeoResult[K] } = { range: 'public' };
  const cc = str(country?.iso_code) ?? str(rec.country_code);
  if (cc) out.country = cc;
  const ci = typeof city === 'string' ? str(city) : str(city?.names?.en);
  if (ci) out.city = ci;
  const lat = num(loc?.latitude) ?? num(rec.latitude);
  const lon = num(loc?.longitude) ?? num(rec.longitude);
  if (lat !== undefined && lon !== undefined) {
    out.lat = lat;
    out.lon = lon;
  }
  const asn = num(rec.autonomous_system_number);
  if (asn !== undefined) out.asn = asn;
  const org = str(rec.autonomous_system_organization);
  if (org) out.asOrg = org;
  return Object.freeze(out);
}

/** One `.mmdb` file: its search tree walked directly, records decoded once each. */
export class MmdbFile {
  private readonly reader: Reader<Response>;
  private readonly db: Buffer;
  private readonly nodeCount: number;
  private readonly nodeBytes: number;
  private readonly recordSize: number;
  private readonly treeSize: number;
  private readonly ipv6: boolean;
  private readonly ipv4Start: number;
  private readonly records = new Map<number, GeoResult>();

  constructor(
    readonly path: string,
    bytes: Buffer,
  ) {
    try {
      this.reader = new Reader<Response>(bytes);
    } catch (e) {
      throw new AnalyticsError(
        'E_GEOIP_DB',
        `${path} is not a MaxMind DB (.mmdb) file: ${(e as Error).message}`,
        {
          cause: e,
          hint: 'give a GeoLite2/GeoIP2, DB-IP or ip-location-db .mmdb file (WITH db=PATH)',
        },
      );
    }
    const m = this.reader.metadata;
    this.db = bytes;
    this.nodeCount = m.nodeCount;
    this.recordSize = m.recordSize;
    this.nodeBytes = m.nodeByteSize;
    this.treeSize = m.searchTreeSize;
    this.ipv6 = m.ipVersion === 6;
    if (![24, 28, 32].includes(this.recordSize))
      throw new AnalyticsError('E_GEOIP_DB', `${path} has records of ${this.recordSize} bits`, {
        hint: 'MaxMind DB files have 24, 28 or 32-bit records',
      });
    let node = 0;
    if (this.ipv6) for (let i = 0; i < 96 && node < this.nodeCount; i++) node = this.child(node, 0);
    this.ipv4Start = node;
  }

  static open(path: string): MmdbFile {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new AnalyticsError(
        'E_GEOIP_DB',
        `cannot read the GeoIP database ${path}: ${(e as Error).message}`,
        {
          cause: e,
          hint: 'WITH db=PATH names a .mmdb file (e.g. GeoLite2-City.mmdb); relative paths start at the huntflow',
        },
      );
    }
    return new MmdbFile(path, bytes);
  }

  private child(node: number, bit: number): number {
    const db = this.db;
    const off = node * this.nodeBytes;
    switch (this.recordSize) {
      case 24: {
        const o = bit ? off + 3 : off;
        return (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!;
      }
      case 28:
        return bit
          ? (db[off + 3]! & 0x0f) * 0x1000000 + ((db[off + 4]! << 16) | (db[off + 5]! << 8) | db[off + 6]!)
          : ((db[off + 3]! & 0xf0) >>> 4) * 0x1000000 +
              ((db[off]! << 16) | (db[off + 1]! << 8) | db[off + 2]!);
      default:
        return db.readUInt32BE(bit ? off + 4 : off);
    }
  }

  /** The record's place in the data section, or 0 when the tree has none for the address. */
  private pointerOf(c: Cidr): number {
    let node: number;
    if (!c.v6) {
      node = this.ipv4Start;
      for (let i = 31; i >= 0 && node < this.nodeCount; i--) node = this.child(node, (c.v4 >>> i) & 1);
    } else {
      if (!this.ipv6) return 0;
      node = 0;
      for (let i = 127; i >= 0 && node < this.nodeCount; i--)
        node = this.child(node, Number((c.addr >> BigInt(i)) & 1n));
    }
    return node > this.nodeCount ? node : 0;
  }

  /** What the database holds for public address `c` (`text`: the same address as text). */
  lookup(c: Cidr, text: string): GeoResult {
    const p = this.pointerOf(c);
    if (p === 0) return NONE;
    let info = this.records.get(p);
    if (info === undefined) {
      info = infoOf(this.reader.get(text) as Record<string, unknown> | null);
      this.records.set(p, info);
    }
    return info;
  }

  /** How many distinct records lookups have decoded. */
  get decoded(): number {
    return this.records.size;
  }

  get description(): string {
    const m = this.reader.metadata;
    return `${m.databaseType} (${m.buildEpoch.toISOString().slice(0, 10)})`;
  }

  /** Bytes of the search tree (the data section follows it). */
  get searchTreeBytes(): number {
    return this.treeSize;
  }
}

/** The path of the shipped default database. */
export function defaultDbPath(): string {
  try {
    return createRequire(import.meta.url).resolve(DEFAULT_DB);
  } catch (e) {
    throw new AnalyticsError('E_GEOIP_DB', `the default GeoIP database (${DEFAULT_DB}) is not installed`, {
      cause: e,
      hint: 'run npm install in the Peregrine folder, or name a database with WITH db=PATH',
    });
  }
}

/** Databases asked in order: a field the first leaves out is taken from the next (City, then ASN). */
export class GeoDb {
  constructor(readonly files: readonly MmdbFile[]) {}

  static open(paths: readonly string[]): GeoDb {
    return new GeoDb((paths.length ? paths : [defaultDbPath()]).map((p) => MmdbFile.open(p)));
  }

  /** The geolocation of an address as data holds it; undefined when the text is no address. */
  lookup(value: string): GeoResult | undefined {
    const text = addressText(value);
    const c = parseCidr(text);
    if (!c || c.bits !== (c.v6 ? 128 : 32) || text.includes('/')) return undefined;
    const range = rangeOf(c);
    if (range) return RANGED[range];
    if (this.files.length === 1) return this.files[0]!.lookup(c, text);
    let merged: GeoResult = NONE;
    for (const f of this.files) {
      const info = f.lookup(c, text);
      if (info !== NONE) merged = merged === NONE ? info : { ...info, ...merged };
    }
    return merged;
  }
}
