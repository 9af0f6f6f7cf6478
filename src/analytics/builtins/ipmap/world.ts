/**
 * The world map's shapes and country positions, offline: Natural Earth countries as TopoJSON from the `world-atlas`
 * package (110m for drawing, 50m for the centroids of small countries), ISO 3166-1 numeric → alpha-2 codes from
 * `iso-3166-1`. Read once, on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoCentroid } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import iso from 'iso-3166-1';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

const require = createRequire(import.meta.url);

function countries(file: string): FeatureCollection<Geometry, { name?: string }> {
  const topo = JSON.parse(readFileSync(require.resolve(`world-atlas/${file}`), 'utf8')) as Topology<{
    countries: GeometryCollection<{ name?: string }>;
  }>;
  return feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name?: string }>;
}

let drawn: FeatureCollection<Geometry, { name?: string }> | undefined;
/** The countries drawn on the map (Natural Earth 1:110m). */
export function worldCountries(): FeatureCollection<Geometry, { name?: string }> {
  return (drawn ??= countries('countries-110m.json'));
}

let centroids: Map<string, { lon: number; lat: number; name: string }> | undefined;
/** A country's centroid and name by its ISO 3166-1 alpha-2 code (Natural Earth 1:50m shapes). */
export function countryCentroid(alpha2: string): { lon: number; lat: number; name: string } | undefined {
  if (!centroids) {
    centroids = new Map();
    for (const f of countries('countries-50m.json').features as Feature<Geometry, { name?: string }>[]) {
      const code = f.id === undefined ? undefined : iso.whereNumeric(String(f.id).padStart(3, '0'))?.alpha2;
      if (!code) continue;
      const [lon, lat] = geoCentroid(f);
      centroids.set(code, { lon, lat, name: f.properties?.name ?? code });
    }
  }
  return centroids.get(alpha2.toUpperCase());
}
