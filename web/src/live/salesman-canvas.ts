// The plain parts of the salesmen's canvas on the Live map (salesman-layer.ts): the dot, the trail of his
// last fixes and its fade.

/**
 * A salesman's dot: its radius and its white ring (CSS pixels, the ring centred on the dot's edge). A
 * pointer on the dot, its ring or a pixel beyond is on him.
 */
export const DOT_RADIUS = 7;
export const RING_WIDTH = 2;
export const DOT_HIT_PX = DOT_RADIUS + RING_WIDTH;
const TRAIL_WIDTH = 2.5;

/** One fix of a salesman's trail: where and when (ms since the epoch). */
export interface TrailFix {
  lat: number;
  lng: number;
  ts: number;
}

/** Fixes kept per salesman for his trail. */
export const TRAIL_LENGTH = 20;
/** The newest segment of a trail and the oldest one a trail keeps: older segments fade out between them. */
const NEWEST_ALPHA = 0.75;
const OLDEST_ALPHA = 0.06;

/**
 * Appends `fix` to `trail`, keeping the newest `max` fixes. False, and the trail unchanged, for a fix
 * older than the last one or at the same place (the team read again over REST hands every position
 * over a second time; a salesman standing still adds no segment).
 */
export function extendTrail<T extends TrailFix>(trail: T[], fix: T, max = TRAIL_LENGTH): boolean {
  const last = trail.at(-1);
  if (last && (fix.ts < last.ts || (fix.lat === last.lat && fix.lng === last.lng))) return false;
  trail.push(fix);
  if (trail.length > max) trail.splice(0, trail.length - max);
  return true;
}

/**
 * The opacity of the trail segment `age` steps back from the newest (0), fading linearly to the
 * oldest one a trail of `max` fixes keeps; 0 beyond it. By fixes, not by time: a trail only changes
 * when its salesman sends a fix, so nothing needs redrawing while nobody moves.
 */
export function segmentAlpha(age: number, max = TRAIL_LENGTH): number {
  const segments = max - 1;
  if (!Number.isInteger(age) || age < 0 || age >= segments) return 0;
  if (segments === 1) return NEWEST_ALPHA;
  return NEWEST_ALPHA - ((NEWEST_ALPHA - OLDEST_ALPHA) * age) / (segments - 1);
}

/**
 * The segments of trails of projected points (oldest first) grouped by age, newest first: group `age`
 * holds [x1, y1, x2, y2] of every trail's segment that many steps back, so a canvas strokes each age
 * (one opacity) once for all the trails instead of once per segment.
 */
export function segmentsByAge(
  trails: readonly (readonly { x: number; y: number }[])[],
  max = TRAIL_LENGTH,
): number[][] {
  const groups: number[][] = Array.from({ length: max - 1 }, () => []);
  for (const points of trails) {
    for (let age = 0; age < max - 1; age++) {
      const to = points[points.length - 1 - age];
      const from = points[points.length - 2 - age];
      if (!from || !to) break;
      (groups[age] as number[]).push(from.x, from.y, to.x, to.y);
    }
  }
  return groups;
}

/** What of a 2D canvas context the salesmen are painted with. */
export interface Pen {
  globalAlpha: number;
  lineWidth: number;
  lineCap: CanvasLineCap;
  lineJoin: CanvasLineJoin;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  fillStyle: string | CanvasGradient | CanvasPattern;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  fill(): void;
  stroke(): void;
}

/** A salesman to paint: his colour and his trail's points, oldest first; his dot is at the last one. */
export interface PaintedSalesman {
  colour: string;
  points: readonly { x: number; y: number }[];
}

/**
 * Paints the trails, then the dots on top of them (in the order given: the last one on top), each point
 * moved by (-dx, -dy). One stroke per colour and age for the trails, however many salesmen there are.
 */
export function paintSalesmen(pen: Pen, salesmen: readonly PaintedSalesman[], dx: number, dy: number): void {
  const byColour = new Map<string, (readonly { x: number; y: number }[])[]>();
  for (const s of salesmen) {
    const trails = byColour.get(s.colour);
    if (trails) trails.push(s.points);
    else byColour.set(s.colour, [s.points]);
  }
  pen.lineWidth = TRAIL_WIDTH;
  // Butt ends: the ends of two segments of different ages do not overlap into a darker bead.
  pen.lineCap = 'butt';
  pen.lineJoin = 'round';
  for (const [colour, trails] of byColour) {
    pen.strokeStyle = colour;
    segmentsByAge(trails).forEach((segments, age) => {
      if (segments.length === 0) return;
      pen.globalAlpha = segmentAlpha(age);
      pen.beginPath();
      for (let i = 0; i < segments.length; i += 4) {
        pen.moveTo((segments[i] as number) - dx, (segments[i + 1] as number) - dy);
        pen.lineTo((segments[i + 2] as number) - dx, (segments[i + 3] as number) - dy);
      }
      pen.stroke();
    });
  }
  pen.globalAlpha = 1;
  pen.lineWidth = RING_WIDTH;
  pen.strokeStyle = '#ffffff';
  for (const s of salesmen) {
    const at = s.points[s.points.length - 1];
    if (!at) continue;
    pen.beginPath();
    pen.arc(at.x - dx, at.y - dy, DOT_RADIUS, 0, 2 * Math.PI);
    pen.fillStyle = s.colour;
    pen.fill();
    pen.stroke();
  }
}
