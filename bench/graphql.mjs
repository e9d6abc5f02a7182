// GraphQL vs REST (target P3, docs/benchmarks.md): the same read — one order with its customer and its
// lines — through POST /graphql (one request) and through REST (GET /v1/orders/{id}, which includes the
// lines, then GET /v1/customers/{customerId}: two requests), against one server pinned to core 0 (the
// Worker built once in one workerd process, or `wrangler dev` with --runtime wrangler-dev), autocannon on
// core 1, in one run.
//   npm run bench:graphql [-- --duration 10 --connections 16 --rounds 3 --runtime workerd]
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  autocannon,
  buildWorker,
  call as callAt,
  fmt,
  freshDatabase,
  haveTaskset,
  root,
  runtimeLabel,
  startServer,
  stopAll,
  summarise,
  waitFor,
} from './lib.mjs';
import { writeBenchmarkSection } from './report.mjs';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    runtime: { type: 'string', default: 'workerd' },
  },
});
const STATE = join(root, '.wrangler', 'bench-graphql-state');
const PORT = 8793;
const BASE = `http://127.0.0.1:${PORT}`;
const call = (method, path, body, token) => callAt(BASE, method, path, body, token);

/** The fields REST returns for an order with lines and for a customer, so both sides carry the same data. */
const QUERY = `query Order($id: ID!) {
  order(id: $id) {
    uuid version createdAt updatedAt deletedAt status currency subtotalMinor discountMinor totalMinor paidMinor
    notes orderedAt confirmedAt fulfilledAt cancelledAt cancelReason
    salesman { uuid } visit { uuid }
    customer { uuid version createdAt updatedAt deletedAt name email phone company address city lat lng notes
      territory { uuid } salesman { uuid } }
    lines { uuid position quantity unitPriceMinor discountBps lineTotalMinor product { uuid } }
  }
}`;

async function prepareData() {
  const session = await call('POST', '/v1/auth/signup', {
    tenantName: 'Bench GraphQL Co',
    name: 'Bench Owner',
    email: 'owner@bench-graphql.test',
    password: 'bench-password-123',
    currency: 'EUR',
  });
  const token = session.accessToken;
  const products = [];
  for (let i = 0; i < 5; i++) {
    products.push(
      await call(
        'POST',
        '/v1/products',
        { sku: `G-${i}`, name: `Product ${i}`, priceMinor: 100 + i, initialStock: 1000 },
        token,
      ),
    );
  }
  const customer = await call('POST', '/v1/customers', { name: 'Kiosk', city: 'Berlin', lat: 52.5, lng: 13.4 }, token);
  const order = await call(
    'POST',
    '/v1/orders',
    { customerId: customer.id, lines: products.map((p, i) => ({ productId: p.id, quantity: i + 1 })) },
    token,
  );
  return { token, order, customer };
}

/** Both answers must hold the same order, customer and lines before anything is timed. */
async function checkSameData({ token, order }) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { id: order.id } }),
  });
  const { data, errors } = await res.json();
  const restOrder = await call('GET', `/v1/orders/${order.id}`, undefined, token);
  const restCustomer = await call('GET', `/v1/customers/${restOrder.customerId}`, undefined, token);
  const same =
    !errors &&
    data.order.uuid === restOrder.id &&
    data.order.totalMinor === restOrder.totalMinor &&
    data.order.customer.name === restCustomer.name &&
    data.order.lines.map((l) => l.uuid).join() === restOrder.lines.map((l) => l.id).join();
  if (!same) throw new Error(`GraphQL and REST disagree: ${JSON.stringify({ errors, data, restOrder })}`);
}

async function main() {
  freshDatabase(STATE);
  const config = buildWorker(join(root, 'wrangler.jsonc'), mkdtempSync(join(tmpdir(), 'fieldline-bench-graphql-')));
  startServer({ config, port: PORT, stateDir: STATE, runtime: opts.runtime });
  await waitFor(`${BASE}/health`);
  console.log('server up; preparing data');
  const data = await prepareData();
  await checkSameData(data);
  const auth = { authorization: `Bearer ${data.token}` };
  const load = { duration: opts.duration, connections: opts.connections };
  const sides = {
    graphql: () =>
      autocannon(`${BASE}/graphql`, {
        ...load,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY, variables: { id: data.order.id } }),
      }),
    restOrder: () => autocannon(`${BASE}/v1/orders/${data.order.id}`, { ...load, headers: auth }),
    restCustomer: () => autocannon(`${BASE}/v1/customers/${data.customer.id}`, { ...load, headers: auth }),
  };
  const runs = { graphql: [], restOrder: [], restCustomer: [] };
  // Alternate the sides so drift in machine load hits all of them alike.
  for (let i = 0; i < Number(opts.rounds); i++) {
    for (const [name, side] of Object.entries(sides)) runs[name].push(side());
    console.log(`round ${i + 1}/${opts.rounds} done`);
  }
  stopAll();

  const g = summarise(runs.graphql);
  const o = summarise(runs.restOrder);
  const c = summarise(runs.restCustomer);
  // A REST read is the two requests in a row: its time is the sum of theirs at saturation.
  const restReads = 1 / (1 / o.rps + 1 / c.rps);
  const failures = (r) => r.non2xx + r.errors;
  const section = [
    '## GraphQL vs REST (P3): one order with its customer and lines',
    '',
    `Command: \`npm run bench:graphql -- --duration ${opts.duration} --connections ${opts.connections} --rounds ${opts.rounds} --runtime ${opts.runtime}\``,
    `Date: ${new Date().toISOString().slice(0, 10)} · Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version} · ` +
      `Runtime: ${runtimeLabel(opts.runtime)}${haveTaskset ? ', server pinned to core 0, autocannon to core 1' : ''}.`,
    `The read: one order (5 lines) with its customer, the same fields on both sides. GraphQL: one POST /graphql ` +
      '(`order(id)` with `customer` and `lines`; 3 D1 queries: order, lines, customer). REST: GET /v1/orders/{id} ' +
      '(order with lines; 2 queries) then GET /v1/customers/{customerId} (1 query), so one REST read is two requests; ' +
      'REST reads/s = 1 / (1/order req/s + 1/customer req/s), each measured alone at saturation.',
    `Medians of ${opts.rounds} alternating ${opts.duration}-second runs with ${opts.connections} connections. Latencies in ms.`,
    '',
    '| side | req/s | p50 | p99 | reads/s | non-2xx + errors |',
    '|---|---|---|---|---|---|',
    `| GraphQL: POST /graphql | ${fmt(g.rps)} | ${fmt(g.p50)} | ${fmt(g.p99)} | ${fmt(g.rps)} | ${failures(g)} |`,
    `| REST: GET /v1/orders/{id} | ${fmt(o.rps)} | ${fmt(o.p50)} | ${fmt(o.p99)} | — | ${failures(o)} |`,
    `| REST: GET /v1/customers/{id} | ${fmt(c.rps)} | ${fmt(c.p50)} | ${fmt(c.p99)} | — | ${failures(c)} |`,
    `| REST read (both requests) | — | — | — | ${fmt(restReads)} | — |`,
    '',
    `GraphQL ÷ REST reads/s: **${(g.rps / restReads).toFixed(2)}×** (target P3: ≥ 0.5×). ` +
      `Against the order request alone (REST without the customer): ${(g.rps / o.rps).toFixed(2)}×.`,
  ].join('\n');
  writeBenchmarkSection(join(root, 'docs', 'benchmarks.md'), 'graphql', section);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
