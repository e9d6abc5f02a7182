// `npm run test:browser`: the web app in a real browser (Debian's Chromium through playwright-core) against
// the Worker as it ships, with the demo tenant on a fresh local D1:
//   1. builds the web app into public/app (what `npm start` serves at /app) and the Worker bundle,
//   2. applies the migrations to a fresh state under .wrangler/browser-test and seeds a smaller demo tenant,
//   3. serves the bundle with its static assets from one workerd process (bench/serve-worker.mjs),
//   4. signs in as the demo owner through a deep link, checks the Live screen lists the seeded salesmen,
//      a few salesmen send GPS fixes over the realtime socket and the owner's map shows them, then one
//      of them moves and his marker follows (the map's canvas draws his dot where the map projects the new
//      fix, not where he was; hovering or tapping it names him); he takes an order over REST, which shows in the live feed
//      and changes today's revenue tile; a second page loses the network (its socket closed, reconnects
//      refused while offline) while 3 orders are taken, and once back its indicator is live again and each
//      order is in the feed exactly once (resumed from its last seq); the customers are drawn (a canvas), a click on one names him and
//      his city, and the layer toggle hides them; a viewer sees the screen without its write buttons,
//   5. opens that salesman's screen from the team list (his check-in with its verdict, his order), then
//      Reports: the sales performance table, and its CSV and PDF downloads (a CSV header line, %PDF), and
//      every other report's table; the heat map's cells painted, its coverage gaps as markers, its legend
//      following the measure,
//   6. Team: every user listed with his role; a salesman profile without a user invited by e-mail from its
//      row; a territory drawn by clicking corners on the map and saved
//      (read back over the API as a closed GeoJSON Polygon); Settings: the check-in radius changed and saved;
//      a viewer reads both screens without any write control,
//   7. a new organisation signs up; its owner signs in at /app and lands on Getting started (0/7); loads
//      the sample data (its counts shown, its salesmen on Live) and removes it again (gone); saving
//      the settings and importing a CSV of customers with 3 invalid rows (listed, and in the downloaded
//      error report) tick their steps,
//      the products report's PDF with six products renamed in Polish, Russian, Greek, Japanese, Korean and
//      Chinese, read back by
//      pdftotext (every name whole, money as de-DE writes it) and its first page rendered by pdftoppm; the
//      report e-mail's HTML at 390 and 1,200 px, never scrolling sideways,
//   8. saves screenshots of the Live, Salesman, Reports, Heat map, Team, Settings, Import and Getting started
//      screens: .wrangler/browser-test/{live,salesman,reports,heatmap,team,settings,import,onboarding}.png, or the ones the
//      README shows (docs/screenshots/) with `npm run test:browser -- --screenshots`, with the report PDF's
//      first page and the report e-mail at phone and desktop widths.
// Exits non-zero on the first failed check, with a screenshot of the page in .wrangler/browser-test/
// failure.png. CHROMIUM overrides the browser (default /usr/bin/chromium;
// `apt-get install -y chromium` on Debian). HEADED=1 shows the window.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { chromium } from 'playwright-core';
import PostalMime from 'postal-mime';
import { buildWorker, call, freePort, freshDatabase, startServer, stopAll, waitFor } from '../bench/lib.mjs';
import { DEMO_LOGINS } from './seed.mjs';

const root = join(import.meta.dirname, '..');
const work = join(root, '.wrangler', 'browser-test');
const stateDir = join(work, 'state');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const screenshots = process.argv.includes('--screenshots') ? join(root, 'docs', 'screenshots') : work;
const shot = (name) => join(screenshots, `${name}.png`);
/** Salesmen who go online and send fixes: enough for a map worth a screenshot, few enough to be quick. */
const FIELD_TEAM = 14;
/** The Live map's colour of a salesman online (web/src/live/presence.ts). */
const ONLINE_RGB = [0x1a, 0x7f, 0x37];

if (!existsSync(executablePath)) {
  console.error(
    `test:browser: no browser at ${executablePath}; install one (apt-get install -y chromium) or set CHROMIUM`,
  );
  process.exit(1);
}

const started = Date.now();
const log = (message) => console.log(`test:browser: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

let browser;
let exitCode = 0;
const sockets = [];
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: join(root, 'web'),
      stdio: 'inherit',
    },
  );
  const config = buildWorker(join(root, 'wrangler.jsonc'), join(work, 'build'));
  log('built the web app and the Worker');

  freshDatabase(stateDir);
  execFileSync(
    process.execPath,
    [join(root, 'scripts', 'seed.mjs'), `--persist-to=${stateDir}`, '--orders=3000', '--customers=300', '--quiet'],
    { cwd: root, stdio: 'ignore' },
  );
  log('migrated and seeded a fresh local D1');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // E-mail links point at this server; what the send_email binding takes is kept for the test to read.
  const mailLog = join(work, 'sent-mail.log');
  rmSync(mailLog, { force: true });
  startServer({ config, port, stateDir, mailLog, vars: { PUBLIC_BASE_URL: base } });
  await waitFor(`${base}/health`);
  log(`serving at ${base}`);

  // What the screen should show, read over the API.
  const owner = await call(base, 'POST', '/v1/auth/login', {
    email: DEMO_LOGINS.owner,
    password: DEMO_LOGINS.password,
  });
  const salesmen = (await call(base, 'GET', '/v1/salesmen?limit=100', undefined, owner.accessToken)).data.filter(
    (s) => s.active,
  );
  const territories = (await call(base, 'GET', '/v1/territories?limit=100', undefined, owner.accessToken)).data;
  check(salesmen.length >= FIELD_TEAM, `the demo tenant has salesmen (${salesmen.length})`);

  browser = await chromium.launch({
    executablePath,
    headless: !process.env.HEADED,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // The app must not reach for anything off this origin (fonts, tiles, CDNs).
  page.on('request', (req) => {
    // blob: is a download made here (a report export fetched with the token).
    if (!req.url().startsWith(base) && !/^(data|blob):/.test(req.url()))
      pageErrors.push(`request off origin: ${req.url()}`);
  });

  // A deep link is served the app, which asks to sign in first.
  await page.goto(`${base}/app/live`);
  await page.getByLabel('Email').fill(DEMO_LOGINS.owner);
  await page.getByLabel('Password').fill(DEMO_LOGINS.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('live-screen').waitFor();
  log('signed in as the demo owner');

  const rows = page.locator('[data-testid="team"] li');
  await waitUntil(async () => (await rows.count()) === salesmen.length, 'the team list has every active salesman');
  const listed = await rows.locator('.team-name').allInnerTexts();
  for (const s of salesmen) check(listed.includes(s.name), `the team list shows ${s.name}`);
  await waitUntil(
    async () => (await page.getByTestId('connection').getAttribute('data-state')) === 'open',
    'the realtime connection is open',
  );
  await waitUntil(async () => !(await page.locator('.kpi-value.skeleton').count()), "today's figures are shown");
  log(`the Live screen lists the ${salesmen.length} seeded salesmen and is live`);

  // Salesmen go online and send a fix from inside their territory.
  const field = [];
  for (let i = 1; i <= FIELD_TEAM; i++) {
    const session = await call(base, 'POST', '/v1/auth/login', {
      email: `salesman${i}@demo.fieldline.test`,
      password: DEMO_LOGINS.password,
    });
    const socket = await openSocket(base, session.accessToken);
    sockets.push(socket.ws);
    const me = salesmen.find((s) => s.id === socket.welcome.you.salesmanId);
    check(me, `salesman${i} has a salesman profile`);
    const spot = pointIn(territories.find((t) => t.id === me.territoryId)?.boundary, i);
    socket.ws.send(JSON.stringify({ type: 'location', ...spot, accuracy: 8, ts: Date.now() }));
    field.push({ ...me, ws: socket.ws, spot, token: session.accessToken });
  }
  for (const s of field) {
    await waitUntil(
      async () => (await markerOf(page, s.id))?.lat === s.spot.lat,
      `${s.name}'s marker appears where he is`,
    );
    await waitUntil(
      async () =>
        (await page.locator(`[data-testid="team"] li[data-salesman-id="${s.id}"]`).getAttribute('data-status')) ===
        'online',
      `${s.name} is listed online`,
    );
  }
  log(`${FIELD_TEAM} salesmen online, each on the map`);

  // One of them moves: his marker follows, on screen too. The one standing most apart on the map, so the
  // canvas can be seen to no longer show him where he was; he moves towards the middle of the map.
  const drawnField = await Promise.all(field.map(async (s) => ({ ...s, at: await markerOf(page, s.id) })));
  const apart = (d) =>
    Math.min(...drawnField.filter((o) => o !== d).map((o) => Math.hypot(o.at.x - d.at.x, o.at.y - d.at.y)));
  const mover = drawnField.reduce((a, b) => (apart(b) > apart(a) ? b : a));
  const before = mover.at;
  const others = drawnField.filter((o) => o !== mover).map((o) => o.at);
  check(apart(mover) > 20, `${mover.name}'s dot stands apart on the map (${apart(mover).toFixed(0)} px)`);
  const view = await page.getByTestId('live-map').boundingBox();
  // The hub coalesces a salesman's fixes to about one a second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const to = {
    lat: round6(mover.spot.lat + (before.y > view.y + view.height / 2 ? 0.2 : -0.2)),
    lng: round6(mover.spot.lng + (before.x > view.x + view.width / 2 ? -0.3 : 0.3)),
  };
  mover.ws.send(JSON.stringify({ type: 'location', ...to, accuracy: 6, ts: Date.now() }));
  await waitUntil(async () => (await markerOf(page, mover.id))?.lat === to.lat, `${mover.name}'s marker moves`);
  const after = await markerOf(page, mover.id);
  check(after.lng === to.lng, `${mover.name}'s marker is at the new longitude`);
  check(
    Math.hypot(after.x - before.x, after.y - before.y) > 10,
    `${mover.name}'s marker moved on screen (${before.x.toFixed(0)},${before.y.toFixed(0)} → ${after.x.toFixed(0)},${after.y.toFixed(0)})`,
  );
  // Where the canvas drew him is where the map projects his new fix: the scale of the (Web Mercator) view
  // read off the positions of two other salesmen drawn on it.
  const byLng = others.reduce((a, b) => (Math.abs(b.lng - before.lng) > Math.abs(a.lng - before.lng) ? b : a));
  const byLat = others.reduce((a, b) => (Math.abs(b.lat - before.lat) > Math.abs(a.lat - before.lat) ? b : a));
  const pxPerLng = (byLng.x - before.x) / (byLng.lng - before.lng);
  const pxPerMercator = (before.y - byLat.y) / (mercator(byLat.lat) - mercator(before.lat));
  check(
    Math.abs(pxPerLng / pxPerMercator - 1) < 0.02,
    `the salesmen are drawn in one Mercator view (${pxPerLng.toFixed(1)} px per degree across, ${pxPerMercator.toFixed(1)} up)`,
  );
  const expected = {
    x: before.x + pxPerLng * (to.lng - before.lng),
    y: before.y - pxPerMercator * (mercator(to.lat) - mercator(before.lat)),
  };
  check(
    Math.hypot(after.x - expected.x, after.y - expected.y) < 1,
    `${mover.name}'s dot is drawn at his new fix (${after.x.toFixed(1)},${after.y.toFixed(1)}; projected ${expected.x.toFixed(1)},${expected.y.toFixed(1)})`,
  );
  check(
    sameColour(after.pixel, ONLINE_RGB) && sameColour(before.pixel, ONLINE_RGB),
    `the canvas shows his dot in the online colour there (${after.pixel})`,
  );
  const left = await salesmenPixel(page, before);
  check(left[3] < 255, `the canvas no longer shows his dot where he was, at most his fading trail (${left})`);
  // His name on hovering his dot, and on clicking (tapping) it; the pointer leaving it hides it.
  const tooltip = page.getByTestId('salesman-tooltip');
  const beside = [
    [14, 0],
    [-14, 0],
    [0, 14],
    [0, -14],
    [24, 24],
  ]
    .map(([dx, dy]) => ({ x: after.x + dx, y: after.y + dy }))
    .find((p) => others.every((o) => Math.hypot(o.x - p.x, o.y - p.y) > 12));
  check(beside, `there is map beside ${mover.name}'s dot`);
  await page.mouse.move(after.x + 3, after.y - 2);
  await tooltip.filter({ hasText: mover.name }).waitFor({ timeout: 5_000 });
  await page.mouse.move(beside.x, beside.y);
  await waitUntil(async () => !(await tooltip.isVisible()), `${mover.name}'s name hides when the pointer leaves`);
  // A tap: a click with no hover before it.
  await page.evaluate(({ x, y }) => {
    const click = new MouseEvent('click', { clientX: x, clientY: y, bubbles: true, cancelable: true });
    document.elementFromPoint(x, y).dispatchEvent(click);
  }, after);
  await tooltip.filter({ hasText: mover.name }).waitFor({ timeout: 5_000 });
  await page.mouse.move(beside.x + 1, beside.y);
  log(`${mover.name}'s marker moved (drawn at his projected fix); hovering or clicking it names him`);

  // He takes an order over REST: the feed shows it live and today's revenue tile changes once it is confirmed.
  const revenueTile = page.getByTestId('kpi-revenue').locator('.kpi-value');
  const revenueBefore = await revenueTile.textContent();
  const [customer] = (await call(base, 'GET', '/v1/customers?limit=1', undefined, mover.token)).data;
  const [product] = (await call(base, 'GET', '/v1/products?limit=1', undefined, mover.token)).data;
  check(customer && product, `${mover.name} has a customer and a product to sell`);
  // He checks in at the customer first (the Salesman screen shows the visit and its verdict).
  const visit = await call(base, 'POST', '/v1/visits', { customerId: customer.id }, mover.token);
  const at = customer.lat !== null ? { lat: customer.lat, lng: customer.lng } : to;
  await call(base, 'POST', `/v1/visits/${visit.id}/check-in`, { ...at, accuracy: 10 }, mover.token);
  const order = await call(
    base,
    'POST',
    '/v1/orders',
    { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] },
    mover.token,
  );
  await call(base, 'POST', `/v1/orders/${order.id}/confirm`, undefined, mover.token);
  await waitUntil(
    async () => (await page.locator('[data-testid="feed"] li[data-event-type="order:created"]').count()) > 0,
    'the feed shows the order',
  );
  await waitUntil(async () => (await revenueTile.textContent()) !== revenueBefore, 'the revenue tile changes');
  log(`an order appeared in the feed; revenue today ${revenueBefore} → ${await revenueTile.textContent()}`);

  // The network drops: the indicator leaves "Live"; orders taken meanwhile (over REST, by the salesman's
  // phone) all appear once it is back, each exactly once, because the socket resumes from the last seq
  // it saw. Chromium's offline mode (context.setOffline) fails new requests but leaves an open WebSocket
  // open (it stayed "Live" for 10 s when tried), so the page's socket is routed through Playwright
  // (routeWebSocket): the drop closes it the way a lost network does, and while offline every reconnect
  // attempt is refused.
  const dropContext = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const network = { offline: false, sockets: [], urls: [] };
  await dropContext.routeWebSocket(/\/v1\/realtime/, (ws) => {
    network.urls.push(ws.url());
    if (network.offline) return ws.close({ code: 1006, reason: 'offline' });
    ws.connectToServer();
    network.sockets.push(ws);
  });
  const dropPage = await dropContext.newPage();
  dropPage.on('pageerror', (err) => pageErrors.push(err.message));
  await dropPage.goto(`${base}/app/live`);
  await dropPage.getByLabel('Email').fill(DEMO_LOGINS.owner);
  await dropPage.getByLabel('Password').fill(DEMO_LOGINS.password);
  await dropPage.getByRole('button', { name: 'Sign in' }).click();
  const dropState = dropPage.getByTestId('connection');
  await waitUntil(async () => (await dropState.getAttribute('data-state')) === 'open', 'the second page is live');
  // A first event, so the page has a position (seq) to resume from.
  const first = await call(
    base,
    'POST',
    '/v1/orders',
    { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] },
    mover.token,
  );
  const dropFeed = (id) =>
    dropPage.locator(`[data-testid="feed"] li[data-event-type="order:created"][data-entity-id="${id}"]`);
  await waitUntil(async () => (await dropFeed(first.id).count()) === 1, 'the page sees an order live');

  network.offline = true;
  await dropContext.setOffline(true);
  for (const ws of network.sockets.splice(0)) await ws.close({ code: 1006, reason: 'network lost' });
  await waitUntil(
    async () => ['waiting', 'connecting'].includes(await dropState.getAttribute('data-state')),
    'the indicator leaves "Live" when the network drops',
  );
  check(
    /Reconnecting|Connecting/.test(await dropState.textContent()),
    `the indicator says so (${await dropState.textContent()})`,
  );
  const missed = [];
  for (let i = 0; i < 3; i++) {
    missed.push(
      await call(
        base,
        'POST',
        '/v1/orders',
        { customerId: customer.id, lines: [{ productId: product.id, quantity: i + 1 }] },
        mover.token,
      ),
    );
  }
  const attemptsOffline = network.urls.length;
  await dropPage.waitForTimeout(1500);
  check(
    (await dropState.getAttribute('data-state')) !== 'open',
    `still not live while offline (${network.urls.length - attemptsOffline} attempts refused meanwhile)`,
  );
  network.offline = false;
  await dropContext.setOffline(false);
  await waitUntil(
    async () => (await dropState.getAttribute('data-state')) === 'open',
    'the indicator is "Live" again once the network is back',
    40_000,
  );
  const resumedFrom = new URL(network.urls.at(-1)).searchParams.get('since');
  check(resumedFrom !== null, `the socket resumed from a seq (since=${resumedFrom})`);
  for (const order of missed) {
    await waitUntil(async () => (await dropFeed(order.id).count()) >= 1, `order ${order.id} missed offline shows`);
  }
  await dropPage.waitForTimeout(1000);
  for (const order of [first, ...missed]) {
    check((await dropFeed(order.id).count()) === 1, `order ${order.id} is in the feed exactly once`);
  }
  const seqs = await dropPage.locator('[data-testid="feed"] li').evaluateAll((li) => li.map((l) => l.dataset.seq));
  check(new Set(seqs).size === seqs.length, `no event is in the feed twice (${seqs.length} events)`);
  await dropContext.close();
  log(
    `the network dropped and came back: the indicator went offline and live again, the socket resumed from seq ${resumedFrom} after ${network.urls.length - 2} refused attempts, and the 3 orders taken meanwhile are in the feed once each`,
  );

  // A viewer watches the same screen without the buttons that change things.
  const viewerPassword = 'quiet-observer-7351';
  const viewer = await call(
    base,
    'POST',
    '/v1/users',
    { email: 'viewer@demo.fieldline.test', name: 'Vera Viewer', role: 'viewer', password: viewerPassword },
    owner.accessToken,
  );
  const viewerPage = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  viewerPage.on('pageerror', (err) => pageErrors.push(err.message));
  await viewerPage.goto(`${base}/app/`);
  await viewerPage.getByLabel('Email').fill(viewer.email);
  await viewerPage.getByLabel('Password').fill(viewerPassword);
  await viewerPage.getByRole('button', { name: 'Sign in' }).click();
  await viewerPage.getByTestId('live-screen').waitFor();
  await waitUntil(
    async () => (await viewerPage.locator('[data-testid="team"] li').count()) === salesmen.length,
    'the viewer sees the team',
  );
  check((await page.getByRole('button', { name: 'Message the team' }).count()) === 1, 'the owner may message the team');
  check(
    (await viewerPage.getByRole('button', { name: 'Message the team' }).count()) === 0,
    'the viewer sees no write button',
  );
  await viewerPage.close();
  log('a viewer sees the Live screen without write buttons');

  // The customers, drawn on a canvas once the screen is interactive: every located one, and a click on a
  // dot says who and where he is; the toggle hides them.
  const customers = new Map();
  for (let cursor = null; ; ) {
    const list = await call(
      base,
      'GET',
      `/v1/customers?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      owner.accessToken,
    );
    for (const c of list.data) if (c.lat !== null && c.lng !== null) customers.set(c.id, c);
    cursor = list.nextCursor;
    if (!cursor) break;
  }
  const customersToggle = page.getByTestId('customers-toggle');
  await waitUntil(
    async () => (await customersToggle.getAttribute('data-state')) === 'ready',
    'the customers are on the map',
  );
  const drawnCount = Number(await page.getByTestId('customers-count').getAttribute('data-count'));
  check(drawnCount === customers.size, `every located customer is drawn (${drawnCount} of ${customers.size})`);
  const dots = await customerDots(page);
  check(dots.painted > 0, `the customers' canvas shows them (${dots.painted} pixels)`);
  let opened = null;
  for (const spot of dots.spots) {
    await page.mouse.click(spot.x, spot.y);
    const popup = page.getByTestId('customer-popup');
    if (
      await popup.waitFor({ timeout: 1_500 }).then(
        () => true,
        () => false,
      )
    ) {
      opened = { id: await popup.getAttribute('data-customer-id'), text: await popup.textContent() };
      break;
    }
  }
  check(opened, 'a click on a customer opens him');
  const clicked = customers.get(opened.id);
  check(
    clicked && opened.text.includes(clicked.name) && opened.text.includes(clicked.city ?? 'No city given'),
    `the popup names the customer and his city (${opened.text.replace(/\s+/g, ' ')})`,
  );
  await customersToggle.getByRole('checkbox').uncheck();
  await waitUntil(async () => (await customerDots(page)).painted === 0, 'the toggle hides the customers');
  await waitUntil(async () => (await page.getByTestId('customer-popup').count()) === 0, 'hiding them closes the popup');
  await customersToggle.getByRole('checkbox').check();
  await waitUntil(async () => (await customerDots(page)).painted > 0, 'the toggle shows the customers again');
  log(`the map draws the ${drawnCount} customers on a canvas; a click opened ${clicked.name}; the toggle hides them`);

  mkdirSync(screenshots, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot('live') });
  log(`saved ${shot('live').slice(root.length + 1)}`);

  // From the team list to his screen: today's check-in with its verdict, his order, his route.
  await page.locator(`[data-testid="team"] li[data-salesman-id="${mover.id}"] a`).click();
  await page.getByTestId('salesman-screen').waitFor();
  check(page.url().endsWith(`/app/salesmen/${mover.id}`), `the URL is ${mover.name}'s deep link (${page.url()})`);
  await page.getByTestId('salesman-name').filter({ hasText: mover.name }).waitFor();
  const visitRow = page.locator(`[data-testid="visits"] tr[data-visit-id="${visit.id}"]`);
  await visitRow.waitFor();
  const verdict = await visitRow.getAttribute('data-verdict');
  check(['verified', 'out_of_range', 'unverified'].includes(verdict), `the visit shows its verdict (${verdict})`);
  await page.locator(`[data-testid="orders"] tr[data-order-id="${order.id}"]`).waitFor();
  await waitUntil(
    async () => ['online', 'on_visit'].includes(await page.getByTestId('salesman-status').getAttribute('data-status')),
    `${mover.name} is shown in the field`,
  );
  check((await page.locator('[data-testid="route-map"] path.stop').count()) >= 1, 'the check-in is on his route');
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot('salesman') });
  log(
    `${mover.name}'s screen shows his visit (${verdict}) and order; saved ${shot('salesman').slice(root.length + 1)}`,
  );

  // Reports: the sales performance table, then its exports, fetched with the token and saved as files.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await page.getByTestId('reports-screen').waitFor();
  await waitUntil(
    async () => (await page.locator('[data-testid="report-table"] tbody tr th').count()) > 0,
    'the sales performance table has rows',
  );
  const csv = await downloaded(page, 'Download CSV');
  const header = csv
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)[0];
  // The demo organisation's locale (de-DE) writes `;`-separated CSV.
  const columns = header.split(';');
  check(columns.length >= 3 && columns.every((c) => c.trim().length > 0), `the CSV has a header line (${header})`);
  const pdf = await downloaded(page, 'Download PDF');
  check(pdf.subarray(0, 5).toString('latin1') === '%PDF-', 'the PDF download is a PDF');
  log(`reports render; downloaded a CSV (${columns.length} columns) and a PDF (${pdf.length} bytes)`);
  // Every other report renders its table too (each tab is a deep link: /app/reports/<name>).
  for (const [name, tab] of [
    ['executive', 'Executive report'],
    ['segments', 'RFM segments'],
    ['products', 'Products'],
    ['heatmap', 'Heat map'],
    ['forecast', 'Forecast'],
  ]) {
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: tab }).click();
    await waitUntil(
      async () => (await page.locator(`[data-report="${name}"] [data-testid="report-table"] tbody tr`).count()) > 0,
      `the ${tab} table renders`,
    );
    check(page.url().endsWith(`/app/reports/${name}`), `the ${tab} tab is a deep link`);
  }
  log('the executive, RFM, products, heat map and forecast reports render');

  await checkDocuments(browser, base, owner.accessToken);

  // The heat map: its cells painted on the map's canvas, the coverage gaps as markers, a legend that
  // follows the measure chosen.
  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Heat map' }).click();
  const heatmap = page.getByTestId('heatmap-map');
  await heatmap.waitFor();
  // The screen's default: the last 90 days in large cells (geohash precision 4).
  const heat = await call(
    base,
    'GET',
    '/v1/analytics/territory-heatmap?days=90&precision=4',
    undefined,
    owner.accessToken,
  );
  const locatedGaps = heat.coverageGaps.features.filter((g) => g.geometry).length;
  check(heat.cells.features.length > 0, `the demo has heat map cells (${heat.cells.features.length})`);
  check(
    Number(await heatmap.getAttribute('data-cells')) === heat.cells.features.length,
    `the map has the ${heat.cells.features.length} cells`,
  );
  await waitUntil(async () => (await heatPixels(page)) > 1000, 'the cells are painted');
  check((await heatmap.locator('path.gap').count()) === locatedGaps, `the ${locatedGaps} coverage gaps are markers`);
  await page.getByLabel(/^Coverage gaps/).uncheck();
  await waitUntil(async () => (await heatmap.locator('path.gap').count()) === 0, 'the gaps can be hidden');
  await page.getByLabel(/^Coverage gaps/).check();
  const legend = page.getByTestId('heatmap-legend');
  check((await legend.locator('li').count()) > 0, 'the legend shows the classes');
  const visitsPixels = await heatPixels(page);
  await page.getByTestId('heatmap-measure').getByLabel('Revenue').check();
  await waitUntil(async () => (await legend.getAttribute('data-measure')) === 'revenueMinor', 'the legend follows');
  check(/€/.test(await legend.textContent()), 'the revenue legend is in euros');
  await waitUntil(async () => (await heatmap.getAttribute('data-measure')) === 'revenueMinor', 'the cells follow');
  // Medium cells (precision 5) are read again; zoomed into the busiest town for the screenshot.
  const medium = await call(
    base,
    'GET',
    '/v1/analytics/territory-heatmap?days=90&precision=5',
    undefined,
    owner.accessToken,
  );
  await page.getByLabel('Cells').selectOption('5');
  await waitUntil(
    async () => Number(await heatmap.getAttribute('data-cells')) === medium.cells.features.length,
    `the medium cells are drawn (${medium.cells.features.length})`,
  );
  await page.getByTestId('heatmap-measure').getByLabel('Visits').check();
  // The legend and the map in the window, then three double-clicks on a cell of the busiest class zoom
  // into its town.
  await page.locator('[data-report="heatmap"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  for (let i = 0; i < 3; i++) {
    const target = await heatSpot(page, [0xbd, 0x00, 0x26]);
    check(target, 'a cell of the busiest class is in view');
    await page.mouse.dblclick(target.x, target.y);
    await page.waitForTimeout(450);
  }
  // Then dragged to the middle of the map.
  const town = await heatSpot(page, [0xbd, 0x00, 0x26]);
  const mapBoxNow = await heatmap.boundingBox();
  if (town && mapBoxNow) {
    const visibleBottom = Math.min(mapBoxNow.y + mapBoxNow.height, 860);
    await page.mouse.move(town.x, town.y);
    await page.mouse.down();
    await page.mouse.move(mapBoxNow.x + mapBoxNow.width / 2, (mapBoxNow.y + visibleBottom) / 2, { steps: 12 });
    await page.mouse.up();
    await page.mouse.move(mapBoxNow.x + 5, mapBoxNow.y + 5);
  }
  log(
    `the heat map paints ${heat.cells.features.length} cells (${visitsPixels} pixels) and ${locatedGaps} coverage gaps; its legend follows the measure; ${medium.cells.features.length} medium cells`,
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot('heatmap') });
  log(`saved ${shot('heatmap').slice(root.length + 1)}`);
  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Sales performance' }).click();
  await page.locator('[data-report="sales-performance"] [data-testid="report-table"] tbody tr').first().waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot('reports') });
  log(`saved ${shot('reports').slice(root.length + 1)}`);

  // Team: every user listed; a territory drawn by clicking the map, saved, and read back over the API.
  // (A salesman profile nobody signs in as yet, for an invitation from its row below.)
  const unlinked = await call(base, 'POST', '/v1/salesmen', { name: 'Mara Neu' }, owner.accessToken);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await page.getByTestId('team-screen').waitFor();
  const users = (await call(base, 'GET', '/v1/users?limit=200', undefined, owner.accessToken)).data;
  const userRows = page.locator('[data-testid="users"] tbody tr[data-user-id]');
  await waitUntil(
    async () => (await userRows.count()) === users.length,
    `the Users tab lists all ${users.length} users`,
  );
  for (const u of users) {
    check(
      (await page.locator(`[data-testid="users"] tr[data-user-id="${u.id}"]`).getAttribute('data-role')) === u.role,
      `${u.email} is listed as ${u.role}`,
    );
  }
  check(
    (await page.getByRole('combobox', { name: `Role of ${viewer.name}` }).count()) === 1,
    "the owner may change a viewer's role",
  );
  log(`Team lists the ${users.length} users with their roles`);

  // A salesman profile nobody signs in as yet gets an invitation from its row; the invitation names it.
  await page.getByRole('navigation', { name: 'Team' }).getByRole('link', { name: 'Salesmen' }).click();
  const unlinkedRow = page.locator(`tr[data-salesman-id="${unlinked.id}"]`);
  await unlinkedRow.getByRole('button', { name: 'Invite…' }).click();
  await unlinkedRow.getByLabel('E-mail address of Mara Neu').fill('mara.neu@example.test');
  await unlinkedRow.getByRole('button', { name: 'Send' }).click();
  await unlinkedRow.getByText('Invitation e-mailed to mara.neu@example.test.').waitFor();
  const pending = (await call(base, 'GET', '/v1/invitations?status=pending', undefined, owner.accessToken)).data;
  check(
    pending.some(
      (i) => i.email === 'mara.neu@example.test' && i.salesmanId === unlinked.id && i.emailStatus === 'sent',
    ),
    'the invitation names the profile and was e-mailed',
  );
  log('invited a salesman to his existing profile from its row');

  await page.getByRole('navigation', { name: 'Team' }).getByRole('link', { name: 'Territories' }).click();
  check(page.url().endsWith('/app/team/territories'), 'the Territories tab is a deep link');
  await page.getByRole('button', { name: 'New territory' }).click();
  const drawMap = page.getByTestId('territory-map');
  await waitUntil(async () => (await drawMap.locator('.leaflet-interactive').count()) > 0, 'the territories are drawn');
  const mapBox = await drawMap.boundingBox();
  const corners = [
    [0.3, 0.3],
    [0.62, 0.26],
    [0.7, 0.62],
    [0.36, 0.7],
  ];
  // A click while the map still settles (its opening zoom to the territories) is not a corner, as for a
  // user who clicks too early: each corner is clicked until the outline counts it.
  const cornersSoFar = async () => Number(await page.getByTestId('outline-status').getAttribute('data-corners'));
  for (const [i, [fx, fy]] of corners.entries()) {
    await waitUntil(
      async () => {
        if ((await cornersSoFar()) > i) return true;
        await page.mouse.click(mapBox.x + mapBox.width * fx, mapBox.y + mapBox.height * fy);
        // Long enough that a second click on the same spot is no double-click (which zooms).
        await page.waitForTimeout(700);
        return (await cornersSoFar()) > i;
      },
      `corner ${i + 1} is added`,
    );
  }
  await page.getByRole('button', { name: 'Finish outline' }).click();
  check(
    (await page.getByTestId('outline-status').getAttribute('data-corners')) === String(corners.length),
    `the outline has the ${corners.length} corners clicked`,
  );
  await page.locator('.territory-form input[name="name"]').fill('Browser Test Area');
  await page.getByRole('button', { name: 'Create territory' }).click();
  let drawn;
  await waitUntil(async () => {
    const list = await call(base, 'GET', '/v1/territories?q=Browser%20Test&limit=5', undefined, owner.accessToken);
    drawn = list.data.find((t) => t.name === 'Browser Test Area');
    return !!drawn;
  }, 'the territory is saved');
  const ring = drawn.boundary?.coordinates?.[0] ?? [];
  check(drawn.boundary?.type === 'Polygon', 'its boundary is a GeoJSON Polygon');
  check(
    ring.length === corners.length + 1,
    `its ring has ${corners.length} corners, closed (${ring.length} positions)`,
  );
  check(JSON.stringify(ring[0]) === JSON.stringify(ring.at(-1)), 'its ring is closed');
  await page.locator(`[data-territory-id="${drawn.id}"] button[aria-pressed="true"]`).waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: shot('team') });
  log(
    `drew and saved a territory of ${corners.length} corners on the map; saved ${shot('team').slice(root.length + 1)}`,
  );

  // Settings: the check-in radius changed and saved, read back over the API.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('settings-screen').waitFor();
  const radius = page.getByLabel('Check-in radius (metres)');
  await radius.waitFor();
  const radiusBefore = (await call(base, 'GET', '/v1/tenant', undefined, owner.accessToken)).checkInRadiusM;
  const wanted = radiusBefore === 250 ? 300 : 250;
  await radius.fill(String(wanted));
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByTestId('settings-note').filter({ hasText: 'Settings saved.' }).waitFor();
  const settings = await call(base, 'GET', '/v1/tenant', undefined, owner.accessToken);
  check(
    settings.checkInRadiusM === wanted,
    `the check-in radius is saved (${radiusBefore} → ${settings.checkInRadiusM} m)`,
  );
  await page.waitForTimeout(200);
  await page.screenshot({ path: shot('settings') });
  log(`changed the check-in radius in Settings; saved ${shot('settings').slice(root.length + 1)}`);

  // The viewer reads Team and Settings without a single write control.
  const viewerAdmin = await browser.newPage({ viewport: { width: 1024, height: 860 } });
  viewerAdmin.on('pageerror', (err) => pageErrors.push(err.message));
  await viewerAdmin.goto(`${base}/app/team`);
  await viewerAdmin.getByLabel('Email').fill(viewer.email);
  await viewerAdmin.getByLabel('Password').fill(viewerPassword);
  await viewerAdmin.getByRole('button', { name: 'Sign in' }).click();
  await waitUntil(
    async () => (await viewerAdmin.locator('[data-testid="users"] tbody tr[data-user-id]').count()) === users.length,
    'the viewer sees the users',
  );
  for (const button of ['Invite by e-mail', 'Add with a password']) {
    check((await viewerAdmin.getByRole('button', { name: button }).count()) === 0, `the viewer has no "${button}"`);
  }
  check((await viewerAdmin.locator('[data-testid="users"] select').count()) === 0, 'the viewer cannot change roles');
  await viewerAdmin.getByRole('navigation', { name: 'Team' }).getByRole('link', { name: 'Territories' }).click();
  await viewerAdmin.getByTestId('territories').waitFor();
  check(
    (await viewerAdmin.getByRole('button', { name: 'New territory' }).count()) === 0,
    'the viewer cannot draw territories',
  );
  await viewerAdmin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await viewerAdmin.getByTestId('organisation-form').waitFor();
  check(
    (await viewerAdmin.getByRole('button', { name: 'Save settings' }).count()) === 0,
    'the viewer cannot change settings',
  );
  check(
    (await viewerAdmin.getByRole('navigation', { name: 'Settings' }).getByRole('link').count()) === 2,
    'the viewer sees neither API keys nor report e-mails (Organisation and his own Security only)',
  );
  await viewerAdmin.close();
  log('a viewer reads Team and Settings without write controls');

  // A new organisation: its owner signs in at the app's bare URL and lands on the checklist, whose steps
  // tick as he does them (the company profile in Settings, the customers from a CSV import).
  const newOwner = { email: 'nora@nordlicht.test', password: 'northern-lights-4821' };
  await call(base, 'POST', '/v1/auth/signup', {
    tenantName: 'Nordlicht Getränke',
    name: 'Nora Lind',
    ...newOwner,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
  });
  const fresh = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  fresh.on('pageerror', (err) => pageErrors.push(err.message));
  await fresh.goto(`${base}/app/`);
  await fresh.getByLabel('Email').fill(newOwner.email);
  await fresh.getByLabel('Password').fill(newOwner.password);
  await fresh.getByRole('button', { name: 'Sign in' }).click();
  await fresh.getByTestId('onboarding-screen').waitFor();
  check(fresh.url().endsWith('/app/onboarding'), `a new owner lands on the checklist (${fresh.url()})`);
  const progress = fresh.getByTestId('onboarding-progress');
  const navEntry = fresh.getByTestId('nav-onboarding');
  const stepDone = async (key) =>
    (await fresh.locator(`[data-testid="onboarding-steps"] li[data-step="${key}"]`).getAttribute('data-done')) ===
    'true';
  await progress.waitFor();
  check((await progress.getAttribute('data-completed')) === '0', 'nothing is done yet');
  check((await navEntry.textContent()) === 'Getting started (0/7)', 'the header says "Getting started (0/7)"');
  log('a new owner lands on Getting started (0/7)');

  // The empty organisation is offered sample data: loaded (a few seconds, the button busy meanwhile), its
  // counts in a banner, its salesmen on the Live screen; then removed, after a confirmation, and gone.
  const newSession = await call(base, 'POST', '/v1/auth/login', newOwner);
  const countOf = async (path) => (await call(base, 'GET', path, undefined, newSession.accessToken)).data.length;
  const loadButton = fresh.getByRole('button', { name: 'Load sample data' });
  await loadButton.click();
  const banner = fresh.getByTestId('sample-banner');
  await banner.waitFor({ timeout: 60_000 });
  const bannerText = await banner.textContent();
  check(/30 customers, 12 products/.test(bannerText), `the banner counts the sample (${bannerText.slice(0, 90)}…)`);
  check((await fresh.getByTestId('sample-offer').count()) === 0, 'the sample is no longer offered');
  await waitUntil(async () => (await progress.getAttribute('data-completed')) !== '0', 'the sample ticks steps');
  check((await countOf('/v1/customers?limit=100')) === 30, 'the organisation has the 30 sample customers');
  await fresh.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live' }).click();
  const sampleTeam = fresh.locator('[data-testid="team"] li .team-name');
  await waitUntil(async () => (await sampleTeam.count()) === 3, 'the Live screen lists the 3 sample salesmen');
  check(
    (await sampleTeam.allInnerTexts()).every((name) => name.startsWith('Sample')),
    'the sample salesmen are marked "Sample"',
  );
  check((await fresh.getByTestId('sample-bar').count()) === 1, 'the Live screen says sample data is loaded');
  await fresh.getByTestId('sample-bar').getByRole('link').click();
  await banner.waitFor();
  await banner.getByRole('button', { name: 'Remove sample data' }).click();
  await banner.getByRole('button', { name: 'Remove', exact: true }).click();
  await fresh.getByTestId('sample-offer').waitFor({ timeout: 60_000 });
  await fresh.getByTestId('sample-note').filter({ hasText: 'The sample data is removed.' }).waitFor();
  await waitUntil(async () => (await progress.getAttribute('data-completed')) === '0', 'the checklist is back to 0/7');
  check((await countOf('/v1/customers?limit=100')) === 0, 'the sample customers are gone');
  check((await countOf('/v1/salesmen?limit=100')) === 0, 'the sample salesmen are gone');
  log('loaded the sample data (its counts in the banner, its salesmen on Live), then removed it: 0/7 again');

  await fresh.getByRole('link', { name: 'Set up your company profile' }).click();
  await fresh.getByTestId('organisation-form').waitFor();
  await fresh.getByRole('button', { name: 'Save settings' }).click();
  await fresh.getByTestId('settings-note').filter({ hasText: 'Settings saved.' }).waitFor();
  await waitUntil(
    async () => (await navEntry.textContent()) === 'Getting started (1/7)',
    'the header counts the saved profile',
  );

  // Customers from a CSV with 3 invalid rows (no name, a bad e-mail, lat without lng), valid rows only.
  const csvPath = join(work, 'customers.csv');
  writeFileSync(
    csvPath,
    [
      'externalId,name,email,phone,company,address,city,lat,lng,territory,salesman,notes',
      'NL-1,Kiosk am Hafen,hafen@example.test,,,Hafenstr. 1,Hamburg,53.54,9.98,,,',
      'NL-2,,noname@example.test,,,,,,,,,no name',
      'NL-3,Bäckerei Sonne,not-an-email,,,,,,,,,',
      'NL-4,Getränke Nord,nord@example.test,,,,Kiel,54.32,10.13,,,',
      'NL-5,Café Zum Eck,,,,,,53.5,,,,lat without lng',
      'NL-6,"Markt ""Am Eck""",markt@example.test,,,,Lübeck,53.87,10.69,,,',
    ].join('\r\n'),
  );
  await fresh.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
  await fresh.getByTestId('import-form').waitFor();
  await fresh.getByTestId('import-file').setInputFiles(csvPath);
  await fresh.getByLabel('Valid rows only').check();
  await fresh.getByRole('button', { name: 'Import customers' }).click();
  const result = fresh.getByTestId('import-result');
  await waitUntil(
    async () => ['completed', 'failed'].includes(await result.getAttribute('data-status')),
    'the import finishes',
  );
  check((await result.getAttribute('data-status')) === 'completed', 'the import completes');
  const errorRows = await fresh
    .locator('[data-testid="import-errors"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')));
  check(
    JSON.stringify(errorRows) === JSON.stringify(['3', '4', '6']),
    `the 3 invalid rows are listed (${errorRows.join(', ')})`,
  );
  check(
    (await fresh.getByTestId('import-created').locator('.kpi-value').textContent()) === '3',
    'the 3 valid rows are created',
  );
  const errorsCsv = (await downloaded(fresh, 'Download every error (CSV)')).toString('utf8').replace(/^\uFEFF/, '');
  check(errorsCsv.trim().split(/\r?\n/).length === 4, 'the downloaded error report has a header and 3 rows');
  await fresh.getByTestId('import-history').locator('tr[data-import-id]').first().waitFor();
  await fresh.waitForTimeout(300);
  await fresh.screenshot({ path: shot('import') });
  log(`imported a CSV of customers: 3 created, rows 3, 4 and 6 listed; saved ${shot('import').slice(root.length + 1)}`);

  // A salesman invited by e-mail from Team › Users: listed as e-mailed; the message the send_email binding
  // took, read as his mail client would; its link opens a page (a tablet) that names the organisation and
  // the role, drops the token from the address bar, takes his password and signs him in to his own day.
  const invitee = { name: 'Lars Feld', email: 'lars@nordlicht.test', password: 'fjord-lantern-8812' };
  await fresh.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await fresh.getByTestId('users').waitFor();
  await fresh.getByRole('button', { name: 'Invite by e-mail' }).click();
  const inviteForm = fresh.getByTestId('invite-form');
  await inviteForm.getByLabel('Name').fill(invitee.name);
  await inviteForm.getByLabel('Email').fill(invitee.email);
  await inviteForm.getByLabel('Role').selectOption('salesman');
  await inviteForm.getByRole('button', { name: 'Send invitation' }).click();
  await fresh
    .getByTestId('invite-form-note')
    .filter({ hasText: `Invitation e-mailed to ${invitee.email}` })
    .waitFor();
  const invitedRow = fresh.locator(`[data-testid="invitations"] tr[data-invitation-email="${invitee.email}"]`);
  await invitedRow.waitFor();
  check((await invitedRow.getAttribute('data-email-status')) === 'sent', 'the invitation is listed as e-mailed');
  const invitation = await mailTo(mailLog, invitee.email);
  check(invitation.subject.includes('Nordlicht Getränke'), `the e-mail names the organisation (${invitation.subject})`);
  const link = /(\S+\/app\/accept-invite#token=[\w-]+)/.exec(invitation.text ?? '')?.[1] ?? '';
  check(link.startsWith(`${base}/app/accept-invite#token=`), `the e-mail carries the link (${link.slice(0, 60)}…)`);
  check((invitation.html ?? '').includes(`href="${link}"`), 'the HTML part links the same page');
  const joining = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  joining.on('pageerror', (err) => pageErrors.push(err.message));
  await joining.goto(link);
  const acceptForm = joining.getByTestId('accept-invite');
  await acceptForm.waitFor();
  check(
    (await acceptForm.textContent()).includes(
      'Nora Lind invites you to join Nordlicht Getränke on Fieldline as a salesman',
    ),
    'the page says who invites him to what',
  );
  check(joining.url() === `${base}/app/accept-invite`, `the token is gone from the address bar (${joining.url()})`);
  await joining.getByLabel(/^Password \(/).fill(invitee.password);
  await joining.getByLabel('Password again').fill(invitee.password);
  await joining.waitForTimeout(200);
  await joining.screenshot({ path: shot('invitation') });
  await acceptForm.getByRole('button', { name: 'Join Nordlicht Getränke' }).click();
  await joining.getByTestId('who').or(joining.locator('#accept-error')).waitFor();
  const acceptError = joining.locator('#accept-error');
  const refused = (await acceptError.count()) > 0 ? await acceptError.textContent() : null;
  check(refused === null, `the invitee is signed in (${refused})`);
  check((await joining.getByTestId('who').textContent()).includes(invitee.name), 'he is signed in by his name');
  check((await joining.getByTestId('who').textContent()).includes('salesman'), 'he is signed in as a salesman');
  await joining.goto(link);
  await joining.getByTestId('invitation-error').filter({ hasText: 'You have joined already' }).waitFor();
  await joining.close();
  log(
    `invited a salesman by e-mail; he opened the link, chose a password and joined; saved ${shot('invitation').slice(root.length + 1)}`,
  );

  await navEntry.click();
  await fresh.getByTestId('onboarding-screen').waitFor();
  await waitUntil(async () => await stepDone('customers_imported'), 'the customers step is ticked');
  check(await stepDone('company_profile'), 'the company profile step is ticked');
  check(await stepDone('salesman_invited'), 'the salesman step is ticked');
  check(!(await stepDone('territory_drawn')), 'the territory step is still to do');
  check((await navEntry.textContent()) === 'Getting started (3/7)', 'the header says "Getting started (3/7)"');
  await fresh.waitForTimeout(200);
  await fresh.screenshot({ path: shot('onboarding') });
  await fresh.close();
  log(
    `the checklist ticks the profile, the import and the invited salesman (3/7); saved ${shot('onboarding').slice(root.length + 1)}`,
  );

  // Two-factor authentication: an owner sets it up in Settings › Security (QR code and key, a first code,
  // the recovery codes shown once), signs in again with a code, and creating an API key asks for a code
  // (step-up) and then creates it. Codes are computed here as an authenticator app would.
  const tfaOwner = { email: 'sven@fjord.test', password: 'fjord-and-fells-7730' };
  await call(base, 'POST', '/v1/auth/signup', { tenantName: 'Fjord Fisk', name: 'Sven Fjord', ...tfaOwner });
  const codeAt = (secret, offsetSteps) =>
    TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offsetSteps * 30_000 });
  const tfa = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  tfa.on('pageerror', (err) => pageErrors.push(err.message));
  await tfa.goto(`${base}/app/settings/security`);
  await tfa.getByLabel('Email').fill(tfaOwner.email);
  await tfa.getByLabel('Password').fill(tfaOwner.password);
  await tfa.getByRole('button', { name: 'Sign in' }).click();
  const tfaPanel = tfa.getByTestId('two-factor');
  await tfaPanel.waitFor();
  await tfaPanel.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const totpSecret = (await tfaPanel.getByTestId('totp-secret').textContent()).trim();
  check(/^[A-Z2-7]{32}$/.test(totpSecret), 'the key is shown in base32');
  check((await tfaPanel.locator('.qr svg').count()) === 1, 'the setup link is shown as a QR code');
  check(
    (await tfaPanel.getByTestId('otpauth-uri').textContent()).startsWith('otpauth://totp/Fieldline:sven%40fjord.test?'),
    'the otpauth URI names Fieldline and the account',
  );
  // Each code below is of a later 30-second step than the one before: a code is accepted once.
  await tfaPanel.getByRole('textbox', { name: 'Code' }).fill(codeAt(totpSecret, -1));
  await tfaPanel.getByRole('button', { name: 'Turn on' }).click();
  const codesList = tfaPanel.getByTestId('recovery-codes');
  await codesList.waitFor();
  check((await codesList.locator('li').count()) === 10, 'ten recovery codes are shown once');
  await tfaPanel.getByRole('button', { name: 'I have saved them' }).click();
  await tfaPanel.getByTestId('two-factor-status').filter({ hasText: '10 recovery codes left' }).waitFor();
  await tfa.close();
  log('an owner turned on two-factor authentication in Settings › Security (QR code, first code, 10 recovery codes)');

  const tfaAgain = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  tfaAgain.on('pageerror', (err) => pageErrors.push(err.message));
  await tfaAgain.goto(`${base}/app/settings/api-keys`);
  await tfaAgain.getByLabel('Email').fill(tfaOwner.email);
  await tfaAgain.getByLabel('Password').fill(tfaOwner.password);
  await tfaAgain.getByRole('button', { name: 'Sign in' }).click();
  await tfaAgain.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
  await tfaAgain.getByRole('textbox', { name: 'Code' }).fill(codeAt(totpSecret, 0));
  await tfaAgain.getByRole('button', { name: 'Verify' }).click();
  const keysPanel = tfaAgain.getByTestId('api-keys');
  await keysPanel.waitFor();
  log('signing in again asked for a code and let the owner in with it');
  // The sign-in's step-up lasts 5 minutes: a refreshed token (as after a while) has none.
  await tfaAgain.evaluate(async () => {
    const stored = JSON.parse(sessionStorage.getItem('fieldline.session'));
    const res = await fetch('/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: stored.refreshToken }),
    });
    sessionStorage.setItem(
      'fieldline.session',
      JSON.stringify({ ...stored, refreshToken: (await res.json()).refreshToken }),
    );
  });
  await tfaAgain.reload();
  await keysPanel.waitFor();
  let prompted = '';
  tfaAgain.once('dialog', (dialog) => {
    prompted = dialog.message();
    void dialog.accept(codeAt(totpSecret, 1));
  });
  await keysPanel.getByRole('button', { name: 'Create a key' }).click();
  await tfaAgain.getByTestId('api-key-form').getByLabel('Name').fill('Release bot');
  await tfaAgain.getByRole('button', { name: 'Read only' }).click();
  await tfaAgain.getByRole('button', { name: 'Create key' }).click();
  await keysPanel.getByText('Release bot').first().waitFor();
  check(/authenticator app/.test(prompted), `creating a key asked for a code (${prompted.slice(0, 60)})`);
  await tfaAgain.close();
  log('creating an API key asked for a code (step-up) and then created it');

  check(
    pageErrors.length === 0,
    `no page errors or requests off origin${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`,
  );
  console.log('test:browser: passed');
} catch (err) {
  console.error(`test:browser: FAILED: ${err.message}`);
  const page = browser?.contexts()[0]?.pages()[0];
  if (page) {
    const failure = join(work, 'failure.png');
    await page.screenshot({ path: failure }).then(
      () => console.error(`test:browser: the page at the failure: ${failure.slice(root.length + 1)}`),
      () => {},
    );
  }
  exitCode = 1;
} finally {
  for (const ws of sockets) ws.close();
  await browser?.close().catch(() => {});
  stopAll();
}
process.exit(exitCode);

/**
 * The report documents as their readers get them: the products report's PDF (six of its top products
 * renamed in Polish, Russian, Greek, Japanese, Korean and Chinese) read back by poppler's pdftotext, which must hold every name
 * exactly, and its first page rendered by pdftoppm (docs/screenshots/report-pdf.png with --screenshots);
 * the executive report's e-mail body at phone (390 px) and desktop (1,200 px) widths in Chromium, which must
 * never scroll sideways (docs/screenshots/report-email-{phone,desktop}.png).
 */
async function checkDocuments(browser, base, token) {
  // Names from six scripts that the PDF must print whole (the CJK ones in Noto Sans CJK, a static asset).
  const UNICODE_NAMES = ['Pierogi z Łodzi', 'Чай «Москва»', 'Ελιές Αθήνας', '東京 緑茶', '서울 김치', '北京烤鸭'];
  const products = await call(base, 'GET', '/v1/analytics/products?days=30', undefined, token);
  const top = products.top;
  check(top.length >= UNICODE_NAMES.length, `the products report lists products (${top.length})`);
  for (const [i, name] of UNICODE_NAMES.entries()) {
    await call(base, 'PATCH', `/v1/products/${top[i].productId}`, { name }, token);
  }
  const res = await fetch(`${base}/v1/analytics/products?days=30&format=pdf`, {
    headers: { authorization: `Bearer ${token}` },
  });
  check(res.ok, `the products PDF downloads (${res.status})`);
  const pdfPath = join(work, 'products.pdf');
  writeFileSync(pdfPath, Buffer.from(await res.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-']).toString('utf8');
  for (const name of UNICODE_NAMES) check(text.includes(name), `pdftotext finds "${name}" in the products PDF`);
  // The demo organisation writes money as de-DE does: 1.234,56 €.
  check(/\d\.\d{3},\d{2}\s€/.test(text), 'the PDF writes money as the de-DE locale does');
  const pagePrefix = join(work, 'report-pdf');
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, pagePrefix]);
  const png = readFileSync(`${pagePrefix}.png`);
  check(png.length > 10_000, `pdftoppm rendered the first page (${png.length} bytes)`);
  writeFileSync(shot('report-pdf'), png);
  log(
    'the products PDF prints Polish, Russian, Greek, Japanese, Korean and Chinese names whole (pdftotext) and renders (pdftoppm)',
  );

  const html = await reportEmailHtml(base, token);
  for (const [name, width] of [
    ['report-email-phone', 390],
    ['report-email-desktop', 1200],
  ]) {
    const mail = await browser.newPage({ viewport: { width, height: 900 } });
    // The e-mail as a mail client shows it: no network, no scripts.
    await mail.route('**/*', (route) => route.abort());
    await mail.setContent(html, { waitUntil: 'load' });
    const { scroll, client } = await mail.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    check(scroll <= client, `the report e-mail fits ${width} px without scrolling sideways (${scroll} > ${client})`);
    await mail.screenshot({ path: shot(name), fullPage: true });
    await mail.close();
  }
  log('the report e-mail fits a 390 px phone and a 1,200 px desktop');
}

/**
 * The HTML body of the weekly executive report e-mail, built by the code the Worker sends it with
 * (src/analytics/documents, bundled here by esbuild) from the report the API answers.
 */
async function reportEmailHtml(base, token) {
  const { build } = await import('esbuild');
  const bundled = await build({
    stdin: {
      contents: [
        `export { executiveDocument } from './src/analytics/documents/executive.document';`,
        `export { documentToHtml } from './src/analytics/documents/html';`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'error',
  });
  const url = `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`;
  const { executiveDocument, documentToHtml } = await import(url);
  const report = await call(base, 'GET', '/v1/analytics/executive-report?period=week', undefined, token);
  const doc = executiveDocument(report, report.meta, 'Weekly report · Demo Distribution Co');
  return documentToHtml(doc, {
    unsubscribeUrl: `${base}/v1/reports/unsubscribe?token=example`,
    attachments: [`${doc.fileName}.pdf`, `${doc.fileName}.csv`],
  });
}

/** Clicks a download button and answers the file the browser saved. */
/** The last message the send_email binding took for `to` (serve-worker --mail-log), parsed as a mail client does. */
async function mailTo(mailLog, to) {
  let files = [];
  await waitUntil(async () => {
    files = existsSync(mailLog)
      ? readFileSync(mailLog, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('Email: '))
          .map((line) => line.slice(7))
      : [];
    return files.length > 0;
  }, 'the send_email binding took a message');
  for (const file of files.reverse()) {
    const mail = await PostalMime.parse(readFileSync(file));
    if (mail.to?.some((a) => a.address === to)) return mail;
  }
  throw new Error(`no e-mail to ${to}`);
}

async function downloaded(page, button) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 20_000 }),
    page.getByRole('button', { name: button }).click(),
  ]);
  const failure = await download.failure();
  if (failure) throw new Error(`${button} failed: ${failure}`);
  return readFileSync(await download.path());
}

function check(condition, what) {
  if (!condition) throw new Error(what);
}

/** Polls `predicate` until it holds, or fails naming `what`. */
async function waitUntil(predicate, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await predicate().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** A salesman's realtime socket (docs/realtime.md), resolved once the hub's welcome arrives. */
function openSocket(base, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/realtime?access_token=${encodeURIComponent(token)}`);
    const timer = setTimeout(() => reject(new Error('no welcome from the tenant hub')), 10_000);
    ws.addEventListener('message', (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.type === 'welcome') {
        clearTimeout(timer);
        resolve({ ws, welcome: frame });
      }
    });
    ws.addEventListener('error', () => reject(new Error('the realtime socket failed to open')));
  });
}

/**
 * The customers' dots on the Live map's canvas, read from its pixels (the canvas has no elements to find):
 * how many pixels have the customer colour, and the screen positions of a few dot centres that are in
 * view and not under a salesman's dot.
 */
function customerDots(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="live-map"] .leaflet-customers-pane canvas');
    if (!canvas) return { painted: 0, spots: [] };
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const isDot = (x, y) => {
      const i = (y * width + x) * 4;
      return pixels[i] === 0x6d && pixels[i + 1] === 0x3f && pixels[i + 2] === 0xc0 && pixels[i + 3] === 255;
    };
    const box = canvas.getBoundingClientRect();
    const view = document.querySelector('[data-testid="live-map"]').getBoundingClientRect();
    // The salesmen's dots (their own canvas) take the clicks on them.
    const salesmenBox = document
      .querySelector('[data-testid="live-map"] canvas.salesman-canvas')
      ?.getBoundingClientRect();
    const salesmen = [...document.querySelectorAll('[data-testid="map-salesmen"] li')].map((li) => ({
      x: (salesmenBox?.left ?? 0) + Number(li.dataset.canvasX),
      y: (salesmenBox?.top ?? 0) + Number(li.dataset.canvasY),
    }));
    let painted = 0;
    const spots = [];
    for (let y = 2; y < height - 2; y++) {
      for (let x = 2; x < width - 2; x++) {
        if (!isDot(x, y)) continue;
        painted++;
        if (spots.length >= 8 || !(isDot(x - 2, y) && isDot(x + 2, y) && isDot(x, y - 2) && isDot(x, y + 2))) continue;
        const at = { x: box.left + (x * box.width) / width, y: box.top + (y * box.height) / height };
        if (at.x < view.left + 40 || at.x > view.right - 40 || at.y < view.top + 60 || at.y > view.bottom - 30)
          continue;
        if (spots.some((s) => Math.hypot(s.x - at.x, s.y - at.y) < 30)) continue;
        if (salesmen.some((s) => Math.hypot(s.x - at.x, s.y - at.y) < 14)) continue;
        if (document.elementFromPoint(at.x, at.y)?.closest('.leaflet-control, .map-layers')) continue;
        spots.push(at);
      }
    }
    return { painted, spots };
  });
}

/** A screen point inside the heat map where its canvas has `rgb` (a cell of that class), or null. */
function heatSpot(page, [r, g, b]) {
  return page.evaluate(
    ({ r, g, b }) => {
      const canvas = document.querySelector('[data-testid="heatmap-map"] .leaflet-overlay-pane canvas');
      const map = document.querySelector('[data-testid="heatmap-map"]').getBoundingClientRect();
      if (!canvas) return null;
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
      const box = canvas.getBoundingClientRect();
      const [top, bottom] = [Math.max(map.top, 0), Math.min(map.bottom, window.innerHeight)];
      // Blended with its fill opacity, so match loosely.
      const near = (i) => Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 40;
      for (let y = 0; y < height; y += 2) {
        for (let x = 0; x < width; x += 2) {
          const i = (y * width + x) * 4;
          if (pixels[i + 3] === 0 || !near(i)) continue;
          const at = { x: box.left + (x * box.width) / width, y: box.top + (y * box.height) / height };
          if (at.x > map.left + 60 && at.x < map.right - 20 && at.y > top + 20 && at.y < bottom - 20) return at;
        }
      }
      return null;
    },
    { r, g, b },
  );
}

/** How many pixels of the heat map's canvas (its cells) are painted. */
function heatPixels(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="heatmap-map"] .leaflet-overlay-pane canvas');
    if (!canvas) return 0;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return painted;
  });
}

/**
 * The salesman as the Live map drew him on its canvas, or null: the fix drawn (the data of his entry in
 * the map's list of salesmen), the dot's centre on the page and the canvas's pixel there ([r, g, b, a]).
 */
async function markerOf(page, salesmanId) {
  const drawn = await page.evaluate((id) => {
    const item = document.querySelector(`[data-testid="map-salesmen"] li[data-salesman-id="${id}"]`);
    const canvas = document.querySelector('[data-testid="live-map"] canvas.salesman-canvas');
    if (!item?.dataset.lat || !canvas) return null;
    const box = canvas.getBoundingClientRect();
    return {
      lat: Number(item.dataset.lat),
      lng: Number(item.dataset.lng),
      status: item.dataset.status,
      x: box.left + Number(item.dataset.canvasX),
      y: box.top + Number(item.dataset.canvasY),
    };
  }, salesmanId);
  return drawn && { ...drawn, pixel: await salesmenPixel(page, drawn) };
}

/** The salesmen's canvas at a point of the page: [r, g, b, a]. */
function salesmenPixel(page, { x, y }) {
  return page.evaluate(
    ({ x, y }) => {
      const canvas = document.querySelector('[data-testid="live-map"] canvas.salesman-canvas');
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const at = [Math.floor((x - box.left) * scale), Math.floor((y - box.top) * scale)];
      return [...canvas.getContext('2d').getImageData(at[0], at[1], 1, 1).data];
    },
    { x, y },
  );
}

function sameColour(pixel, rgb) {
  return pixel[3] === 255 && rgb.every((c, i) => Math.abs(pixel[i] - c) <= 1);
}

/** Web Mercator's y of a latitude, in degrees (as its x is the longitude). */
function mercator(lat) {
  return (Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * 180) / Math.PI;
}

function round6(n) {
  return Math.round(n * 1e6) / 1e6;
}

/** A point in a territory: its outer ring's vertex average, moved apart per salesman so dots do not overlap. */
function pointIn(boundary, n) {
  const ring = boundary?.type === 'MultiPolygon' ? boundary.coordinates[0][0] : boundary?.coordinates[0];
  if (!ring) return { lat: round6(52.52 + n * 0.01), lng: round6(13.4 + n * 0.01) };
  const [lng, lat] = ring.reduce(([x, y], [px, py]) => [x + px / ring.length, y + py / ring.length], [0, 0]);
  return { lat: round6(lat + 0.05 * Math.sin(n * 2.4)), lng: round6(lng + 0.08 * Math.cos(n * 2.4)) };
}
