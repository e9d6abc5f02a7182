import L from 'leaflet';
import type { CustomerPoint } from './customer-points';
import { nearest } from './hit-test';

export { CUSTOMER_CAP, loadCustomerPoints } from './customer-points';

/** Violet: apart from the presence colours of the salesmen drawn above them. */
export const CUSTOMER_COLOUR = '#6d3fc0';
/** A click this close to a customer's dot (screen pixels) opens him. */
const HIT_PX = 7;

/**
 * The tenant's customers as dots on one canvas (a few thousand SVG elements would make every pan and
 * zoom slow), in a pane under the territories and the salesmen. The canvas takes no pointer events, so
 * the territories' tooltips keep theirs; a click on the map is matched to the nearest customer here
 * instead, in projected pixels cached per zoom level, unless `claimed` says it is another layer's (a
 * salesman's dot above them).
 */
export class CustomerLayer {
  readonly #map: L.Map;
  readonly #points: CustomerPoint[];
  readonly #group: L.LayerGroup;
  readonly #projected = new Map<number, L.Point[]>();
  readonly #claimed: (e: MouseEvent) => boolean;
  #shown = false;

  constructor(map: L.Map, points: CustomerPoint[], claimed: (e: MouseEvent) => boolean = () => false) {
    this.#map = map;
    this.#points = points;
    this.#claimed = claimed;
    if (!map.getPane('customers')) {
      const pane = map.createPane('customers');
      pane.style.zIndex = '350';
      pane.style.pointerEvents = 'none';
    }
    const renderer = L.canvas({ pane: 'customers', padding: 0.3 });
    this.#group = L.layerGroup(
      points.map((p) =>
        L.circleMarker([p.lat, p.lng], {
          renderer,
          pane: 'customers',
          radius: 4,
          weight: 1,
          color: '#ffffff',
          fillColor: CUSTOMER_COLOUR,
          fillOpacity: 1,
          interactive: false,
        }),
      ),
    );
  }

  get count(): number {
    return this.#points.length;
  }

  show(on: boolean): void {
    if (on === this.#shown) return;
    this.#shown = on;
    const container = this.#map.getContainer();
    if (on) {
      this.#group.addTo(this.#map);
      L.DomEvent.on(container, 'click', this.#onClick as L.DomEvent.EventHandlerFn);
    } else {
      this.#group.remove();
      this.#map.closePopup();
      L.DomEvent.off(container, 'click', this.#onClick as L.DomEvent.EventHandlerFn);
    }
  }

  /** The bounds of the customers, for framing a map that has neither territories nor salesmen. */
  bounds(): L.LatLngBounds | null {
    if (this.#points.length === 0) return null;
    return L.latLngBounds(this.#points.map((p) => [p.lat, p.lng] as [number, number]));
  }

  destroy(): void {
    this.show(false);
  }

  #onClick = (e: MouseEvent): void => {
    const map = this.#map;
    // A click that ends a pan is not a click on a customer (Leaflet's Draggable knows; its type does not say).
    if ((map.dragging as unknown as { moved?: () => boolean } | undefined)?.moved?.()) return;
    const target = e.target instanceof Element ? e.target : null;
    // Controls, popups and the salesmen's dots keep their clicks.
    if (target?.closest('.leaflet-control, .leaflet-popup') || this.#claimed(e)) return;
    const zoom = map.getZoom();
    const at = map.project(map.mouseEventToLatLng(e), zoom);
    const i = nearest(this.#projectedAt(zoom), at.x, at.y, HIT_PX);
    const customer = this.#points[i];
    if (!customer) return;
    L.popup({ offset: [0, -2] })
      .setLatLng([customer.lat, customer.lng])
      .setContent(popupContent(customer))
      .openOn(map);
  };

  #projectedAt(zoom: number): L.Point[] {
    let projected = this.#projected.get(zoom);
    if (!projected) {
      projected = this.#points.map((p) => this.#map.project([p.lat, p.lng], zoom));
      this.#projected.set(zoom, projected);
    }
    return projected;
  }
}

/** Built as DOM nodes, so a customer's name is text, never markup. */
function popupContent(c: CustomerPoint): HTMLElement {
  const box = document.createElement('div');
  box.className = 'customer-popup';
  box.dataset.testid = 'customer-popup';
  box.dataset.customerId = c.id;
  const name = document.createElement('strong');
  name.textContent = c.name;
  const city = document.createElement('span');
  city.className = 'muted';
  city.textContent = c.city ?? 'No city given';
  box.append(name, document.createElement('br'), city);
  return box;
}
