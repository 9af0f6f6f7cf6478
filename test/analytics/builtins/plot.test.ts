/** `plot`: the Vega-Lite specs carry the fields and data asked for, and draw headless to SVG with one mark per datum. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AnalyticDisplay } from '../../../src/analytics/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { vegaLiteSvg } from '../../../src/render/index.ts';

const NET = join(import.meta.dirname, '..', 'data', 'net.json');

async function specs(hf: string): Promise<Record<string, unknown>[]> {
  const session = await HuntSession.create();
  try {
    const r = await session.execute(hf, { sourceName: 'plot.hf' });
    return (r.displays as AnalyticDisplay[]).flatMap((d) =>
      d.kind === 'vega-lite' ? [d.spec as Record<string, unknown>] : [],
    );
  } finally {
    await session.close();
  }
}

test('timeline: one tick per connection at its first observation, a row per destination; the beacon is regular', async () => {
  const [spec] = await specs(`conns = GET network-traffic FROM file://${NET}\nAPPLY plot ON conns`);
  const enc = spec!.encoding as Record<string, { field: string; type: string }>;
  assert.deepEqual([enc.x!.field, enc.x!.type, enc.y!.field], ['time', 'temporal', 'row']);
  const values = (spec!.data as { values: { time: string; row: string }[] }).values;
  assert.equal(values.length, 21);
  const beacon = values.filter((v) => v.row === '81.2.69.142').map((v) => Date.parse(v.time));
  assert.equal(beacon.length, 12);
  const gaps = new Set(beacon.slice(1).map((t, i) => t - beacon[i]!));
  assert.deepEqual([...gaps], [60_000]);
  const svg = await vegaLiteSvg(spec!);
  assert.match(svg, /^<svg/);
  assert.equal((svg.match(/aria-roledescription="tick"/g) ?? []).length, 21);
  assert.ok(svg.includes('81.2.69.142'));
});

test('bar, histogram and scatter specs name the attributes and draw', async () => {
  const [bar, hist, scatter] = await specs(
    [
      `conns = GET network-traffic FROM file://${NET}`,
      'APPLY geoip ON conns',
      'APPLY plot ON conns WITH kind=bar, attr=x_dst_geo_country',
      'APPLY plot ON conns WITH kind=histogram, attr=src_byte_count, bins=5',
      'APPLY plot ON conns WITH kind=scatter, x=dst_port, y=src_byte_count, attr=x_dst_geo_range',
    ].join('\n'),
  );
  assert.deepEqual((bar!.data as { values: unknown[] }).values, [
    { value: 'GB', n: 12 },
    { value: 'US', n: 4 },
    { value: 'AU', n: 1 },
    { value: 'IE', n: 1 },
  ]);
  const he = hist!.encoding as Record<string, Record<string, unknown>>;
  assert.deepEqual([he.x!.bin, he.x!.title, he.y!.aggregate], [{ maxbins: 5 }, 'src_byte_count', 'count']);
  const se = scatter!.encoding as Record<string, Record<string, unknown>>;
  assert.deepEqual(
    [se.x!.title, se.x!.type, se.y!.title, se.color!.title],
    ['dst_port', 'quantitative', 'src_byte_count', 'x_dst_geo_range'],
  );
  const marks = async (s: Record<string, unknown>, kind: string): Promise<number> =>
    ((await vegaLiteSvg(s)).match(new RegExp(`aria-roledescription="${kind}"`, 'g')) ?? []).length;
  assert.equal(await marks(bar!, 'bar'), 4);
  assert.ok((await marks(hist!, 'bar')) >= 2);
  assert.equal(await marks(scatter!, 'point'), 21);
});
