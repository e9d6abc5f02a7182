import { env } from 'cloudflare:workers';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertChanged } from '../../src/db/batch';
import { createDb } from '../../src/db/client';
import { DeferredUnitFailed, deferredFailureIn, deferUnitsOn, sharedAdvance } from '../../src/db/deferred-units';
import { salesmen, territories } from '../../src/db/tables';
import { newId } from '../../src/lib/ids';
import { testDatabaseKind, testDb } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';

// Salesmen joined to their territory: two columns called `id` and two called `name`.
const onPostgres = testDatabaseKind() === 'postgres';
let t: TestTenant;
beforeAll(async () => {
  if (!onPostgres) t = await createTenant();
});

const at = new Date().toISOString();
const entity = (id: string) => ({ tenantId: t.tenantId, id, createdAt: at, updatedAt: at, version: 1 });
const territory = (id: string, name = `Area ${id}`) => ({ ...entity(id), name, boundary: null });
const salesman = (id: string, territoryId: string | null, name = `Rep ${id}`) => ({ ...entity(id), name, territoryId });

function queue() {
  const units = deferUnitsOn(createDb(env.DB));
  if (!units) throw new Error('D1 defers units');
  return units;
}

/** What the database holds, read past any queue. */
const stored = async (id: string) => createDb(env.DB).select().from(territories).where(eq(territories.id, id));

describe.runIf(onPostgres)('deferred units on Postgres', () => {
  it('are not used: each unit is a transaction of its own', () => {
    expect(deferUnitsOn(testDb())).toBeUndefined();
  });
});

describe.skipIf(onPostgres)('deferred units (D1)', () => {
  it('sends a waiting unit with the next read, which sees its write, columns of the same name included', async () => {
    const q = queue();
    const [area, rep] = [newId(), newId()];
    const committed: number[] = [];
    q.defer(
      [
        q.db.insert(territories).values(territory(area, 'North')),
        q.db.insert(salesmen).values(salesman(rep, area, 'Nora')),
      ],
      (results) => committed.push(results.length),
    );
    expect(await stored(area)).toEqual([]);
    expect(committed).toEqual([]);

    const rows = await q.db
      .select({ rep: salesmen.id, repName: salesmen.name, area: territories.id, areaName: territories.name })
      .from(salesmen)
      .innerJoin(territories, eq(territories.id, salesmen.territoryId))
      .where(eq(salesmen.id, rep));
    expect(rows).toEqual([{ rep, repName: 'Nora', area, areaName: 'North' }]);
    expect(committed).toEqual([2]);
    expect(await stored(area)).toHaveLength(1);
  });

  it('reads columns named like numbers in their order', async () => {
    const q = queue();
    const id = newId();
    q.defer([q.db.insert(territories).values(territory(id))], () => {});
    const rows = await q.db
      .select({ two: sql<number>`2`, one: sql<number>`1`, id: territories.id })
      .from(territories)
      .where(eq(territories.id, id));
    expect(rows).toEqual([{ two: 2, one: 1, id }]);
  });

  it('lets reads made side by side both see the waiting write', async () => {
    const q = queue();
    const id = newId();
    q.defer([q.db.insert(territories).values(territory(id, 'South'))], () => {});
    const [a, b] = await Promise.all([
      q.db.select().from(territories).where(eq(territories.id, id)),
      q.db.select({ name: territories.name }).from(territories).where(eq(territories.id, id)),
    ]);
    expect(a).toHaveLength(1);
    expect(b).toEqual([{ name: 'South' }]);
  });

  it('reports a failed batch at its first waiting unit and writes none of it', async () => {
    const q = queue();
    const [taken, fresh, later] = [newId(), newId(), newId()];
    await createDb(env.DB).insert(territories).values(territory(taken));
    q.mark = 4;
    q.defer([q.db.insert(territories).values(territory(fresh))], () => {});
    q.mark = 5;
    q.defer([q.db.insert(territories).values(territory(taken, 'Taken again'))], () => {});
    q.mark = 6;
    q.defer([q.db.insert(territories).values(territory(later))], () => {});

    const failure = await q.db
      .select()
      .from(territories)
      .where(eq(territories.id, fresh))
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
    expect(await q.db.select().from(territories).where(eq(territories.id, fresh))).toEqual([]);
  });

  it('commits what waits on flush, and a unit of its own after it', async () => {
    const q = queue();
    const [a, b] = [newId(), newId()];
    q.defer([q.db.insert(territories).values(territory(a))], () => {});
    await q.flush();
    expect(await stored(a)).toHaveLength(1);
    q.enabled = false;
    await q.db.insert(territories).values(territory(b));
    expect(await stored(b)).toHaveLength(1);
  });

  describe('a shared advance', () => {
    /** A territory's version as the counter: the advance moves it from `from` to `to`, guarded. */
    function counter(q: ReturnType<typeof queue>, id: string, built: [number, number][]) {
      return (from: number, to: number) =>
        sharedAdvance({
          counter: `territory:${id}`,
          from,
          to,
          statements: (f, t) => {
            built.push([f, t]);
            return [
              q.db
                .update(territories)
                .set({ version: t })
                .where(and(eq(territories.id, id), eq(territories.version, f))),
              assertChanged(q.db),
            ];
          },
        });
    }

    it('is made once per batch for consecutive units, and each unit still gets a result per statement', async () => {
      const q = queue();
      const [area, reps] = [newId(), [newId(), newId(), newId()]];
      await createDb(env.DB).insert(territories).values(territory(area));
      const built: [number, number][] = [];
      const advance = counter(q, area, built);
      const results: number[][] = [];
      reps.forEach((rep, i) => {
        const insert = q.db.insert(salesmen).values(salesman(rep, area)).returning({ id: salesmen.id });
        q.defer([...advance(i + 1, i + 2), insert], (r) => results.push(r.map((x) => x.results.length)));
      });
      built.length = 0;
      await q.flush();

      expect(built).toEqual([[1, 4]]);
      expect((await stored(area))[0]?.version).toBe(4);
      // The advance's two statements answer nothing; the insert's RETURNING row stays third.
      expect(results).toEqual([
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
      ]);
    });

    it('fails the whole batch when the counter moved meanwhile, as the first unit alone would have', async () => {
      const q = queue();
      const [area, rep] = [newId(), newId()];
      await createDb(env.DB).insert(territories).values(territory(area));
      const advance = counter(q, area, []);
      q.mark = 7;
      q.defer([...advance(1, 2), q.db.insert(salesmen).values(salesman(rep, area))], () => {});
      q.mark = 8;
      q.defer([...advance(2, 3)], () => {});
      await createDb(env.DB).update(territories).set({ version: 5 }).where(eq(territories.id, area));

      const failure = await q.flush().then(
        () => null,
        (err: unknown) => err,
      );
      expect(deferredFailureIn(failure)?.since).toBe(7);
      expect((await stored(area))[0]?.version).toBe(5);
      expect(await createDb(env.DB).select().from(salesmen).where(eq(salesmen.id, rep))).toEqual([]);
    });
  });
});
