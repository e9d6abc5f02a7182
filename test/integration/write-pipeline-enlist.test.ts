import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { customers, tenants } from '../../src/db/tables';
import { AppError } from '../../src/lib/errors';
import { createCustomer, updateCustomer } from '../../src/services/customers.service';
import { commit, enlist } from '../../src/services/write-pipeline';
import { contextFor, ownerPrincipal } from '../helpers/context';
import { testDb } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';

/**
 * Statements a caller enlists join the next unit the context commits: they commit with the service's
 * write, roll back with it, join one unit only, and stay pending when the service commits nothing.
 * The enlisted statement here renames the tenant, something no customer service touches.
 */
const rename = (t: TestTenant, name: string) =>
  testDb().update(tenants).set({ name }).where(eq(tenants.id, t.tenantId));
const tenantName = async (t: TestTenant) =>
  (await testDb().select({ name: tenants.name }).from(tenants).where(eq(tenants.id, t.tenantId)))[0]?.name;

describe('write pipeline: enlisted statements', () => {
  it("commit in the service's unit, once, and report how many units the context committed", async () => {
    const t = await createTenant('Before');
    const { ctx, enlistment } = enlist(contextFor(ownerPrincipal(t)), [rename(t, 'Enlisted')]);
    expect(enlistment.pending).toBe(true);
    const customer = await createCustomer(ctx, { name: 'First' });
    expect(enlistment.pending).toBe(false);
    expect(await tenantName(t)).toBe('Enlisted');
    await testDb().update(tenants).set({ name: 'Reset' }).where(eq(tenants.id, t.tenantId));
    await updateCustomer(ctx, customer.id, { notes: 'second unit' });
    expect(await tenantName(t)).toBe('Reset');
    expect(enlistment.units).toBe(2);
  });

  it("roll back with the service's unit when its write fails", async () => {
    const t = await createTenant('Before');
    const base = contextFor(ownerPrincipal(t));
    const taken = await createCustomer(base, { name: 'Taken' });
    const { ctx } = enlist(base, [rename(t, 'Enlisted')]);
    await expect(createCustomer(ctx, { id: taken.id, name: 'Again' })).rejects.toBeInstanceOf(AppError);
    expect(await tenantName(t)).toBe('Before');
    const rows = await testDb()
      .select({ n: sql<number>`count(*)` })
      .from(customers)
      .where(and(eq(customers.tenantId, t.tenantId), eq(customers.id, taken.id)));
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('stay pending when the service commits nothing, for the caller to commit alone', async () => {
    const t = await createTenant('Before');
    const { ctx, enlistment } = enlist(contextFor(ownerPrincipal(t)), [rename(t, 'Alone')]);
    expect(enlistment.pending).toBe(true);
    await commit(ctx, []);
    expect([enlistment.pending, enlistment.units, await tenantName(t)]).toEqual([false, 1, 'Alone']);
  });
});
