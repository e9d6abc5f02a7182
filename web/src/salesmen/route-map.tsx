import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import type { OnlineSalesman, Visit } from '../api/types';
import { loadCountries } from '../live/basemap';
import { PRESENCE } from '../live/presence';

export const VERDICT: Record<string, { label: string; colour: string }> = {
  verified: { label: 'Verified', colour: '#1a7f37' },
  out_of_range: { label: 'Out of range', colour: '#b42318' },
  unverified: { label: 'Unverified', colour: '#6b7280' },
};

/**
 * His route today: the check-ins in order, joined by a line, each numbered and coloured by its verdict,
 * and his last live position in his presence colour. Same tile-free basemap as the Live screen.
 */
export function RouteMap({ visits, presence }: { visits: Visit[]; presence: OnlineSalesman | null }) {
  const container = useRef<HTMLElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const live = useRef<L.CircleMarker | null>(null);
  const framed = useRef(false);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = L.map(el, { zoomSnap: 0.5, attributionControl: true });
    map.attributionControl.setPrefix(false).addAttribution('Natural Earth');
    map.setView([20, 0], 2);
    mapRef.current = map;
    framed.current = false;
    const resize = new ResizeObserver(() => map.invalidateSize({ pan: false }));
    resize.observe(el);
    map.createPane('basemap').style.zIndex = '200';
    let alive = true;
    loadCountries()
      .then((countries) => {
        if (!alive) return;
        L.geoJSON(countries, {
          pane: 'basemap',
          interactive: false,
          style: { color: '#b8c2cc', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 },
        }).addTo(map);
      })
      .catch(() => {});

    const stops = visits.filter((v) => v.checkInLat !== null && v.checkInLng !== null);
    const points = stops.map((v) => L.latLng(v.checkInLat as number, v.checkInLng as number));
    if (points.length > 1) L.polyline(points, { color: '#3d5a80', weight: 2, dashArray: '4 4' }).addTo(map);
    stops.forEach((v, i) => {
      const verdict = VERDICT[v.verdict ?? 'unverified'] ?? VERDICT.unverified;
      const dot = L.circleMarker(points[i] as L.LatLng, {
        radius: 8,
        weight: 2,
        color: '#fff',
        fillColor: verdict?.colour,
        fillOpacity: 1,
        className: 'stop',
      })
        .bindTooltip(`${i + 1}. ${verdict?.label}`, { permanent: stops.length <= 12, direction: 'top' })
        .addTo(map);
      const path = dot.getElement();
      if (path instanceof SVGElement) path.dataset.visitId = v.id;
    });
    if (points.length > 0) {
      map.fitBounds(L.latLngBounds(points), { padding: [40, 40], maxZoom: 14 });
      framed.current = true;
    }
    return () => {
      alive = false;
      resize.disconnect();
      live.current = null;
      mapRef.current = null;
      map.remove();
    };
  }, [visits]);

  // His live position moves in place when a poll brings a new fix; the view is fitted once.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const fix = presence?.location;
    if (!fix || !presence) {
      live.current?.remove();
      live.current = null;
      return;
    }
    const at = L.latLng(fix.lat, fix.lng);
    const colour = PRESENCE[presence.status].colour;
    if (!live.current) {
      live.current = L.circleMarker(at, {
        radius: 9,
        weight: 3,
        color: '#fff',
        fillColor: colour,
        fillOpacity: 1,
        className: 'salesman',
      })
        .bindTooltip('Now')
        .addTo(map);
    } else {
      live.current.setLatLng(at).setStyle({ fillColor: colour });
    }
    if (!framed.current) {
      map.setView(at, 13);
      framed.current = true;
    } else if (!map.getBounds().contains(at)) {
      map.fitBounds(map.getBounds().extend(at), { padding: [40, 40] });
    }
  }, [presence, visits]);

  return <section ref={container} class="map route-map" aria-label="His route today" data-testid="route-map" />;
}
