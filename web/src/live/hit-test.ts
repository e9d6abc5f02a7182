/** The index of the point nearest to (x, y) within `maxPx`, or -1; on a tie the one drawn last (on top). */
export function nearest(points: readonly { x: number; y: number }[], x: number, y: number, maxPx: number): number {
  let best = -1;
  let bestSq = maxPx * maxPx;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as { x: number; y: number };
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bestSq) {
      best = i;
      bestSq = d;
    }
  }
  return best;
}
