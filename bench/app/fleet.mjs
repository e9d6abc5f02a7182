// The salesmen of `npm run bench:app`: the demo tenant's 20 salesman users, plus users and profiles
// created for the bench up to the number asked for, each with a realtime socket sending GPS fixes.
import WebSocket from 'ws';
import { call } from '../lib.mjs';

const PASSWORD = 'bench-app-password-42';
const round6 = (n) => Math.round(n * 1e6) / 1e6;

/** Logs in (or creates) `count` salesmen of the demo tenant; each gets a home spot in a territory. */
export async function prepareFleet(base, owner, count, demoPassword) {
  const territories = (await call(base, 'GET', '/v1/territories?limit=100', undefined, owner.accessToken)).data;
  const login = (email, password) => call(base, 'POST', '/v1/auth/login', { email, password });
  // The bench's users of an earlier run (--reuse-state) sign in; the others are created. Never probed by a
  // sign-in: failed sign-ins from one address are throttled.
  const existing = new Set();
  for (let cursor = null; ; ) {
    const page = await call(
      base,
      'GET',
      `/v1/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      owner.accessToken,
    );
    for (const u of page.data) existing.add(u.email);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const fleet = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const n = i + 1;
      let session;
      if (n <= 20) {
        session = await login(`salesman${n}@demo.fieldline.test`, demoPassword);
      } else {
        const email = `bench-rep${n}@demo.fieldline.test`;
        session = existing.has(email) ? await login(email, PASSWORD) : null;
        if (!session) {
          const user = await call(
            base,
            'POST',
            '/v1/users',
            { email, name: `Bench Rep ${n}`, role: 'salesman', password: PASSWORD },
            owner.accessToken,
          );
          const territory = territories[i % territories.length];
          await call(
            base,
            'POST',
            '/v1/salesmen',
            { name: `Bench Rep ${n}`, employeeCode: `BENCH-${n}`, userId: user.id, territoryId: territory?.id ?? null },
            owner.accessToken,
          );
          session = await login(email, PASSWORD);
        }
      }
      fleet[i] = { n, token: session.accessToken, territories };
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return fleet;
}

/** Opens every salesman's socket (resolved once each has its welcome) and places him in a territory. */
export async function connectFleet(base, fleet) {
  const url = `${base.replace('http', 'ws')}/v1/realtime`;
  await Promise.all(
    fleet.map(
      (s, i) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(s.token)}`);
          const timer = setTimeout(() => reject(new Error(`salesman ${s.n}: no welcome`)), 20_000);
          ws.on('message', (data) => {
            const frame = JSON.parse(String(data));
            if (frame.type !== 'welcome') return;
            clearTimeout(timer);
            s.ws = ws;
            s.id = frame.you.salesmanId;
            s.home = homeOf(s.territories, i);
            s.lastSentAt = 0;
            resolve();
          });
          ws.on('error', reject);
        }),
    ),
  );
}

/** A spot near the middle of his territory, apart from the others'. */
function homeOf(territories, i) {
  const t = territories[i % Math.max(1, territories.length)];
  const b = t?.boundary;
  const ring = b?.type === 'MultiPolygon' ? b.coordinates[0][0] : b?.coordinates[0];
  const [lng, lat] = ring
    ? ring.reduce(([x, y], [px, py]) => [x + px / ring.length, y + py / ring.length], [0, 0])
    : [13.4, 52.52];
  return { lat: lat + 0.04 * Math.sin(i * 2.4), lng: lng + 0.06 * Math.cos(i * 2.4) };
}

/** One fix: on a small circle around his home, a step further on each call. Answers what was sent. */
export function sendFix(s) {
  s.step = (s.step ?? 0) + 1;
  const step = s.step;
  const fix = {
    lat: round6(s.home.lat + 0.004 * Math.sin(step / 3)),
    lng: round6(s.home.lng + 0.006 * Math.cos(step / 3)),
    accuracy: 8,
    ts: Date.now(),
  };
  s.ws.send(JSON.stringify({ type: 'location', ...fix }));
  s.lastSentAt = Date.now();
  return fix;
}

/** Every salesman sends a fix a second, spread evenly over the second; answers a stop function. */
export function streamFleet(fleet) {
  const timers = fleet.map((s, i) =>
    setTimeout(
      () => {
        sendFix(s);
        s.interval = setInterval(() => sendFix(s), 1000);
      },
      Math.floor((i * 1000) / fleet.length),
    ),
  );
  return () => {
    for (const t of timers) clearTimeout(t);
    for (const s of fleet) clearInterval(s.interval);
  };
}

export function closeFleet(fleet) {
  for (const s of fleet) s.ws?.close();
}
