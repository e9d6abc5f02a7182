import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { DeferredUnitFailed, deferredFailureIn, deferUnitsOn } from '../../src/db/deferred-units';
import { newId } from '../../src/lib/ids';

// Two scratch tables with a column name in common, so a join returns two columns called `id`.
const left = sqliteTable('deferred_left', { id: text('id').primaryKey(), rightId: text('right_id'), n: integer('n') });
const right = sqliteTable('deferred_right', { id: text('id').primaryKey(), label: text('label') });

beforeAll(async () => {
  await env.DB.exec('CREATE TABLE IF NOT EXISTS deferred_left (id TEXT PRIMARY KEY, right_id TEXT, n INTEGER)');
  await env.DB.exec('CREATE TABLE IF NOT EXISTS deferred_right (id TEXT PRIMARY KEY, label TEXT)');
});

function queue() {
  const units = deferUnitsOn(createDb(env.DB));
  if (!units) throw new Error('D1 defers units');
  return units;
}

/** What the database holds, read past any queue. */
const stored = async (id: string) => createDb(env.DB).select().from(left).where(eq(left.id, id));

describe('deferred units (D1)', () => {
  it('sends a waiting unit with the next read, which sees its write, columns of the same name included', async () => {
    const q = queue();
    const [l, r] = [newId(), newId()];
    const committed: number[] = [];
    q.defer(
      [q.db.insert(right).values({ id: r, label: 'shop' }), q.db.insert(left).values({ id: l, rightId: r, n: 7 })],
      (results) => committed.push(results.length),
    );
    expect(await stored(l)).toEqual([]);
    expect(committed).toEqual([]);

    const rows = await q.db
      .select({ leftId: left.id, rightId: right.id, n: left.n, label: right.label })
      .from(left)
      .innerJoin(right, eq(right.id, left.rightId))
      .where(eq(left.id, l));
    expect(rows).toEqual([{ leftId: l, rightId: r, n: 7, label: 'shop' }]);
    expect(committed).toEqual([2]);
    expect(await stored(l)).toHaveLength(1);
  });

  it('reads columns named like numbers in their order', async () => {
    const q = queue();
    const id = newId();
    q.defer([q.db.insert(left).values({ id, n: 1 })], () => {});
    const rows = await q.db
      .select({ two: sql<number>`2`, one: sql<number>`1`, id: left.id })
      .from(left)
      .where(eq(left.id, id));
    expect(rows).toEqual([{ two: 2, one: 1, id }]);
  });

  it('lets reads made side by side both see the waiting write', async () => {
    const q = queue();
    const id = newId();
    q.defer([q.db.insert(left).values({ id, n: 3 })], () => {});
    const [a, b] = await Promise.all([
      q.db.select().from(left).where(eq(left.id, id)),
      q.db.select({ n: left.n }).from(left).where(eq(left.id, id)),
    ]);
    expect(a).toHaveLength(1);
    expect(b).toEqual([{ n: 3 }]);
  });

  it('reports a failed batch at its first waiting unit and writes none of it', async () => {
    const q = queue();
    const [taken, fresh, later] = [newId(), newId(), newId()];
    await createDb(env.DB).insert(left).values({ id: taken, n: 0 });
    q.mark = 4;
    q.defer([q.db.insert(left).values({ id: fresh, n: 1 })], () => {});
    q.mark = 5;
    q.defer([q.db.insert(left).values({ id: taken, n: 2 })], () => {});
    q.mark = 6;
    q.defer([q.db.insert(left).values({ id: later, n: 3 })], () => {});

    const failure = await q.db
      .select()
      .from(left)
      .where(eq(left.id, fresh))
      .then(
        () => null,
        (err: unknown) => err,
      );
    const failed = deferredFailureIn(failure);
    expect(failed).toBeInstanceOf(DeferredUnitFailed);
    expect(failed?.since).toBe(4);
    expect(String(failed?.failure)).toContain('UNIQUE');
    expect(await stored(fresh)).toEqual([]);
    expect(await stored(later)).toEqual([]);
    // Nothing waits any more: the same read now runs on its own.
    expect(await q.db.select().from(left).where(eq(left.id, fresh))).toEqual([]);
  });

  it('commits what waits on flush, and a unit of its own after it', async () => {
    const q = queue();
    const [a, b] = [newId(), newId()];
    q.defer([q.db.insert(left).values({ id: a, n: 1 })], () => {});
    await q.flush();
    expect(await stored(a)).toHaveLength(1);
    q.enabled = false;
    await q.db.insert(left).values({ id: b, n: 2 });
    expect(await stored(b)).toHaveLength(1);
  });
});
