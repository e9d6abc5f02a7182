// Page-side instruments of `npm run bench:app`, installed with page.addInitScript before the app loads.
// Times are performance.now(): ms since the navigation started.

/**
 * Marks when each part of the Live screen first shows (checked once per animation frame, so to within a
 * frame): `team` every active salesman listed, `basemap` the country shapes drawn, `socket` the realtime
 * indicator at Live, `interactive` all three, `customers` the customer layer drawn. Also restores a
 * session: the tab's refresh token in sessionStorage, as a reload of a signed-in tab has it.
 */
export function liveProbe({ teamSize, session }) {
  if (session) sessionStorage.setItem('fieldline.session', JSON.stringify(session));
  const marks = {};
  window.__bench = { marks };
  const mark = (name) => {
    if (!(name in marks)) marks[name] = performance.now();
  };
  const tick = () => {
    if (document.querySelectorAll('[data-testid="team"] li').length >= teamSize) mark('team');
    if (document.querySelector('.leaflet-basemap-pane path')) mark('basemap');
    if (document.querySelector('[data-testid="connection"][data-state="open"]')) mark('socket');
    if ('team' in marks && 'basemap' in marks && 'socket' in marks) mark('interactive');
    if (document.querySelector('[data-testid="customers-toggle"][data-state="ready"]')) mark('customers');
    if (!('interactive' in marks && 'customers' in marks)) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Resolves with the wall-clock and navigation-relative time the salesman's marker reaches `lat`. */
export function markerMoved({ salesmanId, lat }) {
  return new Promise((resolve) => {
    // The map's list of the salesmen it drew (its canvas has no element per marker): data-lat is the fix drawn.
    const selector = `[data-testid="map-salesmen"] li[data-salesman-id="${salesmanId}"]`;
    const check = () => {
      const el = document.querySelector(selector);
      if (el && Number(el.dataset.lat) === lat) {
        resolve({ wall: Date.now(), sinceNavigation: performance.now() });
        return true;
      }
      return false;
    };
    if (check()) return;
    const observer = new MutationObserver(() => check() && observer.disconnect());
    observer.observe(document.querySelector('[data-testid="live-map"]'), {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-lat'],
    });
  });
}

/**
 * Counts, for `seconds`, the animation frames (the page's frame rate), the frames per whole second,
 * the salesmen's marker moves (data-lat changes of the map's list of the salesmen it drew, written when
 * a frame draws them) and the long tasks (main thread busy ≥ 50 ms).
 */
export function measureFrames({ seconds }) {
  return new Promise((resolve) => {
    let frames = 0;
    let moves = 0;
    let longTasks = 0;
    let longTaskMs = 0;
    let worstGapMs = 0;
    const perSecond = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) if (r.attributeName === 'data-lat') moves++;
    });
    observer.observe(document.querySelector('[data-testid="live-map"]'), {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-lat'],
    });
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        longTasks++;
        longTaskMs += e.duration;
      }
    });
    try {
      tasks.observe({ type: 'longtask', buffered: false });
    } catch {}
    const start = performance.now();
    let last = start;
    let second = 0;
    let inSecond = 0;
    const frame = (now) => {
      frames++;
      worstGapMs = Math.max(worstGapMs, now - last);
      last = now;
      const s = Math.floor((now - start) / 1000);
      if (s > second) {
        perSecond.push(inSecond);
        inSecond = 0;
        second = s;
      }
      inSecond++;
      if (now - start < seconds * 1000) return requestAnimationFrame(frame);
      observer.disconnect();
      tasks.disconnect();
      const elapsed = (now - start) / 1000;
      resolve({
        fps: frames / elapsed,
        perSecond,
        moves,
        movesPerSecond: moves / elapsed,
        longTasks,
        longTaskMs,
        worstGapMs,
      });
    };
    requestAnimationFrame(frame);
  });
}

/**
 * Bytes the page fetched (transfer sizes: 0 for a file served from the HTTP cache, headers only for a
 * 304), split into the app's own files (/app/…) and the API's answers (/v1/…).
 */
export function transferred() {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const bytes = { app: 0, api: 0, cached: 0, files: 0 };
  for (const e of entries) {
    const path = new URL(e.name).pathname;
    const size = e.transferSize ?? 0;
    if (path.startsWith('/v1/')) bytes.api += size;
    else {
      bytes.app += size;
      bytes.files++;
      // A file the HTTP cache answered without asking the server.
      if (size === 0 && (e.decodedBodySize ?? 0) > 0) bytes.cached++;
    }
  }
  return bytes;
}
