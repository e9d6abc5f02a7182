import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import { tooltipText } from '../ui/tooltip-text';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import { loadCountries } from '../live/basemap';
import { money, num } from '../ui/format';
import { classOf, colourOf, type Measure, type Scale } from './heatmap-scale';
import type { Heatmap } from './report-types';

type Cell = Heatmap['cells']['features'][number];

/**
 * The heat map's map: the tile-free basemap of the Live screen, the cells on one canvas (a window can
 * have thousands), the territories' outlines, and the coverage gaps as dark dots on top. A change
 * of measure restyles the cells in place.
 */
export function HeatmapMap({
  data,
  measure,
  scale,
  showGaps,
}: {
  data: Heatmap;
  measure: Measure;
  scale: Scale;
  showGaps: boolean;
}) {
  const container = useRef<HTMLElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const cells = useRef<L.GeoJSON | null>(null);
  const gapLayer = useRef<L.LayerGroup | null>(null);
  const showGapsRef = useRef(showGaps);
  showGapsRef.current = showGaps;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = L.map(el, { zoomSnap: 0.5, worldCopyJump: true });
    map.attributionControl.setPrefix(false).addAttribution('Natural Earth');
    map.setView([20, 0], 2);
    mapRef.current = map;
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

    const outlines = data.territories.features.filter((t) => t.geometry !== null);
    const territories = L.geoJSON({ type: 'FeatureCollection', features: outlines } as FeatureCollection, {
      interactive: false,
      style: { color: '#3d5a80', weight: 1.5, dashArray: '5 4', fill: false },
    }).addTo(map);
    cells.current = L.geoJSON(
      data.cells as GeoJSON.FeatureCollection,
      {
        renderer: L.canvas({ padding: 0.3 }),
        onEachFeature: (f, layer) =>
          layer.bindTooltip(() => cellText(f as unknown as Cell, data.meta.currency), { sticky: true }),
      } as L.GeoJSONOptions,
    ).addTo(map);

    const gaps = L.layerGroup();
    gapLayer.current = gaps;
    if (showGapsRef.current) gaps.addTo(map);
    let drawnGaps = 0;
    for (const g of data.coverageGaps.features) {
      if (!g.geometry) continue;
      const [lng, lat] = g.geometry.coordinates;
      const days = g.properties.daysSinceVisit;
      const text = `${g.properties.name}: ${days === null ? 'never visited' : `not visited for ${days} days`}`;
      const marker = L.circleMarker([lat, lng], {
        radius: 3.5,
        weight: 1.5,
        color: '#ffffff',
        fillColor: '#1f2933',
        fillOpacity: 1,
        className: 'gap',
      }).bindTooltip(tooltipText(text));
      marker.addTo(gaps);
      drawnGaps++;
    }
    el.dataset.cells = String(data.cells.features.length);
    el.dataset.gaps = String(drawnGaps);

    const bounds = cells.current.getBounds();
    for (const b of [
      territories.getBounds(),
      ...gaps.getLayers().map((m) => L.latLngBounds([(m as L.CircleMarker).getLatLng()])),
    ]) {
      if (b.isValid()) bounds.extend(b);
    }
    // Not animated: a report switched away from mid-animation would leave Leaflet a removed map to move.
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 12, animate: false });
    return () => {
      alive = false;
      resize.disconnect();
      cells.current = null;
      gapLayer.current = null;
      mapRef.current = null;
      map.remove();
    };
  }, [data]);

  useEffect(() => {
    const map = mapRef.current;
    const gaps = gapLayer.current;
    if (!map || !gaps) return;
    if (showGaps) gaps.addTo(map);
    else gaps.remove();
  }, [showGaps]);

  useEffect(() => {
    cells.current?.setStyle((f) => {
      const value = (f as unknown as Cell).properties[measure];
      const cls = classOf(value, scale);
      // A cell with activity but none of this measure: an outline only, so "nothing" is visible too.
      return cls < 0
        ? { color: '#9aa5b1', weight: 0.6, opacity: 0.7, fillOpacity: 0 }
        : { color: '#7a1c1c', weight: 0.4, opacity: 0.5, fillColor: colourOf(cls, scale), fillOpacity: 0.75 };
    });
    if (container.current) container.current.dataset.measure = measure;
  }, [measure, scale]);

  return (
    <div class="heatmap-wrap">
      <section ref={container} class="heatmap-map" aria-label="Heat map" data-testid="heatmap-map" />
    </div>
  );
}

function cellText(cell: Cell, currency: string): HTMLElement {
  const p = cell.properties;
  const visits = `${num(p.visits)} ${p.visits === 1 ? 'visit' : 'visits'}`;
  const orders = `${num(p.orders)} ${p.orders === 1 ? 'order' : 'orders'}`;
  return tooltipText(`${visits} · ${orders} · ${money(p.revenueMinor, currency)} (cell ${p.geohash})`);
}
