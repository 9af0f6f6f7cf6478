/**
 * `ipmap`: pins addresses on a world map, offline — Kestrel's "pin IPs on a map" without a map server. One pin per
 * place (the database's coordinates, rounded to 0.1°, or the centroid of the address's country when the database is
 * country-level), its area growing with the number of entities that have an address there, its `<title>` (the
 * tooltip of every SVG viewer) listing the place and the addresses. A self-contained SVG: Natural Earth countries
 * (world-atlas) drawn with d3-geo's Natural Earth projection. Addresses in special ranges or without a place are
 * counted in the caption. Reads the same databases as `geoip` (`WITH db=`).
 */
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { escapeMarkup } from '../../../common/index.ts';
import type { Analytic, AnalyticDisplay } from '../../contract.ts';
import { checkArgNames } from '../args.ts';
import { GEO_ARGS, geoDbOf } from '../geoip/geoip.ts';
import { ADDRESS_TYPES, entityAddresses } from '../geoip/inputs.ts';
import { countryCentroid, worldCountries } from './world.ts';

const WIDTH = 960;
const HEIGHT = 500;
/** Addresses a pin's tooltip lists before "and N more". */
const LISTED = 40;

interface Place {
  readonly lon: number;
  readonly lat: number;
  readonly label: string;
  readonly addresses: Map<string, number>;
  count: number;
}

export const ipmap: Analytic = {
  name: 'ipmap',
  description:
    'pins addresses on a self-contained SVG world map (offline): one pin per place sized by count, a tooltip listing the addresses; databases as geoip',
  args: GEO_ARGS,
  inputTypes: [...ADDRESS_TYPES],
  async run(ctx) {
    checkArgNames(ctx, 'ipmap', GEO_ARGS);
    const db = geoDbOf(ctx, 'ipmap');
    const places = new Map<string, Place>();
    const unplaced = new Map<string, Set<string>>();
    let entities = 0;
    for (const v of ctx.inputs) {
      for (const ent of await entityAddresses(ctx, v)) {
        entities++;
        for (const [, a] of ent.addresses) {
          const g = db.lookup(a);
          const why = !g ? 'not an address' : g.range !== 'public' ? g.range : undefined;
          let place: { lon: number; lat: number; label: string; key: string } | undefined;
          if (g && !why) {
            if (g.lat !== undefined && g.lon !== undefined) {
              const label = [g.city, g.country].filter(Boolean).join(', ') || `${g.lat}, ${g.lon}`;
              place = { lon: g.lon, lat: g.lat, label, key: `${g.lon.toFixed(1)},${g.lat.toFixed(1)}` };
            } else if (g.country) {
              const c = countryCentroid(g.country);
              if (c) place = { lon: c.lon, lat: c.lat, label: `${c.name} (${g.country})`, key: g.country };
            }
          }
          if (!place) {
            const k = why ?? 'no place in the database';
            let s = unplaced.get(k);
            if (!s) unplaced.set(k, (s = new Set()));
            s.add(a);
            continue;
          }
          let p = places.get(place.key);
          if (!p) places.set(place.key, (p = { ...place, addresses: new Map(), count: 0 }));
          p.count++;
          p.addresses.set(a, (p.addresses.get(a) ?? 0) + 1);
        }
      }
    }
    const svg = mapSvg([...places.values()], unplaced);
    const pinned = [...places.values()].reduce((n, p) => n + p.addresses.size, 0);
    const text = `${pinned} addresses at ${places.size} places from ${entities} entities${
      unplaced.size ? `; not placed: ${[...unplaced].map(([k, s]) => `${s.size} ${k}`).join(', ')}` : ''
    }`;
    const displays: AnalyticDisplay[] = [{ kind: 'svg', title: 'ipmap', svg, text }];
    return { displays };
  },
};

function mapSvg(places: readonly Place[], unplaced: ReadonlyMap<string, ReadonlySet<string>>): string {
  const projection = geoNaturalEarth1().fitExtent(
    [
      [8, 8],
      [WIDTH - 8, HEIGHT - 40],
    ],
    { type: 'Sphere' },
  );
  const path = geoPath(projection).digits(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<path class="sphere" d="${path({ type: 'Sphere' }) ?? ''}" fill="#eaf2f8" stroke="#9fb3c8"/>`,
    '<g class="countries" fill="#d9dde3" stroke="#ffffff" stroke-width="0.5">',
  ];
  for (const f of worldCountries().features) {
    const d = path(f);
    if (d) out.push(`<path d="${d}"><title>${escapeMarkup(f.properties?.name ?? '')}</title></path>`);
  }
  out.push('</g>', '<g class="pins" fill="#d94f30" fill-opacity="0.75" stroke="#7a1f0e" stroke-width="1">');
  const max = Math.max(1, ...places.map((p) => p.count));
  // Larger pins first, so smaller ones stay visible (and hoverable) on top.
  for (const p of [...places].sort((a, b) => b.count - a.count)) {
    const xy = projection([p.lon, p.lat]);
    if (!xy) continue;
    const r = 3 + 15 * Math.sqrt(p.count / max);
    const listed = [...p.addresses].slice(0, LISTED).map(([a, n]) => (n > 1 ? `${a} (${n})` : a));
    const more = p.addresses.size > LISTED ? `\nand ${p.addresses.size - LISTED} more` : '';
    const title = `${p.label}: ${p.count} ${p.count === 1 ? 'entity' : 'entities'}, ${p.addresses.size} ${p.addresses.size === 1 ? 'address' : 'addresses'}\n${listed.join('\n')}${more}`;
    out.push(
      `<circle class="pin" cx="${xy[0].toFixed(1)}" cy="${xy[1].toFixed(1)}" r="${r.toFixed(1)}"><title>${escapeMarkup(title)}</title></circle>`,
    );
  }
  out.push('</g>');
  const caption = [
    `${places.reduce((n, p) => n + p.addresses.size, 0)} addresses at ${places.length} places`,
    ...[...unplaced].map(([k, s]) => `${s.size} ${k}`),
  ].join(' · ');
  out.push(
    `<text x="12" y="${HEIGHT - 14}" font-size="13" fill="#333">${escapeMarkup(caption)}</text>`,
    `<text x="${WIDTH - 12}" y="${HEIGHT - 14}" font-size="10" fill="#777" text-anchor="end">Natural Earth · IP data: NRO (CC BY 4.0) via ip-location-db unless WITH db=</text>`,
    '</svg>',
  );
  return out.join('\n');
}
