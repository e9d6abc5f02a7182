import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import { tooltipText } from '../ui/tooltip-text';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Territory } from '../api/types';
import type { AuthSession } from '../auth/session';
import { errorText, num } from '../ui/format';
import { loadCountries } from './basemap';
import type { CustomerLayer } from './customer-layer';
import type { LiveModel, LiveSalesman } from './live-model';
import { SalesmanLayer } from './salesman-layer';

const CUSTOMERS_PREF = 'fieldline.live.customers';

type CustomerState =
  | { state: 'idle' | 'loading' }
  | { state: 'ready'; count: number; capped: boolean }
  | { state: 'error'; message: string };

/**
 * Leaflet without tiles: the basemap is Natural Earth country shapes, then the customers (one canvas,
 * loaded once the screen is interactive, behind a toggle), territory polygons, then the located salesmen
 * (one canvas too: a dot in his presence colour with a fading trail). The salesmen follow the model's
 * `locations` stream on their own; the page does not re-render for a fix.
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
  const salesmen = useRef<SalesmanLayer | null>(null);
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

    const layer = new SalesmanLayer(map);
    salesmen.current = layer;
    const place = (moved: LiveSalesman[]) => {
      layer.place(moved);
      if (!framed.current) framed.current = frame(map, territoryLayer.current, layer);
    };
    const stopLocations = model.onLocations(place);
    // Presence changes recolour the dots; a cheap pass over the team on every model change.
    const stopChanges = model.onChange(() => {
      if (model.salesmen.state === 'ready') layer.sync(model.salesmen.value);
    });
    if (model.salesmen.state === 'ready') place([...model.salesmen.value.values()]);
    return () => {
      stopLocations();
      stopChanges();
      resize.disconnect();
      layer.destroy();
      salesmen.current = null;
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
          // A click on a salesman's dot is his, not the customer's under it.
          const layer = new CustomerLayer(map, points, (e) => salesmen.current?.hitAt(e) != null);
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
      onEachFeature: (f, layer) => layer.bindTooltip(tooltipText(String(f.properties?.name ?? '')), { sticky: true }),
    }).addTo(map);
    territoryLayer.current.bringToBack();
    framed.current = frame(map, territoryLayer.current, salesmen.current);
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

/** Fits the view to the territories, or else to the located salesmen; false when there is neither. */
function frame(map: L.Map, territories: L.GeoJSON | null, salesmen: SalesmanLayer | null): boolean {
  const bounds = territories?.getBounds();
  if (bounds?.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16] });
    return true;
  }
  const located = salesmen?.bounds();
  if (!located) return false;
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
