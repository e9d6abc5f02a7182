// Markdown for the realtime section of docs/benchmarks.md, from the results of bench/realtime.mjs.

const ms = (x) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const n0 = (x) => (x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const pct = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(x >= 99.95 ? 0 : 1)}%`);
const errorsOf = (r) => Object.values(r.errors).reduce((s, v) => s + v, 0);
const ratio = (a, b) => (a === null || b === null || !b ? '—' : `${(a / b).toFixed(2)}×`);

/** Mean latency of fixes sent in the first and in the last second of the window. */
const drift = (r) => {
  const m = r.meanLatencyBySecond.filter((x) => x !== null);
  return m.length ? `${m[0]} → ${m.at(-1)}` : '—';
};

function row(label, r) {
  return `| ${label} | ${r.dashboards} | ${r.salesmen} | ${n0(r.offeredUpdatesPerSec)} | ${n0(r.deliveriesPerSec)} | ${pct(r.deliveredPct)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} | ${errorsOf(r)} | ${drift(r)} | ${n0(r.serverCpuPct)}% | ${n0(r.loadCpuPct)}% | ${r.coreBusyPct?.join(' / ') ?? '—'}% | ${n0(r.othersPct)}% |`;
}

const HEADER = [
  '| server | dashboards | salesmen | offered updates/s | deliveries/s | delivered | p50 | p95 | p99 | max | errors | mean, first → last s | server CPU | load CPU | cores 0 / 1 busy | other processes |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

function ratios(ours, theirs, label) {
  return `| ${label} | ${ratio(ours.p50, theirs.p50)} | ${ratio(ours.p95, theirs.p95)} | ${ratio(ours.p99, theirs.p99)} | ${ratio(ours.deliveriesPerSec, theirs.deliveriesPerSec)} |`;
}

/** Whether the full scale was driven: sockets that connected in each phase, and how long opening took. */
function connected(phases, dashboards, salesmen) {
  const full = phases.every((r) => r.dashboards === dashboards && r.salesmen === salesmen);
  const detail = phases
    .map((r) => `${r.target}/${r.mode} ${r.dashboards} + ${r.salesmen} in ${r.connectS.toFixed(0)} s`)
    .join('; ');
  const disturbed = phases.some((r) => (r.tries ?? 1) > 1 || (r.othersPct ?? 0) > 20);
  return (
    `${full ? `Full scale driven, no scale-down: every phase had all ${dashboards} dashboards and ${salesmen} salesmen connected` : `NOT at full scale (${dashboards} + ${salesmen} asked)`} ` +
    `(${detail}).` +
    (disturbed
      ? ' Other processes shared the machine: a phase whose window they disturbed was run again (up to 3 times) and the' +
        ' least disturbed attempt is shown; "other processes" says how much CPU they still took in it.'
      : '')
  );
}

/** workerd's own fan-out cost (a bare Durable Object) and what it means for the latency target. */
function floorText(floor, hub, scaled) {
  return (
    `**Fan-out floor of workerd on this machine.** A bare Durable Object with no Fieldline code ` +
    `(bench/realtime/floor/worker.js, served and pinned like the hub) sending ${floor.rounds} rounds of one ` +
    `${floor.bytes}-byte frame to each of ${floor.sockets} hibernatable sockets used ${ms(floor.usPerFrame)} µs of CPU per ` +
    `frame: ${ms(floor.msPerRound)} ms of one core per round (${ms(floor.wallMsPerRound)} ms wall until the last socket had ` +
    `it). Within a round the last dashboard gets its frame that much later than the first, whatever the server does, ` +
    `so at ${floor.sockets} dashboards a p95 of 28 ms is below what workerd can do on one core of this machine; ` +
    `the hub's p95 there is ${ms(hub.p95)} ms.` +
    (scaled
      ? ` Scaled down to ${scaled.dashboards} dashboards (a round costs about ${ms((floor.usPerFrame * scaled.dashboards) / 1000)} ms), ` +
        `the same ${scaled.salesmen} salesmen at 1 Hz are delivered with p95 ${ms(scaled.p95)} ms ` +
        `(target ≤ 28 ms: ${scaled.p95 !== null && scaled.p95 <= 28 ? 'met' : 'not met'}).`
      : '')
  );
}

/** The highest offered rate a mode kept up with, and whether the steps ran out before it fell behind. */
function sustainable(steps, keptUp) {
  let best = null;
  for (const s of steps) if (keptUp(s)) best = s;
  const fellBehind = steps.some((s) => !keptUp(s));
  return { rate: best ? best.offeredUpdatesPerSec : null, lowerBound: !fellBehind };
}

export function renderReport(results, meta) {
  const { floor, hub, hubScaled, hubDev, sioPlain, sioBatched, p6 } = results;
  const keptUp = (r) => r.deliveredPct >= meta.keepUp.pct && r.p99 !== null && r.p99 <= meta.keepUp.p99;
  const o = meta.opts;
  const lines = [
    `Command: \`${meta.command}\``,
    `Date: ${meta.date} · Machine: ${meta.machine} · Hub: the built Worker in one workerd process with local D1 ` +
      '(bench/serve-worker.mjs: Miniflare with the bindings wrangler derives from wrangler.jsonc)' +
      `${meta.pinned ? '; each server pinned to core 0 in turn, the load generator (Node + `ws` / `socket.io-client`) to core 1' : ''}.`,
    '',
    `One tenant; ${hub.dashboards} dashboard sockets (all with one manager's token) and ${hub.salesmen} salesmen ` +
      `(each his own user, profile and token) sending one GPS fix per second for ${o.duration} s after ${o.warmup} s of warm-up; ` +
      `fixes still in flight ${o.drain} s after the last send count as lost. Latency is send → dashboard receipt on the ` +
      'load machine (one clock), in ms, over every delivery to every dashboard. Sockets are opened ' +
      `${o['open-batch']} at a time. Server CPU is the whole process tree (node + workerd) in % of one core.`,
    '',
    ...HEADER,
    row('Fieldline hub (coalesced, 20 ms batches)', hub),
    ...(hubScaled ? [row('Fieldline hub, scaled down (see the floor below)', hubScaled)] : []),
    ...(hubDev ? [row('Fieldline hub under `wrangler dev` (its dev proxy relays every frame)', hubDev)] : []),
    row('Socket.IO, one message per fix', sioPlain),
    row('Socket.IO, same coalescing + 20 ms batches', sioBatched),
    '',
    connected([hub, ...(hubDev ? [hubDev] : []), sioPlain, sioBatched], Number(o.dashboards), Number(o.salesmen)),
    ...(floor ? ['', floorText(floor, hub, hubScaled)] : []),
    '',
    'Fieldline ÷ Socket.IO (latency: below 1 is faster; deliveries/s: above 1 is more):',
    '',
    '| versus | p50 | p95 | p99 | deliveries/s |',
    '|---|---|---|---|---|',
    ratios(hub, sioPlain, 'Socket.IO, one message per fix'),
    ratios(hub, sioBatched, 'Socket.IO, coalesced + batched'),
    '',
    '"mean, first → last s" is the mean latency of the fixes sent in the first and in the last second of the ' +
      'window: a latency that climbs through the run means the server is falling behind. The hub spaces a ' +
      "salesman's updates by about 1 s counted between the arrivals of the fixes it forwards (100 ms slack), so a " +
      'phone reporting once a second has every fix forwarded after at most one batching window. The Socket.IO ' +
      'coalesced variant is an older port of the algorithm that spaces updates from send time; it drifts.',
    ...(hubDev
      ? [
          '',
          '`wrangler dev` serves the Worker behind a development proxy: a second workerd process whose proxy Durable ' +
            'Object forwards each request and relays each WebSocket frame. That proxy does not exist in production, so ' +
            'the hub is measured without it; the row under `wrangler dev` shows what it costs.',
        ]
      : []),
  ];
  if (p6) {
    const b = sustainable(p6.batched, keptUp);
    const u = sustainable(p6.unbatched, keptUp);
    const fmt = (s) => (s.rate === null ? 'none of the steps' : `${s.lowerBound ? '≥ ' : ''}${n0(s.rate)} updates/s`);
    const r =
      b.rate !== null && u.rate !== null
        ? `${b.lowerBound ? '≥ ' : ''}${(b.rate / u.rate).toFixed(1)}×`
        : b.rate !== null
          ? `> ${(b.rate / (p6.unbatched[0]?.offeredUpdatesPerSec ?? 1)).toFixed(1)}× (unbatched kept up with no step)`
          : '—';
    lines.push(
      '',
      `**P6, batching.** The same hub with \`REALTIME_LOCATION_BATCH_MS=0\` (every fix in its own frame) and with the ` +
        `default 20 ms, ${p6.batched[0]?.dashboards ?? o['p6-dashboards']} dashboards, the offered rate raised by adding salesmen (${o['p6-rate']} fix/s each, ` +
        'just under the coalescer’s 1 s spacing so that no fix is held back and only batching differs) ' +
        `through ${o['p6-steps']} until dashboards fall behind (under ${meta.keepUp.pct}% delivered or p99 over ` +
        `${meta.keepUp.p99} ms), ${o['p6-duration']} s per step. Every hub phase starts once the hub has written ` +
        'the GPS trail of the earlier phases to D1 (its trail buffer is empty).',
      '',
      ...HEADER,
      ...p6.batched.map((s) => row('batched (20 ms)', s)),
      ...p6.unbatched.map((s) => row('one frame per fix (0 ms)', s)),
      '',
      `Sustainable: batched ${fmt(b)}, unbatched ${fmt(u)}; ratio ${r}.`,
    );
  }
  return lines.join('\n');
}
