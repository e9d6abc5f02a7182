import type { LiveLocation } from '@fieldline/client/protocol';
import { describe, expect, it } from 'vitest';
import { HubStorage, WRITE_BEHIND_MS } from '../../src/durable/hub-storage';
import { createTenant } from '../helpers/factories';
import { createSalesmanUser, createTerritory } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect, type TestSocket } from '../helpers/ws';
import { fix, hubSql, inHub, isError, runAlarm } from './support';

const welcomed = async (token: string) => {
  const socket = await connect(token);
  await socket.next((f) => f.type === 'welcome');
  return socket;
};

/** Every location of `salesmanId` a socket has received, in order. */
const locationsOf = (socket: TestSocket, salesmanId: string): LiveLocation[] =>
  socket.frames
    .filter((f) => f.type === 'locations')
    .flatMap((f) => f.locations)
    .filter((l: LiveLocation) => l.salesmanId === salesmanId);

describe('live GPS', () => {
  it('refuses out-of-range and stale or future fixes with INVALID_MESSAGE, and the socket stays usable', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const now = Date.now();
    const bad = [
      fix({ lat: 90.5 }),
      fix({ lat: -91 }),
      fix({ lng: 180.1 }),
      fix({ lng: -181 }),
      fix({ accuracy: -1 }),
      fix({ accuracy: 20_000 }),
      fix({ speed: -3 }),
      fix({ speed: 250 }),
      fix({ heading: 361 }),
      fix({ ts: now + 6 * 60_000 }), // the device-clock rule: at most 5 minutes ahead
      fix({ ts: now - 25 * 3600_000 }),
      fix({ ts: 1.5 }),
      fix({ lat: '52.5' }),
      fix({ lat: null }),
      fix({ altitude: 30 }),
      { type: 'location', lat: 1, lng: 2 },
    ];
    for (const frame of bad) phone.send(frame);
    const errors = await phone.collect(isError('INVALID_MESSAGE'), bad.length);
    expect(errors.every((e) => e.ref === 'location')).toBe(true);
    expect(errors[9]?.message).toMatch(/ts must be within/);
    expect(errors[10]?.message).toMatch(/ts must be within/);

    // Four minutes ahead is within the rule REST check-ins follow too.
    phone.send(fix({ speed: null, heading: null, ts: now + 4 * 60_000 }));
    phone.send({ type: 'ping', id: 'ok' });
    await phone.next((f) => f.type === 'pong');
    expect(phone.frames.filter((f) => f.type === 'error')).toHaveLength(bad.length);
    // Nothing bad reached the hub's store: only the one good fix is buffered for the trail (the hub's
    // count commits its gathered writes first; the table itself has it within WRITE_BEHIND_MS).
    const stats = await answered(rest(t.token).GET('/v1/realtime/stats'));
    expect(stats.body.trailPending).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, WRITE_BEHIND_MS + 50));
    const rows = await hubSql<{ n: number }>(t.tenantId, 'SELECT COUNT(*) AS n FROM trail_buffer');
    expect(rows[0]?.n).toBe(1);
    phone.close();
  });

  it('refuses locations from someone who is not a salesman', async () => {
    const t = await createTenant();
    const dashboard = await welcomed(t.token);
    dashboard.send(fix());
    expect(await dashboard.next(isError('FORBIDDEN'))).toMatchObject({ ref: 'location' });
    dashboard.close();
  });

  it('keeps the latest location in the hub’s SQLite, for the live status and after an eviction', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const ts = Date.now();
    phone.send(fix({ lat: 48.1, lng: 11.5, ts: ts - 1000 }));
    phone.send(fix({ lat: 48.2, lng: 11.6, accuracy: 4, speed: 12.5, heading: 90, ts }));
    phone.send({ type: 'ping', id: 'sync' });
    await phone.next((f) => f.type === 'pong');

    const latest = { salesmanId: rep.salesmanId, lat: 48.2, lng: 11.6, accuracy: 4, speed: 12.5, heading: 90, ts };
    const status = await answered(
      rest(t.token).GET('/v1/salesmen/{id}/status', { params: { path: { id: rep.salesmanId } } }),
    );
    expect(status.body.location).toEqual(latest);
    // What a hub evicted from memory reads back once its gathered writes committed: the fix is stored,
    // not only remembered.
    await new Promise((resolve) => setTimeout(resolve, WRITE_BEHIND_MS + 50));
    const stored = await inHub(t.tenantId, (_hub, state) =>
      new HubStorage(state.storage.sql).latestLocation(rep.salesmanId),
    );
    expect(stored).toEqual(latest);
    phone.close();
  });

  it('forwards fixes coalesced: the newest wins and a burst costs dashboards one or two updates', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const dashboard = await welcomed(t.token);
    const phone = await welcomed(rep.token);
    const base = Date.now() - 10_000;
    for (let i = 0; i < 10; i++) phone.send(fix({ lat: 50 + i / 100, ts: base + i }));

    const newest = await dashboard.next(
      (f) => f.type === 'locations' && f.locations.some((l: any) => l.ts === base + 9),
    );
    expect(newest.locations).toHaveLength(1);
    const seen = locationsOf(dashboard, rep.salesmanId);
    // The first fix may leave on its own before the rest arrive; the remainder waits out the one-second
    // throttle and leaves as the newest only. Ten fixes therefore reach the dashboard as far fewer updates.
    expect(seen.length).toBeLessThan(10);
    expect(seen.at(-1)).toMatchObject({ lat: 50.09, ts: base + 9 });
    expect(seen.map((l) => l.ts)).toEqual([...seen.map((l) => l.ts)].sort((a, b) => a - b));
    dashboard.close();
    phone.close();
  });

  it('sends the locations of several salesmen due together in one frame', async () => {
    const t = await createTenant();
    const reps = [await createSalesmanUser(t), await createSalesmanUser(t), await createSalesmanUser(t)];
    const dashboard = await welcomed(t.token);
    const phones = await Promise.all(reps.map((r) => welcomed(r.token)));
    const ts = Date.now();

    // Drive the three sockets' messages inside the hub back to back: no timer can fire in between, so all
    // three are pending when the batching window closes.
    await inHub(t.tenantId, async (hub, state) => {
      for (const rep of reps) {
        const [ws] = state.getWebSockets(`salesman:${rep.salesmanId}`);
        await hub.webSocketMessage(ws, JSON.stringify(fix({ ts, lat: 40 })));
      }
    });
    const frame = await dashboard.next((f) => f.type === 'locations');
    expect(frame.locations.map((l: LiveLocation) => l.salesmanId).sort()).toEqual(reps.map((r) => r.salesmanId).sort());
    dashboard.close();
    for (const p of phones) p.close();
  });

  it('shows a salesman’s location to his territory but not to other salesmen', async () => {
    const t = await createTenant();
    const north = await createTerritory(t.token);
    const rep = await createSalesmanUser(t, { territoryId: north.id });
    const colleague = await createSalesmanUser(t, { territoryId: north.id });
    const stranger = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const colleaguePhone = await welcomed(colleague.token);
    const strangerPhone = await welcomed(stranger.token);

    phone.send(fix({ lat: 52.1 }));
    const seen = await colleaguePhone.next((f) => f.type === 'locations');
    expect(seen.locations).toEqual([expect.objectContaining({ salesmanId: rep.salesmanId, lat: 52.1 })]);
    strangerPhone.send(fix({ lat: 10 }));
    // The stranger's own fix comes back to him through his own room; the colleague's never does.
    await strangerPhone.next((f) => f.type === 'locations');
    expect(locationsOf(strangerPhone, rep.salesmanId)).toEqual([]);
    phone.close();
    colleaguePhone.close();
    strangerPhone.close();
  });

  it('persists the trail to D1 in batches when the alarm runs', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const other = await createSalesmanUser(t);
    const phone = await welcomed(rep.token);
    const otherPhone = await welcomed(other.token);
    const start = Date.now() - 60_000;
    for (let i = 0; i < 25; i++) phone.send(fix({ lat: 52 + i / 1000, ts: start + i * 1000, speed: 3 }));
    otherPhone.send(fix({ ts: start }));
    phone.send({ type: 'ping', id: 'sync' });
    otherPhone.send({ type: 'ping', id: 'sync' });
    await phone.next((f) => f.type === 'pong');
    await otherPhone.next((f) => f.type === 'pong');
    const stats = await answered(rest(t.token).GET('/v1/realtime/stats'));
    expect(stats.body.trailPending).toBe(26);

    const range = { from: new Date(start - 1000).toISOString(), to: new Date().toISOString() };
    const trailOf = (token: string, id: string) =>
      answered(rest(token).GET('/v1/salesmen/{id}/trail', { params: { path: { id }, query: range } }));
    const before = await trailOf(t.token, rep.salesmanId);
    expect(before.body.data).toEqual([]);

    expect(await runAlarm(t.tenantId)).toBe(true);
    const trail = await trailOf(t.token, rep.salesmanId);
    expect(trail.status).toBe(200);
    expect(trail.body.data).toHaveLength(25);
    expect(trail.body.data[0]).toMatchObject({
      salesmanId: rep.salesmanId,
      recordedAt: new Date(start).toISOString(),
      lat: 52,
      accuracyM: 8,
      speedMps: 3,
      headingDeg: null,
    });
    expect(trail.body.data.map((p) => p.recordedAt)).toEqual(
      Array.from({ length: 25 }, (_, i) => new Date(start + i * 1000).toISOString()),
    );
    const others = await trailOf(t.token, other.salesmanId);
    expect(others.body.data).toHaveLength(1);
    const after = await answered(rest(t.token).GET('/v1/realtime/stats'));
    expect(after.body.trailPending).toBe(0);

    // A salesman may read his own trail, not a colleague's.
    const own = await trailOf(rep.token, rep.salesmanId);
    expect(own.body.data).toHaveLength(25);
    const foreign = await trailOf(rep.token, other.salesmanId);
    expect(foreign.status).toBe(404);
    phone.close();
    otherPhone.close();
  });
});
