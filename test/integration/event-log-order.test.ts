import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assertChanged } from '../../src/db/batch';
import { appendEventStatement } from '../../src/db/event-log';
import { customers } from '../../src/db/tables';
import { compileStatement } from '../../src/db/unit-result';
import { AppError, ErrorCode } from '../../src/lib/errors';
import { newId } from '../../src/lib/ids';
import { createCustomer, getCustomer } from '../../src/services/customers.service';
import { listEvents } from '../../src/services/events.service';
import { appendEvent, commit } from '../../src/services/write-pipeline';
import { contextFor, ownerPrincipal, settled } from '../helpers/context';
import { executeSql, testDatabaseKind, testDb } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';

/**
 * The event log under concurrent writers, on whichever database the run uses (`npm test`: D1,
 * `npm run test:pg`: Postgres, where transactions really run side by side). Every consumer of the log
 * (the hub, the search indexer, sync, webhooks) reads "after seq N"; if seq N+2 could commit before N+1,
 * a reader would move past N+1 and never see it.
 */
describe('event log under concurrent writers', () => {
  it('stays gap-free and in commit order: a reader following it never skips, sees no duplicate', async () => {
    const t = await createTenant();
    const owner = ownerPrincipal(t);
    const startSeq = await lastSeq(t);
    const WRITERS = 60;

    let writing = true;
    const seen: number[] = [];
    const skips: string[] = [];
    const reader = (async () => {
      let cursor = startSeq;
      while (writing || cursor < startSeq + WRITERS) {
        const page = await listEvents(contextFor(owner), { since: cursor, limit: 500 });
        for (const event of page.data) {
          // Whatever the reader sees must continue exactly where it stopped.
          if (event.seq !== cursor + 1) skips.push(`after ${cursor} came ${event.seq}`);
          seen.push(event.seq);
          cursor = event.seq;
        }
      }
    })();

    const created = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => createCustomer(contextFor(owner), { name: `Concurrent ${i}` })),
    );
    writing = false;
    await reader;
    await settled();

    expect(skips).toEqual([]);
    expect(seen).toEqual(Array.from({ length: WRITERS }, (_, i) => startSeq + 1 + i));
    const page = await listEvents(contextFor(owner), { since: startSeq, limit: 500 });
    expect(new Set(page.data.map((e) => e.entityId))).toEqual(new Set(created.map((c) => c.id)));
  });

  it('a failed guard rolls back every statement of the unit, the event and its sequence number included', async () => {
    const t = await createTenant();
    const ctx = contextFor(ownerPrincipal(t));
    const before = await lastSeq(t);
    const id = newId();
    const now = ctx.now;
    const attempt = commit(ctx, [
      ctx.db.insert(customers).values({
        tenantId: t.tenantId,
        id,
        name: 'Never stored',
        createdAt: now,
        updatedAt: now,
        version: 1,
      }),
      appendEvent(ctx, { type: 'customer:created', entityType: 'customer', entityId: id, payload: { id } }),
      // Changes nothing (no such row), so the guard after it aborts the whole unit.
      ctx.db.update(customers).set({ name: 'x' }).where(eq(customers.id, newId())),
      assertChanged(ctx.db),
    ]);
    await expect(attempt).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    await expect(getCustomer(ctx, id)).rejects.toBeInstanceOf(AppError);
    expect(await lastSeq(t)).toBe(before);

    // The next unit takes the very next number: the aborted one left no gap.
    await createCustomer(ctx, { name: 'Stored' });
    expect(await lastSeq(t)).toBe(before + 1);
  });

  it('a failed constraint rolls back the unit too (a duplicate id after a first insert)', async () => {
    const t = await createTenant();
    const ctx = contextFor(ownerPrincipal(t));
    const existing = await createCustomer(ctx, { name: 'Existing' });
    const before = await lastSeq(t);
    const fresh = newId();
    const row = (rowId: string) => ({
      tenantId: t.tenantId,
      id: rowId,
      name: 'Duplicate',
      createdAt: ctx.now,
      updatedAt: ctx.now,
      version: 1,
    });
    const attempt = commit(ctx, [
      ctx.db.insert(customers).values(row(fresh)),
      appendEvent(ctx, { type: 'customer:created', entityType: 'customer', entityId: fresh, payload: {} }),
      ctx.db.insert(customers).values(row(existing.id)),
    ]);
    await expect(attempt).rejects.toMatchObject({ code: ErrorCode.ALREADY_EXISTS });
    await expect(getCustomer(ctx, fresh)).rejects.toBeInstanceOf(AppError);
    expect(await lastSeq(t)).toBe(before);
    expect((await getCustomer(ctx, existing.id)).name).toBe('Existing');
  });
});

/** The tenant's last sequence number, read through the events service as any consumer reads it. */
async function lastSeq(t: TestTenant): Promise<number> {
  const ctx = contextFor(ownerPrincipal(t));
  let cursor = 0;
  for (;;) {
    const page = await listEvents(ctx, { since: cursor, limit: 500 });
    if (page.data.length === 0) return cursor;
    cursor = page.data.at(-1)?.seq ?? cursor;
  }
}

describe.skipIf(testDatabaseKind() === 'postgres')('event append on D1', () => {
  it('finds the next seq in a step, however long the tenant log is (rows read stay flat)', async () => {
    const t = await createTenant();
    const owner = ownerPrincipal(t);
    const rowsRead = async () => {
      const statement = appendEventStatement(testDb(), {
        tenantId: t.tenantId,
        actorId: owner.id,
        at: new Date().toISOString(),
        type: 'customer:updated',
        entityType: 'customer',
        entityId: newId(),
        payload: {},
      });
      const { sql: text, params } = compileStatement(statement);
      const result = await env.DB.prepare(text)
        .bind(...params)
        .run();
      return result.meta.rows_read;
    };
    const before = await rowsRead();
    // 2,000 more events in the tenant's log.
    await executeSql(
      sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
          INSERT INTO events (tenant_id, seq, type, entity_type, entity_id, actor_id, payload, created_at)
          SELECT ${t.tenantId}, (SELECT MAX(seq) FROM events WHERE tenant_id = ${t.tenantId}) + i,
                 'customer:updated', 'customer', 'x', NULL, '{}', '2026-01-01T00:00:00.000Z' FROM n`,
    );
    const after = await rowsRead();
    expect(after).toBeLessThanOrEqual(before + 2);
    expect(after).toBeLessThan(20);
  });
});
