/** `ipmap`: a self-contained SVG world map, one pin per place sized by count, tooltips listing the addresses. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AnalyticDisplay } from '../../../src/analytics/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';

const NET = join(import.meta.dirname, '..', 'data', 'net.json');

test('pins per country, sized by count, tooltips listing the addresses; special ranges counted, not pinned', async () => {
  const session = await HuntSession.create();
  let d: AnalyticDisplay | undefined;
  try {
    const r = await session.execute(`conns = GET network-traffic FROM file://${NET}\nAPPLY ipmap ON conns`, {
      sourceName: 'map.hf',
    });
    d = r.displays.find((x) => x.kind === 'svg');
  } finally {
    await session.close();
  }
  assert.ok(d && d.kind === 'svg');
  const svg = d.svg;
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(!/href=|<image|<script/.test(svg), 'self-contained: no links, images or scripts');
  assert.ok((svg.match(/<path d=/g) ?? []).length > 150, 'the countries are drawn');
  const pins = [...svg.matchAll(/<circle class="pin"[^>]* r="([\d.]+)"><title>([^<]*)<\/title>/g)].map(
    (m) => ({
      r: Number(m[1]),
      title: m[2]!,
    }),
  );
  assert.equal(pins.length, 4);
  const gb = pins.find((p) => p.title.includes('81.2.69.142'))!;
  assert.match(gb.title, /^United Kingdom \(GB\): 12 entities, 1 address\n81\.2\.69\.142 \(12\)$/);
  assert.ok(
    pins.every((p) => p.r <= gb.r),
    'the busiest place has the largest pin',
  );
  const us = pins.find((p) => p.title.includes('(US)'))!;
  for (const ip of ['8.8.8.8', '8.8.4.4', '9.9.9.9', '2001:4860:4860::8888'])
    assert.ok(us.title.includes(ip), ip);
  assert.match(svg, /7 addresses at 4 places · 6 private · 1 documentation · 1 loopback · 1 link-local/);
  assert.equal(
    d.text,
    '7 addresses at 4 places from 21 entities; not placed: 6 private, 1 documentation, 1 loopback, 1 link-local',
  );
});
