/**
 * Every operation in /openapi.json, called with requests fast-check derives from its own schemas (mostly
 * well-formed, one field corrupted, or plainly hostile: deep and huge JSON, wrong types, unicode edge
 * cases, non-UUID ids, bad cursors, malformed bodies). Whatever arrives, the API must answer without a
 * 5xx; a refusal must be problem+json with a documented code and its own status; and a refused request
 * must change nothing (no event appended to the tenant's log, which every write appends to).
 * Seeded: a failure prints the seed and the counterexample, and the same seed replays it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { testDatabaseKind } from '../helpers/db';
import { createTenant, loginAs, type TestTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { bodyFor, type KnownIds, parameterFor } from '../helpers/openapi-arbitraries';
import { answered, rest } from '../helpers/rest';
import { type Fixtures, seedTenant } from '../helpers/tenant-fixtures';

const SEED = 20_261_203;
/**
 * Requests per operation. Validation runs before any database, so the Postgres run (a connection per
 * request) tries fewer; what differs there (values reaching SQL) still gets every operation.
 */
const runsPerOperation = () => (testDatabaseKind() === 'postgres' ? 4 : 12);

interface Operation {
  method: string;
  path: string;
  op: Record<string, any>;
}

interface FuzzRequest {
  path: string;
  body?: unknown;
  raw?: { text: string; type: string };
  idempotencyKey?: string;
}

// The document is read from the Worker in beforeAll; the operations list is built from the committed
// copy at collection time so each operation is its own test (docs/openapi.json is checked against the
// Worker's by `npm run openapi:check`).
import committed from '../../docs/openapi.json';

/** Operations that remove a fixture (or end the session) run last, so the others find it. */
const removes = (o: Operation) => o.method === 'delete' || /\/(deactivate|revoke|logout)$/.test(o.path);
const operations: Operation[] = Object.entries<any>(committed.paths)
  .flatMap(([path, item]) =>
    ['get', 'post', 'patch', 'put', 'delete'].filter((m) => item[m]).map((m) => ({ method: m, path, op: item[m] })),
  )
  .sort((a, b) => Number(removes(a)) - Number(removes(b)));

let doc: any;
let owner: TestTenant;
let fixtures: Fixtures;
let documentedCodes: Set<string>;
/** Fixture ids by the body or query property that references them. */
let known: KnownIds;
/** The last sequence number of the owner's event log, as far as this file has read it. */
let lastSeq = 0;
/** The last of them that a request wrote (not the notification engine). */
let lastRequestSeq = 0;

/**
 * The seq of the last event a request wrote. The notification engine runs in the background after some
 * of them (a failed payment tells the owner) and appends its `notification` events when it does: those are
 * not the request's, and are skipped.
 */
async function readLastSeq(): Promise<number> {
  for (;;) {
    const page = await answered(
      rest(owner.token).GET('/v1/events', { params: { query: { since: Number(lastSeq), limit: 1000 } } }),
    );
    if (page.status !== 200) throw new Error(`events: ${page.status} ${JSON.stringify(page.body)}`);
    for (const event of page.body.data) {
      lastSeq = event.seq;
      if (event.actorId !== 'system:notifications') lastRequestSeq = event.seq;
    }
    if (page.body.data.length < 1000) return lastRequestSeq;
  }
}

function requestArbitrary({ path, op }: Operation): fc.Arbitrary<FuzzRequest> {
  const parameters: any[] = op.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const resource = path.split('/')[2] ?? '';
  const pathValues = fc.tuple(
    ...pathParams.map((p) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(fixtures[resource] ?? crypto.randomUUID()) },
        { weight: 1, arbitrary: parameterFor(p.schema, doc) },
      ),
    ),
  );
  const queryValues = fc.tuple(
    ...queryParams.map((p) =>
      p.required
        ? parameterFor(p.schema, doc, known).map((v) => [p.name, v])
        : // An optional parameter is left out two times in three, so most requests carry one or two.
          fc.oneof(
            { weight: 2, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: parameterFor(p.schema, doc, known).map((v) => [p.name, v]) },
          ),
    ),
  );
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const body: fc.Arbitrary<Pick<FuzzRequest, 'body' | 'raw'>> = op.requestBody
    ? fc.oneof(
        { weight: 6, arbitrary: bodyFor(bodySchema, doc, known).map((b) => ({ body: b })) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(
              { text: '{', type: 'application/json' },
              { text: '{"a":1,}', type: 'application/json' },
              { text: 'null', type: 'application/json' },
              { text: '{}', type: 'text/plain' },
              { text: '\u0000\u0001', type: 'application/octet-stream' },
            )
            .map((raw) => ({ raw })),
        },
      )
    : fc.constant({});
  const idempotencyKey = parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key')
    ? fc.option(fc.oneof(fc.uuid(), fc.constantFrom('', 'x'.repeat(300), 'key with spaces')), { nil: undefined })
    : fc.constant(undefined);
  return fc.tuple(pathValues, queryValues, body, idempotencyKey).map(([ids, query, b, key]) => {
    let i = 0;
    const filled = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(String(ids[i++])));
    const search = new URLSearchParams(query.filter((q): q is string[] => q !== undefined) as [string, string][]);
    const qs = search.toString();
    return { path: qs ? `${filled}?${qs}` : filled, ...b, ...(key !== undefined ? { idempotencyKey: key } : {}) };
  });
}

beforeAll(async () => {
  owner = await createTenant('Fuzz Co');
  fixtures = await seedTenant(owner, await createSalesmanUser(owner));
  doc = (await api('GET', '/openapi.json')).body;
  documentedCodes = new Set(doc.components.schemas.Problem.properties.code.enum);
  known = {
    customerId: fixtures.customers,
    productId: fixtures.products,
    territoryId: fixtures.territories,
    salesmanId: fixtures.salesmen,
    visitId: fixtures.visits,
    orderId: fixtures.orders,
    userId: fixtures.users,
  } as KnownIds;
  await readLastSeq();
});

describe('OpenAPI fuzz: every operation', () => {
  it('covers every operation of the served document', () => {
    const served = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      ['get', 'post', 'patch', 'put', 'delete'].filter((m) => item[m]).map((m) => `${m} ${path}`),
    );
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(served.sort());
  });

  it.each(operations.map((o, index) => ({ ...o, index, name: `${o.method.toUpperCase()} ${o.path}` })))(
    '$name',
    async (operation) => {
      // Logging out ends the session it is called with: that operation gets a session of its own.
      const token =
        operation.path === '/v1/auth/logout' ? await loginAs(owner.ownerEmail, owner.tenantId) : owner.token;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(operation), async (req) => {
          const before = await readLastSeq();
          const headers: Record<string, string> = {};
          if (req.idempotencyKey !== undefined) headers['idempotency-key'] = req.idempotencyKey;
          if (req.raw) headers['content-type'] = req.raw.type;
          const res = await api(operation.method.toUpperCase(), req.path, req.body, {
            token,
            headers,
            ...(req.raw ? { raw: req.raw.text } : {}),
          });
          expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toContain('application/problem+json');
            expect(documentedCodes.has(res.body.code), `undocumented code ${res.body.code}`).toBe(true);
            expect(res.body.status).toBe(res.status);
            expect(await readLastSeq(), 'a refused request appended to the event log').toBe(before);
          }
        }),
        { seed: SEED + operation.index, numRuns: runsPerOperation(), endOnFailure: true },
      );
    },
    120_000,
  );
});
