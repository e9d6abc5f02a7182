import type { PresenceStatus } from '@fieldline/client';
import L from 'leaflet';
import { nearest } from './hit-test';
import type { LiveSalesman } from './live-model';
import { type FrameRequest, onePerFrame } from './one-per-frame';
import { PRESENCE } from './presence';
import './salesman-layer.css';
import { DOT_HIT_PX, extendTrail, type PaintedSalesman, paintSalesmen, type TrailFix } from './salesman-canvas';

/** A fix with its point projected at the zoom the layer last drew (absolute pixels at that zoom). */
interface ProjectedFix extends TrailFix {
  x: number;
  y: number;
}

interface Member {
  id: string;
  name: string;
  status: PresenceStatus;
  /** Oldest first; the last fix is where his dot is. */
  trail: ProjectedFix[];
  /** His entry in the list of the salesmen on the map: what is drawn for him, and where. */
  item: HTMLLIElement;
}

/** How far the canvas reaches past each side of the view (a share of its size), as Leaflet's renderers do. */
const PADDING = 0.1;

/**
 * The located salesmen on one canvas: a dot in his presence colour with a white ring, over a trail of
 * his last fixes fading with age. Hundreds of SVG markers moved a second each cost the map most of its
 * frames; here a fix only records the point, and the canvas is redrawn at most once per animation frame
 * for all the fixes that came meanwhile, and when the map stops moving or zooming.
 *
 * The canvas takes pointer events only while the pointer is on a salesman (hit-tested on the map's own
 * mouse events), so the territories underneath keep their tooltips. Hovering or clicking (tapping) a dot
 * shows his name, as the SVG markers' tooltips did. The map also keeps a visually hidden list of the
 * salesmen it draws (name and presence for screen readers; the drawn fix and the dot's place on the
 * canvas as data attributes, for the browser test and the benchmark).
 */
export class SalesmanLayer {
  readonly #map: L.Map;
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #list: HTMLUListElement;
  readonly #tooltip = L.tooltip({ direction: 'auto' });
  readonly #tooltipText = document.createElement('span');
  readonly #members = new Map<string, Member>();
  readonly #frame: FrameRequest;
  /**
   * The canvas's top-left corner in layer pixels and in projected pixels at its zoom, and the view it
   * was placed for. Fixes are drawn in that frame until the canvas is placed again, also while a zoom
   * animation scales it (the map's own zoom and pixel origin are the new ones by then).
   */
  #min = L.point(0, 0);
  #origin = L.point(0, 0);
  #center: L.LatLng;
  #zoom: number;
  #ratio = 1;
  /** The zoom the trails' points are projected at. */
  #projectedZoom: number;
  /** The dots as last drawn (canvas pixels), in drawing order, for hit testing. */
  #drawn: Member[] = [];
  #drawnAt: { x: number; y: number }[] = [];
  #hovered: Member | null = null;
  #zooming = false;

  constructor(map: L.Map) {
    this.#map = map;
    const pane = map.getPane('salesmen') ?? map.createPane('salesmen');
    // Above the territories (overlay pane, 400), under Leaflet's markers, tooltips and popups.
    pane.style.zIndex = '450';
    pane.style.pointerEvents = 'none';
    this.#canvas = L.DomUtil.create('canvas', 'salesman-canvas leaflet-zoom-animated', pane);
    const ctx = this.#canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas');
    this.#ctx = ctx;
    this.#list = L.DomUtil.create('ul', 'salesman-list', map.getContainer());
    this.#list.setAttribute('aria-label', 'Salesmen on the map');
    this.#list.dataset.testid = 'map-salesmen';
    this.#tooltipText.dataset.testid = 'salesman-tooltip';
    this.#tooltip.setContent(this.#tooltipText);
    this.#center = map.getCenter();
    this.#zoom = map.getZoom();
    this.#projectedZoom = this.#zoom;
    this.#frame = onePerFrame(() => this.#draw());
    map.on({ moveend: this.#fitCanvas, resize: this.#fitCanvas, viewreset: this.#fitCanvas, zoom: this.#onZoom });
    map.on('zoomanim', this.#onZoomAnim);
    const container = map.getContainer();
    container.addEventListener('mousemove', this.#onPointer);
    container.addEventListener('click', this.#onPointer);
    container.addEventListener('mouseleave', this.#onLeave);
    this.#fitCanvas();
  }

  /** Records the salesmen's new positions (and presence); the canvas follows at the next frame. */
  place(moved: Iterable<LiveSalesman>): void {
    let changed = false;
    for (const s of moved) {
      if (!s.location) continue;
      const member = this.#members.get(s.id) ?? this.#add(s);
      const { lat, lng, ts } = s.location;
      const at = this.#map.project([lat, lng], this.#projectedZoom);
      changed = extendTrail(member.trail, { lat, lng, ts, x: at.x, y: at.y }) || changed;
      changed = restyle(member, s) || changed;
    }
    if (changed) this.#frame.schedule();
  }

  /** Follows the team: presence and names changed, salesmen gone (deactivated) taken off the map. */
  sync(team: ReadonlyMap<string, LiveSalesman>): void {
    let changed = false;
    for (const member of this.#members.values()) {
      const s = team.get(member.id);
      if (s) changed = restyle(member, s) || changed;
      else {
        this.#remove(member);
        changed = true;
      }
    }
    if (changed) this.#frame.schedule();
  }

  /** The bounds of the salesmen's positions, or null when none is located. */
  bounds(): L.LatLngBounds | null {
    if (this.#members.size === 0) return null;
    return L.latLngBounds([...this.#members.values()].map((m) => lastFix(m) as ProjectedFix));
  }

  /** The id of the salesman whose dot is under the pointer, or null. */
  hitAt(e: MouseEvent): string | null {
    return this.#hit(e)?.id ?? null;
  }

  destroy(): void {
    this.#frame.cancel();
    const map = this.#map;
    map.off({ moveend: this.#fitCanvas, resize: this.#fitCanvas, viewreset: this.#fitCanvas, zoom: this.#onZoom });
    map.off('zoomanim', this.#onZoomAnim);
    const container = map.getContainer();
    container.removeEventListener('mousemove', this.#onPointer);
    container.removeEventListener('click', this.#onPointer);
    container.removeEventListener('mouseleave', this.#onLeave);
    map.closeTooltip(this.#tooltip);
    this.#canvas.remove();
    this.#list.remove();
    this.#members.clear();
  }

  #add(s: LiveSalesman): Member {
    const item = document.createElement('li');
    item.dataset.salesmanId = s.id;
    this.#list.append(item);
    const member: Member = { id: s.id, name: '', status: s.status, trail: [], item };
    this.#members.set(s.id, member);
    return member;
  }

  #remove(member: Member): void {
    member.item.remove();
    this.#members.delete(member.id);
    if (this.#hovered === member) this.#hover(null);
  }

  /** Sizes and places the canvas over the view (and its padding), then draws at once. */
  #fitCanvas = (): void => {
    const map = this.#map;
    const size = map.getSize();
    const min = map.containerPointToLayerPoint(size.multiplyBy(-PADDING)).round();
    const box = size.multiplyBy(1 + 2 * PADDING).round();
    this.#min = min;
    this.#origin = map.getPixelOrigin().add(min);
    this.#center = map.getCenter();
    this.#zoom = map.getZoom();
    this.#zooming = false;
    L.DomUtil.setPosition(this.#canvas, min);
    const ratio = L.Browser.retina ? 2 : 1;
    const canvas = this.#canvas;
    if (canvas.width !== box.x * ratio || canvas.height !== box.y * ratio) {
      canvas.width = box.x * ratio;
      canvas.height = box.y * ratio;
      canvas.style.width = `${box.x}px`;
      canvas.style.height = `${box.y}px`;
    }
    this.#ratio = ratio;
    this.#frame.flush();
  };

  #onZoomAnim = (e: L.ZoomAnimEvent): void => this.#scaleTo(e.center, e.zoom);

  #onZoom = (): void => this.#scaleTo(this.#map.getCenter(), this.#map.getZoom());

  /**
   * Scales the canvas to a zoom in progress, as Leaflet's own renderers do. Until the zoom ends (moveend)
   * the dots are not hit-tested: the pointer is over the scaled picture.
   */
  #scaleTo(center: L.LatLng, zoom: number): void {
    const map = this.#map;
    if (zoom !== this.#zoom) {
      this.#zooming = true;
      this.#hover(null);
    }
    const scale = map.getZoomScale(zoom, this.#zoom);
    const viewHalf = map.getSize().multiplyBy(0.5 + PADDING);
    // Leaflet's renderers use this private method too; its public API has no equivalent.
    const origin = (map as unknown as { _getNewPixelOrigin(c: L.LatLng, z: number): L.Point })._getNewPixelOrigin(
      center,
      zoom,
    );
    const topLeft = viewHalf.multiplyBy(-scale).add(map.project(this.#center, zoom)).subtract(origin);
    L.DomUtil.setTransform(this.#canvas, topLeft, scale);
  }

  #draw(): void {
    const map = this.#map;
    const zoom = this.#zoom;
    if (zoom !== this.#projectedZoom) {
      for (const m of this.#members.values()) {
        for (const fix of m.trail) {
          const at = map.project([fix.lat, fix.lng], zoom);
          fix.x = at.x;
          fix.y = at.y;
        }
      }
      this.#projectedZoom = zoom;
    }
    // Projected pixels → canvas pixels.
    const { x: ox, y: oy } = this.#origin;
    const ctx = this.#ctx;
    ctx.setTransform(this.#ratio, 0, 0, this.#ratio, 0, 0);
    ctx.clearRect(0, 0, this.#canvas.width, this.#canvas.height);

    const painted: PaintedSalesman[] = [];
    const drawn: Member[] = [];
    const drawnAt: { x: number; y: number }[] = [];
    for (const m of this.#members.values()) {
      const fix = lastFix(m);
      if (!fix) continue;
      painted.push({ colour: PRESENCE[m.status].colour, points: m.trail });
      drawn.push(m);
      drawnAt.push({ x: fix.x - ox, y: fix.y - oy });
      describe(m, fix, fix.x - ox, fix.y - oy);
    }
    paintSalesmen(ctx, painted, ox, oy);
    this.#drawn = drawn;
    this.#drawnAt = drawnAt;
    // His name follows him while it shows.
    const hovered = this.#hovered;
    const at = hovered && lastFix(hovered);
    if (hovered && at) {
      if (this.#tooltipText.textContent !== hovered.name) this.#tooltipText.textContent = hovered.name;
      this.#tooltip.setLatLng([at.lat, at.lng]);
    }
  }

  #hit(e: MouseEvent): Member | null {
    if (this.#zooming || this.#drawn.length === 0) return null;
    const at = this.#map.mouseEventToLayerPoint(e).subtract(this.#min);
    return this.#drawn[nearest(this.#drawnAt, at.x, at.y, DOT_HIT_PX)] ?? null;
  }

  #onPointer = (e: MouseEvent): void => {
    // A button held down is a pan in progress (or its end): no hovering then.
    if (e.type === 'mousemove' && e.buttons !== 0) return;
    if (e.type === 'click' && mapWasDragged(this.#map)) return;
    this.#hover(this.#hit(e));
  };

  #onLeave = (): void => this.#hover(null);

  #hover(member: Member | null): void {
    if (member === this.#hovered) return;
    this.#hovered = member;
    // On a dot the canvas takes the pointer (a pointer cursor; the territory underneath loses its hover).
    this.#canvas.style.pointerEvents = member ? 'auto' : '';
    this.#canvas.classList.toggle('leaflet-interactive', member !== null);
    const fix = member && lastFix(member);
    if (!member || !fix) {
      this.#map.closeTooltip(this.#tooltip);
      return;
    }
    this.#tooltipText.textContent = member.name;
    this.#tooltip.setLatLng([fix.lat, fix.lng]);
    this.#map.openTooltip(this.#tooltip);
  }
}

function lastFix(member: Member): ProjectedFix | undefined {
  return member.trail[member.trail.length - 1];
}

/** True when his name or presence changed (his colour, his tooltip). */
function restyle(member: Member, s: LiveSalesman): boolean {
  if (member.name === s.name && member.status === s.status) return false;
  member.name = s.name;
  member.status = s.status;
  return true;
}

/** Writes what was drawn for him into his list entry: only what changed, each write being a DOM mutation. */
function describe(member: Member, fix: TrailFix, x: number, y: number): void {
  const item = member.item;
  const data = item.dataset;
  const text = `${member.name}, ${PRESENCE[member.status].label}`;
  if (item.textContent !== text) item.textContent = text;
  const set = (key: string, value: string) => {
    if (data[key] !== value) data[key] = value;
  };
  set('status', member.status);
  set('lat', String(fix.lat));
  set('lng', String(fix.lng));
  set('canvasX', x.toFixed(1));
  set('canvasY', y.toFixed(1));
}

/** Leaflet's Draggable knows whether the pointer moved the map before a click; its type does not say. */
function mapWasDragged(map: L.Map): boolean {
  return (map.dragging as unknown as { moved?: () => boolean } | undefined)?.moved?.() ?? false;
}
