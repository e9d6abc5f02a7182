/**
 * The offline sync contract as a property (docs/sync.md), against the real Worker and database: the
 * package's SyncClient on every phone, talking to the Worker in-process through a network that loses
 * requests before or after the server commits them, sends them twice, delivers an old push late, and
 * cuts pulls between pages, while the office changes records over REST and phones restart from their
 * storage. Whatever fast-check interleaves, once everyone syncs on a good network:
 *
 * - every client's store equals what a fresh pull gives that user (same records, same versions);
 * - every mutation any client queued was processed exactly once (the server's outcome records are the
 *   ids 1..n of each client, none missing, and no record was created twice);
 * - every conflict a client was told about is recorded, and every recorded conflict belongs to an
 *   applied mutation.
 *
 * Seeded: a failure prints the seed and the shrunk command list; the same SEED replays it.
 */

import { exports } from 'cloudflare:workers';
import { MemorySyncStorage, SyncClient, type SyncStorage, type ViewRecord } from '@fieldline/client';
import type { components } from '@fieldline/client/rest';
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PULL_ENTITY_NAMES } from '../../src/contracts/sync.schemas';
import { events, syncConflicts, syncMutations } from '../../src/db/tables';
import { newId } from '../../src/lib/ids';
import { testDatabaseKind, testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { createProduct } from '../helpers/sales-factories';

const SEED = 20_261_204;
const runs = () => (testDatabaseKind() === 'postgres' ? 3 : 12);
const ORIGIN = 'https://fieldline.test';

// ------------------------------------------------------------------ the world of one run

type Fault = 'none' | 'lostBefore' | 'lostAfter' | 'duplicate' | 'cutPull' | 'late';

/** The network between one phone and the Worker: the next sync's first request meets `fault`. */
class FlakyNetwork {
  fault: Fault = 'none';
  private pulls = 0;
  /** The phone's last push as it went out, for a copy that arrives late (a retry overtaken by newer ones). */
  private lastPush: { url: string; init: RequestInit } | null = null;

  arm(fault: Fault) {
    this.fault = fault;
    this.pulls = 0;
  }

  readonly fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const send = () => exports.default.fetch(new Request(url, init));
    const old = this.lastPush;
    if (url.includes('/v1/sync/push')) this.lastPush = { url, init };
    const fault = this.fault;
    if (fault === 'late') {
      // An old push, delayed somewhere on the way, reaches the server before this request does.
      this.fault = 'none';
      if (old) await (await exports.default.fetch(new Request(old.url, old.init))).text();
      return send();
    }
    const isPull = url.includes('/v1/sync/pull');
    if (fault === 'cutPull') {
      if (!isPull) return send();
      // The first page arrives, the connection drops before the second.
      if (++this.pulls === 2) {
        this.fault = 'none';
        throw new TypeError('network connection lost');
      }
      return send();
    }
    this.fault = 'none';
    if (fault === 'lostBefore') throw new TypeError('network unreachable');
    if (fault === 'lostAfter') {
      await (await send()).text();
      throw new TypeError('connection reset before the answer');
    }
    if (fault === 'duplicate') {
      // A retrying proxy: the request reaches the server twice, the client sees the second answer.
      const copy = new Request(url, init).clone();
      await (await exports.default.fetch(copy)).text();
      return send();
    }
    return send();
  };
}

interface Phone {
  name: string;
  token: string;
  storage: SyncStorage;
  network: FlakyNetwork;
  client: SyncClient;
  queued: number;
  /** `${clientId}:${mutationId}` of every conflict the client heard of. */
  heardConflicts: Set<string>;
}

const idleTimers = { setTimeout: () => 0, clearTimeout: () => {} };

function openClient(phone: Omit<Phone, 'client'>): SyncClient {
  const client: SyncClient = new SyncClient({
    baseUrl: ORIGIN,
    storage: phone.storage,
    getToken: () => phone.token,
    fetch: phone.network.fetch,
    // The test drives every sync; no timer may start one behind its back.
    timers: idleTimers,
    pullLimit: 7,
    onConflicts: (m) => phone.heardConflicts.add(`${client.state.clientId}:${m.id}`),
  });
  return client;
}

interface World {
  t: TestTenant;
  phones: Phone[];
  productId: string;
  customerIds: string[];
  salesmanIds: string[];
}

async function world(): Promise<World> {
  const t = await createTenant();
  const s1 = await createSalesmanUser(t);
  const s2 = await createSalesmanUser(t);
  const manager = await createUserWithRole(t, 'manager');
  const productId = await createProduct(t, { priceMinor: 500, onHand: 1000 });
  const customerIds: string[] = [];
  for (const salesmanId of [s1.salesmanId, s1.salesmanId, s2.salesmanId, s2.salesmanId, null]) {
    customerIds.push((await createCustomer(t.token, { salesmanId, notes: 'first notes' })).id);
  }
  const phones = [
    { name: 'salesman 1', token: s1.token },
    { name: 'salesman 2', token: s2.token },
    { name: 'manager', token: manager.token },
  ].map(({ name, token }) => {
    const phone = {
      name,
      token,
      storage: new MemorySyncStorage(),
      network: new FlakyNetwork(),
      queued: 0,
      heardConflicts: new Set<string>(),
    };
    return { ...phone, client: openClient(phone) };
  });
  return { t, phones, productId, customerIds, salesmanIds: [s1.salesmanId, s2.salesmanId] };
}

// ------------------------------------------------------------------ commands

type Command =
  | { kind: 'mutate'; phone: number; action: number; pick: number; text: string }
  | { kind: 'sync'; phone: number; fault: Fault }
  | { kind: 'restart'; phone: number }
  | { kind: 'office'; action: number; pick: number; text: string };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('mutate' as const),
      phone: fc.nat(2),
      action: fc.nat(5),
      pick: fc.nat(20),
      text: fc.string({ maxLength: 12 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      phone: fc.nat(2),
      fault: fc.constantFrom<Fault>('none', 'lostBefore', 'lostAfter', 'duplicate', 'cutPull', 'late'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), phone: fc.nat(2) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('office' as const),
      action: fc.nat(2),
      pick: fc.nat(20),
      text: fc.string({ maxLength: 12 }),
    }),
  },
);

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);
const fixAt = { lat: 52.52, lng: 13.405, accuracy: 10 };

/** What a phone's user does: something sensible for what the phone shows now, or nothing. */
async function mutate(w: World, phone: Phone, c: Extract<Command, { kind: 'mutate' }>) {
  const { client } = phone;
  await client.ready();
  const visits = client.list('visit');
  const orders = client.list('order');
  const customers = client.list('customer');
  const queue = async (name: string, args: Record<string, unknown>) => {
    await client.mutate(name, args);
    phone.queued += 1;
  };
  const notes = `${phone.name}: ${c.text}`;
  if (phone.name === 'manager') {
    const customer = pick(customers, c.pick);
    const visit = pick(visits, c.pick);
    if (c.action % 2 === 0 && customer) {
      await queue('customer.update', { id: customer.id, notes, ...based(customer) });
    } else if (visit) {
      await queue('visit.update', { id: visit.id, notes, ...based(visit) });
    }
    return;
  }
  const customer = pick(customers, c.pick);
  const planned = visits.filter((v) => v.record.status === 'planned');
  const drafts = orders.filter((o) => o.record.status === 'draft');
  switch (c.action) {
    case 0:
    case 1:
      if (customer) await queue('visit.create', { id: newId(), customerId: customer.id });
      return;
    case 2: {
      const visit = pick(planned, c.pick);
      if (visit) await queue('visit.checkIn', { id: visit.id, ...fixAt, at: new Date().toISOString() });
      return;
    }
    case 3:
      if (customer) {
        const lines = [{ productId: w.productId, quantity: 1 + (c.pick % 3) }];
        await queue('order.create', { id: newId(), customerId: customer.id, lines });
      }
      return;
    case 4: {
      const order = pick(drafts, c.pick);
      if (order) await queue('order.update', { id: order.id, notes, ...based(order) });
      return;
    }
    default: {
      const visit = pick(visits, c.pick);
      if (visit) await queue('visit.update', { id: visit.id, notes, ...based(visit) });
    }
  }
}

/** The version an edit is based on, when the phone has pulled the record. */
const based = (r: ViewRecord) => (r.version === null ? {} : { expectedVersion: r.version });

/** The office at work over REST: notes, a customer handed to the other salesman, a price change. */
async function office(w: World, c: Extract<Command, { kind: 'office' }>) {
  const customerId = pick(w.customerIds, c.pick) as string;
  const token = w.t.token;
  if (c.action === 0) {
    await answered(
      rest(token).PATCH('/v1/customers/{id}', {
        params: { path: { id: customerId } },
        body: { notes: `office: ${c.text}` },
      }),
    );
  } else if (c.action === 1) {
    const salesmanId = pick(w.salesmanIds, c.pick + 1);
    await answered(
      rest(token).PATCH('/v1/customers/{id}', { params: { path: { id: customerId } }, body: { salesmanId } }),
    );
  } else {
    await answered(
      rest(token).PATCH('/v1/products/{id}', {
        params: { path: { id: w.productId } },
        body: { priceMinor: 400 + (c.pick % 5) * 50 },
      }),
    );
  }
}

async function play(w: World, c: Command) {
  if (c.kind === 'office') return office(w, c);
  const phone = w.phones[c.phone] as Phone;
  if (c.kind === 'mutate') return mutate(w, phone, c);
  if (c.kind === 'restart') {
    phone.client.stop();
    phone.client = openClient(phone);
    return;
  }
  phone.network.arm(c.fault);
  await phone.client.sync();
  phone.network.arm('none');
}

// ------------------------------------------------------------------ the end state

/** A fresh pull of the user's whole working set: (entity, id) → version and record. */
async function freshPull(token: string) {
  const records = new Map<string, components['schemas']['SyncChange']>();
  let cursor: string | undefined;
  for (;;) {
    const page = await answered(rest(token).GET('/v1/sync/pull', { params: { query: { limit: 1000, cursor } } }));
    expect(page.status).toBe(200);
    for (const change of page.body.changes) {
      if (change.op === 'upsert') records.set(`${change.entity}/${change.id}`, change);
      else records.delete(`${change.entity}/${change.id}`);
    }
    if (!page.body.hasMore) return records;
    cursor = page.body.cursor;
  }
}

async function settle(w: World) {
  // Two rounds: a phone that synced first must still hear of what the others pushed after it.
  for (let round = 0; round < 2; round++) {
    for (const phone of w.phones) {
      phone.network.arm('none');
      const state = await phone.client.sync();
      expect(state.blocked, `${phone.name} blocked`).toBeNull();
      expect(state.pending, `${phone.name} has unsent mutations`).toBe(0);
    }
  }
}

async function checkEndState(w: World) {
  await settle(w);
  const db = testDb();
  for (const phone of w.phones) {
    const clientId = phone.client.state.clientId as string;
    // Exactly once: the server processed ids 1..n of this client, n being what the phone queued.
    const processed = await db
      .select({ id: syncMutations.mutationId, status: syncMutations.status })
      .from(syncMutations)
      .where(and(eq(syncMutations.tenantId, w.t.tenantId), eq(syncMutations.clientId, clientId)))
      .orderBy(syncMutations.mutationId);
    expect(
      processed.map((p) => p.id),
      `${phone.name}: outcome records`,
    ).toEqual(Array.from({ length: phone.queued }, (_, i) => i + 1));

    // The phone holds what a fresh pull gives its user.
    const server = await freshPull(phone.token);
    const local = new Map<string, { version: number | null; record: unknown }>();
    for (const entity of PULL_ENTITY_NAMES) {
      for (const r of phone.client.list(entity)) {
        expect(r.pending, `${phone.name}: ${entity} ${r.id} still pending`).toBe(false);
        local.set(`${entity}/${r.id}`, { version: r.version, record: r.record });
      }
    }
    expect([...local.keys()].sort(), `${phone.name}: records held`).toEqual([...server.keys()].sort());
    for (const [key, held] of local) {
      const truth = server.get(key);
      expect(held.version, `${phone.name}: ${key} version`).toBe(truth?.version);
      expect(held.record, `${phone.name}: ${key}`).toEqual(truth?.record);
    }

    // Every conflict the phone heard of is recorded.
    const recorded = await db
      .select({ clientId: syncConflicts.clientId, mutationId: syncConflicts.mutationId })
      .from(syncConflicts)
      .where(eq(syncConflicts.tenantId, w.t.tenantId));
    const keys = new Set(recorded.map((r) => `${r.clientId}:${r.mutationId}`));
    for (const heard of phone.heardConflicts) expect(keys.has(heard), `conflict ${heard} recorded`).toBe(true);
    // And every recorded conflict belongs to a mutation applied for its client.
    const applied = new Set(processed.filter((p) => p.status === 'applied').map((p) => `${clientId}:${p.id}`));
    for (const r of recorded.filter((r) => r.clientId === clientId)) {
      expect(applied.has(`${r.clientId}:${r.mutationId}`), 'conflict of an applied mutation').toBe(true);
    }
  }
  // No record was created twice.
  const created = await db
    .select({ type: events.type, entityId: events.entityId })
    .from(events)
    .where(eq(events.tenantId, w.t.tenantId));
  const creations = created.filter((e) => e.type.endsWith(':created')).map((e) => `${e.type}/${e.entityId}`);
  expect(creations.length).toBe(new Set(creations).size);
}

describe('offline sync, as a property', () => {
  it("leaves every phone with its user's server state, each mutation applied once, every conflict recorded", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 60 }), async (commands) => {
        const w = await world();
        // Every phone starts from its first pull (an install), then goes its own way.
        for (const phone of w.phones) await phone.client.sync();
        for (const c of commands) await play(w, c);
        await checkEndState(w);
        for (const phone of w.phones) phone.client.stop();
      }),
      { seed: SEED, numRuns: runs() },
    );
  }, 600_000);
});
