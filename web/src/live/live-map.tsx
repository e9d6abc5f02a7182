import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Territory } from '../api/types';
import type { AuthSession } from '../auth/session';
import { errorText, num } from '../ui/format';
import { loadCountries } from './basemap';
import type { CustomerLayer } from './customer-layer';
import type { LiveModel, LiveSalesman } from './live-model';
import { PRESENCE } from './presence';

/** Fixes kept per salesman for his trail. */
const TRAIL_LENGTH = 20;

interface Marker {
  dot: L.CircleMarker;
  trail: L.Polyline;
}

const CUSTOMERS_PREF = 'fieldline.live.customers';

type CustomerState =
  | { state: 'idle' | 'loading' }
  | { state: 'ready'; count: number; capped: boolean }
  | { state: 'error'; message: string };

/**
 * Leaflet without tiles: the basemap is Natural Earth country shapes, then the customers (one canvas,
 * loaded once the screen is interactive, behind a toggle), territory polygons, then one dot per located
 * salesman in his presence colour with a fading trail. Markers are moved in place from the model's
 * `locations` stream; the page does not re-render for a fix.
 */
export function LiveMap({
  auth,
  model,
  territories,
}: {
  auth: AuthSession;
  model: LiveModel;
  territories: Territory[] | null;
}) {
  const container = useRef<HTMLElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const territoryLayer = useRef<L.GeoJSON | null>(null);
  const markers = useRef(new Map<string, Marker>());
  const framed = useRef(false);
  const [basemap, setBasemap] = useState<'loading' | 'ready' | 'error'>('loading');
  const customerLayer = useRef<CustomerLayer | null>(null);
  const [customers, setCustomers] = useState<CustomerState>({ state: 'idle' });
  const [showCustomers, setShowCustomers] = useState(() => readPref(CUSTOMERS_PREF) !== 'off');
  const showRef = useRef(showCustomers);
  showRef.current = showCustomers;
  const teamShown = model.salesmen.state !== 'loading';

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
      customerLayer.current?.destroy();
      customerLayer.current = null;
      map.remove();
      mapRef.current = null;
    };
  }, [model]);

  // The customers come after the screen is interactive (the team listed, the basemap drawn) and when the
  // browser is idle: their code and their pages of the list stay off the first load.
  const customersWanted = showCustomers && customers.state === 'idle' && basemap !== 'loading' && teamShown;
  useEffect(() => {
    if (!customersWanted) return;
    setCustomers({ state: 'loading' });
    whenIdle(() => {
      import('./customer-layer')
        .then(async ({ CustomerLayer, loadCustomerPoints, CUSTOMER_CAP }) => {
          const { points, read } = await loadCustomerPoints(auth);
          const map = mapRef.current;
          if (!map) return;
          const layer = new CustomerLayer(map, points);
          customerLayer.current = layer;
          layer.show(showRef.current);
          if (!framed.current) {
            const bounds = layer.bounds();
            if (bounds) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13, animate: false });
            framed.current = bounds !== null;
          }
          setCustomers({ state: 'ready', count: points.length, capped: read >= CUSTOMER_CAP });
        })
        .catch((err) => setCustomers({ state: 'error', message: errorText(err) }));
    });
  }, [customersWanted]);

  useEffect(() => {
    customerLayer.current?.show(showCustomers);
    writePref(CUSTOMERS_PREF, showCustomers ? 'on' : 'off');
  }, [showCustomers]);

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
      <div class="map-layers" data-testid="customers-toggle" data-state={customers.state}>
        <label>
          <input
            type="checkbox"
            checked={showCustomers}
            onChange={(e) => setShowCustomers((e.currentTarget as HTMLInputElement).checked)}
          />
          <span class="customer-swatch" aria-hidden="true" />
          Customers
          {customers.state === 'ready' && (
            <span class="muted" data-testid="customers-count" data-count={customers.count}>
              {' '}
              ({num(customers.count)}
              {customers.capped ? ', the first ones only' : ''})
            </span>
          )}
          {customers.state === 'loading' && showCustomers && (
            <span class="muted" aria-busy="true">
              {' '}
              (loading…)
            </span>
          )}
        </label>
        {customers.state === 'error' && (
          <p class="error" role="alert">
            Not loaded: {customers.message}{' '}
            <button type="button" class="link-button" onClick={() => setCustomers({ state: 'idle' })}>
              Retry
            </button>
          </p>
        )}
      </div>
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

/** Runs `work` when the browser has a moment (soon in any case), so it does not compete with the first paint. */
function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 1500 });
  else setTimeout(work, 200);
}

function readPref(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writePref(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the choice lasts until the page reloads.
  }
}
