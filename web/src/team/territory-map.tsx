import type { FeatureCollection } from 'geojson';
import L from 'leaflet';
import { tooltipText } from '../ui/tooltip-text';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadCountries } from '../live/basemap';
import type { Position } from './polygon';
import type { TerritoryRecord } from './team-types';

/** The outline being drawn: its corners, and whether it is finished (then a click splits the nearest edge). */
export interface Draft {
  ring: Position[];
  closed: boolean;
}

export interface DraftHandlers {
  onAdd: (p: Position) => void;
  onMove: (index: number, p: Position) => void;
  onRemove: (index: number) => void;
  onClose: () => void;
}

interface Props {
  territories: TerritoryRecord[];
  selectedId: string | null;
  /** Null when not drawing: the map only shows the territories and picks one on click. */
  draft: Draft | null;
  handlers: DraftHandlers;
  onSelect: (id: string) => void;
}

const SHAPE = { color: '#3d5a80', weight: 1.5, fillColor: '#98c1d9', fillOpacity: 0.18 };
const SELECTED = { color: '#0a58ca', weight: 3, fillColor: '#98c1d9', fillOpacity: 0.3 };
/** How far an arrow key moves a focused corner, in screen pixels. */
const NUDGE_PX = 4;

const latLng = ([lng, lat]: Position) => L.latLng(lat, lng);
const position = (at: L.LatLng): Position => [at.lng, at.lat];

/**
 * Territories on the tile-free basemap, and the outline being drawn: a click adds a corner, a corner
 * drags to move, right-click (or Delete when focused) removes it, arrow keys nudge it. Plain Leaflet
 * layers and markers; no drawing plugin.
 */
export function TerritoryMap({ territories, selectedId, draft, handlers, onSelect }: Props) {
  const container = useRef<HTMLElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const shapes = useRef<L.GeoJSON | null>(null);
  const drawing = useRef<L.LayerGroup | null>(null);
  const latest = useRef({ draft, handlers, onSelect });
  latest.current = { draft, handlers, onSelect };
  const framed = useRef(false);
  const refocus = useRef<number | null>(null);
  const [basemap, setBasemap] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = L.map(el, { zoomSnap: 0.5, attributionControl: true });
    map.attributionControl.setPrefix(false).addAttribution('Natural Earth');
    map.setView([20, 0], 2);
    mapRef.current = map;
    drawing.current = L.layerGroup().addTo(map);
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
        setBasemap('ready');
      })
      .catch(() => alive && setBasemap('error'));
    // Territory shapes let their clicks through to the map (bubbling), so drawing over them works.
    map.on('click', (e: L.LeafletMouseEvent) => {
      if (latest.current.draft) latest.current.handlers.onAdd(position(e.latlng.wrap()));
    });
    return () => {
      alive = false;
      resize.disconnect();
      mapRef.current = null;
      map.remove();
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    shapes.current?.remove();
    const collection: FeatureCollection = {
      type: 'FeatureCollection',
      features: territories
        .filter((t) => t.boundary)
        .map((t) => ({
          type: 'Feature',
          properties: { id: t.id, name: t.name },
          geometry: t.boundary as NonNullable<TerritoryRecord['boundary']>,
        })),
    };
    shapes.current = L.geoJSON(collection, {
      style: (f) => (f?.properties?.id === selectedId ? SELECTED : SHAPE),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(tooltipText(String(f.properties?.name ?? '')), { sticky: true });
        layer.on('click', () => {
          if (!latest.current.draft) latest.current.onSelect(String(f.properties?.id));
        });
      },
    }).addTo(map);
    shapes.current.bringToBack();
    const selected = territories.find((t) => t.id === selectedId)?.boundary;
    const bounds = selected ? L.geoJSON(selected).getBounds() : shapes.current.getBounds();
    // Frame the whole set once, then each territory as it is picked; never while a corner is being placed.
    if (bounds.isValid() && (!framed.current || (selected && !latest.current.draft))) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
      framed.current = true;
    }
  }, [territories, selectedId]);

  useEffect(() => {
    const map = mapRef.current;
    const group = drawing.current;
    if (!map || !group) return;
    group.clearLayers();
    map.getContainer().classList.toggle('drawing', !!draft);
    if (draft) map.doubleClickZoom.disable();
    else map.doubleClickZoom.enable();
    if (!draft) return;
    const points = draft.ring.map(latLng);
    const outline = draft.closed || points.length < 3 ? L.polygon(points) : L.polyline([...points]);
    outline.setStyle({ color: '#0a58ca', weight: 2, dashArray: draft.closed ? '' : '6 4', interactive: false });
    if (!draft.closed && points.length >= 3) {
      group.addLayer(L.polygon(points, { stroke: false, fillColor: '#0a58ca', fillOpacity: 0.12, interactive: false }));
    }
    group.addLayer(outline);
    draft.ring.forEach((p, i) => {
      const first = i === 0 && !draft.closed && draft.ring.length >= 3;
      const corner = L.marker(latLng(p), {
        draggable: true,
        keyboard: true,
        autoPan: true,
        title: first ? 'Corner 1: click to finish the outline' : `Corner ${i + 1} of ${draft.ring.length}`,
        alt: `Corner ${i + 1}`,
        icon: L.divIcon({ className: first ? 'corner corner-first' : 'corner', iconSize: [14, 14] }),
      });
      corner.on('drag', () => {
        const moved = points.map((q, j) => (j === i ? corner.getLatLng() : q));
        (outline as L.Polyline).setLatLngs(moved);
      });
      corner.on('dragend', () => latest.current.handlers.onMove(i, position(corner.getLatLng().wrap())));
      corner.on('contextmenu', () => latest.current.handlers.onRemove(i));
      corner.on('click', () => {
        if (first) latest.current.handlers.onClose();
      });
      group.addLayer(corner);
      const el = corner.getElement();
      if (el) {
        el.dataset.corner = String(i);
        el.addEventListener('keydown', (e) => {
          // The corners are drawn anew after each change: keep the keyboard on this one (or its neighbour).
          if (nudge(map, corner, e)) refocus.current = e.key === 'Delete' || e.key === 'Backspace' ? i - 1 : i;
        });
      }
    });
    const again = refocus.current;
    refocus.current = null;
    if (again !== null) {
      const el = group
        .getLayers()
        .map((l) => (l instanceof L.Marker ? l.getElement() : undefined))
        .find((e) => e?.dataset.corner === String(Math.max(0, again)));
      el?.focus();
    }
  }, [draft]);

  return (
    <div class="map-wrap">
      <section
        ref={container}
        class="map"
        aria-label={draft ? 'Map: click to add a corner of the territory' : 'Map of the territories'}
        data-testid="territory-map"
      />
      {basemap === 'loading' && (
        <p class="map-note muted" aria-busy="true">
          Loading the map…
        </p>
      )}
      {basemap === 'error' && (
        <p class="map-note error" role="alert">
          The basemap could not be loaded; territories still show.
        </p>
      )}
    </div>
  );
}

/** Keyboard editing of a focused corner: Delete removes it, arrow keys move it a few pixels. */
function nudge(map: L.Map, corner: L.Marker, e: KeyboardEvent): boolean {
  const step: Record<string, [number, number]> = {
    ArrowLeft: [-NUDGE_PX, 0],
    ArrowRight: [NUDGE_PX, 0],
    ArrowUp: [0, -NUDGE_PX],
    ArrowDown: [0, NUDGE_PX],
  };
  const d = step[e.key];
  if (d) {
    const at = map.latLngToContainerPoint(corner.getLatLng());
    corner.setLatLng(map.containerPointToLatLng(at.add(L.point(d[0], d[1]))));
    corner.fire('drag');
    corner.fire('dragend');
  } else if (e.key === 'Delete' || e.key === 'Backspace') {
    corner.fire('contextmenu');
  } else {
    return false;
  }
  e.preventDefault();
  e.stopPropagation();
  return true;
}
