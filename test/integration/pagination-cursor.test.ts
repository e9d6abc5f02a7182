import { describe, expect, it } from 'vitest';
import { listPage, type PageRequest } from '../../src/db/pagination';
import { tenants, users } from '../../src/db/tables';
import { toBase64Url } from '../../src/lib/crypto';
import { AppError } from '../../src/lib/errors';
import { newId } from '../../src/lib/ids';
import { testDb } from '../helpers/db';

const db = testDb();
const now = new Date().toISOString();

async function seedTenant(names: string[]) {
  const tenantId = newId();
  await db.insert(tenants).values({ id: tenantId, name: 't', createdAt: now, updatedAt: now });
  const rows = names.map((name, i) => ({
    tenantId,
    id: newId(),
    email: `u${i}-${tenantId}@example.test`,
    name,
    role: 'viewer' as const,
    createdAt: now,
    updatedAt: now,
  }));
  await db.insert(users).values(rows);
  return { tenantId, rows };
}

const page = (tenantId: string, request: Partial<PageRequest>) =>
  listPage(db, users, {
    tenantId,
    filters: [],
    sortable: { name: users.name, createdAt: users.createdAt },
    defaultSort: 'name',
    page: { limit: 2, ...request },
  });

async function all(tenantId: string, sort: string) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const p = await page(tenantId, { sort, ...(cursor ? { cursor } : {}) });
    ids.push(...p.data.map((r) => r.id));
    if (!p.nextCursor) return ids;
    cursor = p.nextCursor;
  }
  throw new Error('pagination did not terminate');
}

const forge = (c: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(c)));

describe('cursor pagination', () => {
  it('walks ties on the sort column by id, both directions, without gaps or repeats', async () => {
    const { tenantId, rows } = await seedTenant(['Bea', 'Ann', 'Bea', 'Bea', 'Cid']);
    const byNameThenId = [...rows].sort((x, y) => x.name.localeCompare(y.name) || (x.id < y.id ? -1 : 1));
    expect(await all(tenantId, 'name')).toEqual(byNameThenId.map((r) => r.id));
    expect(await all(tenantId, '-name')).toEqual([...byNameThenId].reverse().map((r) => r.id));
    // Everything shares createdAt here, so order is by id alone.
    expect(await all(tenantId, 'createdAt')).toEqual(rows.map((r) => r.id).sort());
  });

  it('refuses cursors that are garbage, malformed, or from another sort', async () => {
    const { tenantId } = await seedTenant(['a', 'b', 'c']);
    const first = await page(tenantId, { sort: 'name' });
    expect(first.nextCursor).toBeTruthy();
    const bad = [
      'nonsense',
      forge({ s: 'name', v: { $gt: '' }, id: 'x' }),
      forge({ s: 'name', v: 'a' }),
      forge({ s: 'name', v: 'a', id: 'not-a-uuid' }),
      forge(['name', 'a', 'x']),
      toBase64Url(new TextEncoder().encode('{not json')),
    ];
    for (const cursor of bad) await expect(page(tenantId, { sort: 'name', cursor })).rejects.toBeInstanceOf(AppError);
    await expect(page(tenantId, { sort: '-name', cursor: first.nextCursor as string })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(page(tenantId, { sort: 'email' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('stays inside the tenant whatever the cursor says', async () => {
    const mine = await seedTenant(['m1', 'm2', 'm3']);
    const theirs = await seedTenant(['t1', 't2', 't3']);
    const theirFirst = await page(theirs.tenantId, { sort: 'name' });
    // Their cursor is well-formed; used in my tenant it only positions within my rows.
    const crossed = await page(mine.tenantId, { sort: 'name', cursor: theirFirst.nextCursor as string, limit: 50 });
    const mineIds = new Set(mine.rows.map((r) => r.id));
    expect(crossed.data.every((r) => mineIds.has(r.id))).toBe(true);
    const nil = '00000000-0000-0000-0000-000000000000';
    const start = await page(mine.tenantId, { sort: 'name', cursor: forge({ s: 'name', v: '', id: nil }), limit: 50 });
    expect(start.data.map((r) => r.name)).toEqual(['m1', 'm2', 'm3']);
  });
});
