import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Natural Earth 1:50m countries (world-atlas), emitted as a file of its own and fetched after the first
// render, so it stays out of the initial JavaScript and needs no tile server.
import atlasUrl from 'world-atlas/countries-50m.json?url';

let loading: Promise<FeatureCollection<Geometry>> | null = null;

/** The countries of the world as GeoJSON, fetched once per page. */
export function loadCountries(): Promise<FeatureCollection<Geometry>> {
  loading ??= fetch(atlasUrl)
    .then((res) => {
      if (!res.ok) throw new Error(`basemap: HTTP ${res.status}`);
      return res.json() as Promise<Topology<{ countries: GeometryCollection }>>;
    })
    .then((topology) => feature(topology, topology.objects.countries) as FeatureCollection<Geometry>)
    .catch((err) => {
      loading = null;
      throw err;
    });
  return loading;
}
