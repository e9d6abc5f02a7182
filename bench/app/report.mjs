// The docs/benchmarks.md section of `npm run bench:app`, from its results.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const spread = (xs) => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;

const MARKS = [
  ['socket', 'realtime socket open (indicator at Live)'],
  ['basemap', 'basemap drawn (country shapes)'],
  ['team', 'team listed (every active salesman)'],
  ['interactive', '**interactive** (all three)'],
  ['firstMove', '**first live marker move** (a fix sent at interactive)'],
  ['customers', 'customer layer drawn'],
];

export function renderAppReport(r) {
  const m = r.machine;
  const lines = [
    '## Web app: the Live screen in a browser (issue 15)',
    '',
    `Command: \`${r.command}\``,
    `Date: ${r.date} · Machine: ${m.cores} × ${m.cpu} (\`nproc\` ${m.cores}), Node ${m.node}, Chromium ${m.chromium} headless, load ${m.load.toFixed(2)} at the start · Runtime: the Worker built once and served by one workerd process with local D1 (bench/serve-worker.mjs)${m.pinned ? ' pinned to core 0, the browser pinned to core 1' : ''}; the driver and the salesmen's sockets in one Node process, unpinned; all over loopback.`,
    `Data: the seeded demo tenant (${r.options.customers} customers, ${r.options.teamSize} active salesmen: the demo's 20 plus salesman users created for the bench). Each load opens \`/app/live\` in a new tab whose session is restored the way a reload of a signed-in tab restores it (the refresh token in sessionStorage): the app's files, the token refresh, \`/v1/users/me\`, the screen's reads and its socket. **Cold**: a new browser context per load (empty HTTP cache); **warm**: one context, loaded once before the ${r.options.runs} measured loads. ${r.options.runs} loads each; median (lowest–highest), ms from the start of the navigation.`,
    '',
    '| the Live screen … | cold cache | warm cache |',
    '|---|---|---|',
  ];
  for (const [key, label] of MARKS) {
    lines.push(
      `| ${label} | ${spread(r.cold.map((x) => x.marks[key]))} | ${spread(r.warm.map((x) => x.marks[key]))} |`,
    );
  }
  const kib = (xs) => `${(median(xs) / 1024).toFixed(0)} KiB`;
  const bytes = (rs) =>
    `app files ${kib(rs.map((x) => x.bytes.app))} (${median(rs.map((x) => x.bytes.cached))} of ${median(rs.map((x) => x.bytes.files))} from the cache), API ${kib(rs.map((x) => x.bytes.api))}`;
  lines.push(`| bytes fetched by the page (transfer sizes) | ${bytes(r.cold)} | ${bytes(r.warm)} |`);
  const fixes = (rs) => rs.flatMap((x) => x.fixes);
  lines.push(
    `| a fix's latency: sent by the salesman → his marker there (${fixes(r.cold).length} fixes) | ${spread(fixes(r.cold))} | ${spread(fixes(r.warm))} |`,
  );
  const f = (x) => x.fps.toFixed(1);
  const row = (label, x) =>
    `| ${label} | ${f(x)} | ${Math.min(...x.perSecond)} | ${ms(x.worstGapMs)} | ${x.movesPerSecond.toFixed(0)} | ${x.longTasks} (${ms(x.longTaskMs)} ms) |`;
  lines.push(
    '',
    `Frame rate on the warm page, with the 2,400 customers shown: requestAnimationFrame callbacks counted over ${r.options.seconds} s, first with nobody moving, then while ${r.options.streamers} salesmen each send a GPS fix a second over their own sockets (after 3 s of warm-up).`,
    '',
    '| phase | frames/s | slowest whole second (frames) | longest gap between frames (ms) | marker moves applied/s | long tasks (total) |',
    '|---|---|---|---|---|---|',
    row('idle', r.idle),
    row(`${r.options.streamers} salesmen streaming`, r.streaming),
    '',
    "How to read them: \"interactive\" is when a manager can use the screen: the whole team listed with presence, the map drawn and the live connection up; the rest of the screen (today's figures, the customers, the salesmen's markers) keeps filling in after it. The first marker move adds one fix's trip (salesman socket → tenant hub → the dashboard's socket → the map) to it. A headless Chromium draws at most about 60 frames a second here, so a frame rate near the idle one means the map keeps up with the stream; long tasks are stretches of 50 ms or more when the page could not respond. Loopback hides network latency: on a real network add the round trips of the token refresh, the reads and the socket handshake (about five, in sequence) to the interactive time.",
  );
  return lines.join('\n');
}
