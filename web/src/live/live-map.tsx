import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Territory } from '../api/types';
import { loadCountries } from './basemap';
import type { LiveModel, LiveSalesman } from './live-model';
import { PRESENCE } from './presence';

/** Fixes kept per salesman for his trail. */
const TRAIL_LENGTH = 20;

interface Marker {
  dot: L.CircleMarker;
  trail: L.Polyline;
}

/**
 * Leaflet without tiles: the basemap is Natural Earth country shapes, then territory polygons, then one
 * dot per located salesman in his presence colour with a fading trail. Markers are moved in place from
 * the model's `locations` stream; the page does not re-render for a fix.
 */
export function LiveMap({ model, territories }: { model: LiveModel; territories: Territory[] | null }) {
  const container = useRef<HTMLElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const territoryLayer = useRef<L.GeoJSON | null>(null);
  const markers = useRef(new Map<string, Marker>());
  const framed = useRef(false);
  const [basemap, setBasemap] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = L.map(el, { preferCanvas: false, worldCopyJump: true, zoomSnap: 0.5, attributionControl: true });
    map.attributionControl.setPrefix(false).addAttribution('Natural Earth');
    map.setView([20, 0], 2);
    mapRef.current = map;
    // The map's box follows the page's grid (the side panel filling in, a window resize): tell Leaflet.
    const resize = new ResizeObserver(() => map.invalidateSize({ pan: false }));
    resize.observe(el);
    map.createPane('basemap').style.zIndex = '200';
    loadCountries()
      .then((countries) => {
        L.geoJSON(countries, {
          pane: 'basemap',
          interactive: false,
          style: { color: '#b8c2cc', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 },
        }).addTo(map);
        setBasemap('ready');
      })
      .catch(() => setBasemap('error'));

    const place = (moved: LiveSalesman[]) => {
      for (const s of moved) placeMarker(map, markers.current, s);
      if (!framed.current) framed.current = frame(map, territoryLayer.current, markers.current);
    };
    const stopLocations = model.onLocations(place);
    // Presence changes recolour markers; a cheap pass over the team on every model change.
    const stopChanges = model.onChange(() => {
      if (model.salesmen.state !== 'ready') return;
      for (const s of model.salesmen.value.values()) {
        const marker = markers.current.get(s.id);
        if (marker) style(marker, s);
      }
    });
    if (model.salesmen.state === 'ready') place([...model.salesmen.value.values()]);
    return () => {
      stopLocations();
      stopChanges();
      resize.disconnect();
      markers.current.clear();
      map.remove();
      mapRef.current = null;
    };
  }, [model]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !territories) return;
    territoryLayer.current?.remove();
    const shapes = territories.filter((t) => t.boundary);
    const collection: FeatureCollection = {
      type: 'FeatureCollection',
      features: shapes.map((t) => ({
        type: 'Feature',
        properties: { name: t.name },
        geometry: t.boundary as NonNullable<Territory['boundary']>,
      })),
    };
    territoryLayer.current = L.geoJSON(collection, {
      style: { color: '#3d5a80', weight: 1.5, fillColor: '#98c1d9', fillOpacity: 0.18 },
      onEachFeature: (f, layer) => layer.bindTooltip(String(f.properties?.name ?? ''), { sticky: true }),
    }).addTo(map);
    territoryLayer.current.bringToBack();
    framed.current = frame(map, territoryLayer.current, markers.current);
  }, [territories]);

  return (
    <div class="map-wrap">
      <section ref={container} class="map" aria-label="Map of the team" data-testid="live-map" />
      {basemap === 'loading' && (
        <p class="map-note muted" aria-busy="true">
          Loading the map…
        </p>
      )}
      {basemap === 'error' && (
        <p class="map-note error" role="alert">
          The basemap could not be loaded; territories and the team still show.
        </p>
      )}
    </div>
  );
}

function placeMarker(map: L.Map, markers: Map<string, Marker>, s: LiveSalesman): void {
  if (!s.location) return;
  const at = L.latLng(s.location.lat, s.location.lng);
  let marker = markers.get(s.id);
  if (!marker) {
    const trail = L.polyline([at], { color: PRESENCE[s.status].colour, weight: 2, opacity: 0.35, interactive: false });
    const dot = L.circleMarker(at, { radius: 7, weight: 2, color: '#fff', fillOpacity: 1, className: 'salesman' });
    dot.bindTooltip(s.name);
    trail.addTo(map);
    dot.addTo(map);
    marker = { dot, trail };
    markers.set(s.id, marker);
    const el = dot.getElement();
    if (el instanceof SVGElement) el.dataset.salesmanId = s.id;
  } else {
    marker.dot.setLatLng(at);
    const points = marker.trail.getLatLngs() as L.LatLng[];
    marker.trail.setLatLngs([...points.slice(-(TRAIL_LENGTH - 1)), at]);
  }
  const el = marker.dot.getElement();
  if (el instanceof SVGElement) {
    el.dataset.lat = String(s.location.lat);
    el.dataset.lng = String(s.location.lng);
  }
  style(marker, s);
}

function style(marker: Marker, s: LiveSalesman): void {
  const colour = PRESENCE[s.status].colour;
  marker.dot.setStyle({ fillColor: colour });
  marker.trail.setStyle({ color: colour });
  const el = marker.dot.getElement();
  if (el instanceof SVGElement) el.dataset.status = s.status;
}

/** Fits the view to the territories, or else to the located salesmen; false when there is neither. */
function frame(map: L.Map, territories: L.GeoJSON | null, markers: Map<string, Marker>): boolean {
  const bounds = territories?.getBounds();
  if (bounds?.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16] });
    return true;
  }
  if (markers.size === 0) return false;
  const located = L.latLngBounds([...markers.values()].map((m) => m.dot.getLatLng()));
  map.fitBounds(located, { padding: [32, 32], maxZoom: 13 });
  return true;
}
