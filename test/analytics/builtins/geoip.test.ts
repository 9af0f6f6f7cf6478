/** The GeoIP reader: the shipped database, a user-named one, the record layouts it reads, the special ranges. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Reader } from 'mmdb-lib';
import { readFileSync } from 'node:fs';
import { defaultDbPath, GeoDb, infoOf } from '../../../src/analytics/builtins/geoip/db.ts';
import { isPeregrineError } from '../../../src/errors/index.ts';

test('the shipped database answers as mmdb-lib reads it, for IPv4 and IPv6', () => {
  const db = GeoDb.open([]);
  const reader = new Reader(readFileSync(defaultDbPath()));
  let x = 99;
  let compared = 0;
  for (let i = 0; i < 5000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const ip = `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
    const g = db.lookup(ip)!;
    if (g.range !== 'public') continue;
    const want = (reader.get(ip) as { country_code?: string } | null)?.country_code;
    assert.equal(g.country, want, ip);
    compared++;
  }
  assert.ok(compared > 4000);
  assert.equal(db.lookup('2001:4860:4860::8888')?.country, 'US');
  assert.equal(db.lookup(' 8.8.8.8 ')?.country, 'US');
});

test('special ranges are labelled, not looked up; non-addresses are undefined', () => {
  const db = GeoDb.open([]);
  const cases: [string, string][] = [
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['198.51.100.7', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['ff02::fb', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['0.0.0.0', 'reserved'],
    ['fd12::1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['172.32.0.1', 'public'],
  ];
  for (const [ip, range] of cases) assert.equal(db.lookup(ip)?.range, range, ip);
  for (const bad of ['', 'host.example', '10.0.0.0/8', '1.2.3', '1.2.3.256'])
    assert.equal(db.lookup(bad), undefined);
});

test('a database named by path: IPv4-only tree, and databases asked in order', () => {
  const v4 = join(dirname(defaultDbPath()), 'geo-whois-asn-country-ipv4.mmdb');
  const db = GeoDb.open([v4]);
  assert.equal(db.lookup('81.2.69.142')?.country, 'GB');
  assert.deepEqual(db.lookup('2001:4860:4860::8888'), { range: 'public' });
  const both = GeoDb.open([v4, defaultDbPath()]);
  assert.equal(both.lookup('2001:4860:4860::8888')?.country, 'US');
});

test('MaxMind (GeoLite2 City, ASN) and flat (ip-location-db city) record layouts', () => {
  assert.deepEqual(
    infoOf({
      country: { iso_code: 'SE', names: { en: 'Sweden' } },
      city: { names: { en: 'Linköping' } },
      location: { latitude: 58.4167, longitude: 15.6167 },
    }),
    { range: 'public', country: 'SE', city: 'Linköping', lat: 58.4167, lon: 15.6167 },
  );
  assert.deepEqual(infoOf({ autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' }), {
    range: 'public',
    asn: 15169,
    asOrg: 'GOOGLE',
  });
  assert.deepEqual(infoOf({ country_code: 'FR', city: 'Paris', latitude: 48.85, longitude: 2.35 }), {
    range: 'public',
    country: 'FR',
    city: 'Paris',
    lat: 48.85,
    lon: 2.35,
  });
  assert.deepEqual(infoOf({ country_code: '', latitude: 1 }), { range: 'public' });
});

test('a missing or broken database is an error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-geoip-'));
  try {
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, '{"not": "a database"}');
    for (const p of [junk, join(dir, 'absent.mmdb')]) {
      assert.throws(
        () => GeoDb.open([p]),
        (e: unknown) => isPeregrineError(e) && e.code === 'E_GEOIP_DB' && e.message.includes(p) && !!e.hint,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
