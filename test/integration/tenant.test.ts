import type { components } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { gqlData } from '../graphql/support';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { answered, answeredJson, rest } from '../helpers/rest';
import { createConfirmedOrder, createProduct, eventsSince, lastSeq } from '../helpers/sales-factories';

const getTenant = (token?: string) => answered(rest(token).GET('/v1/tenant'));
const patchTenant = (token: string, body: components['schemas']['UpdateTenant']) =>
  answered(rest(token).PATCH('/v1/tenant', { body }));
const monthReport = (token: string) =>
  answeredJson(rest(token).GET('/v1/analytics/executive-report', { params: { query: { period: 'month' } } }));

describe('organisation settings (/v1/tenant)', () => {
  it('shows every member his own organisation', async () => {
    const t = await createTenant();
    const other = await createTenant();
    for (const role of ['manager', 'viewer', 'salesman'] as const) {
      const user = await createUserWithRole(t, role);
      const res = await getTenant(user.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: t.tenantId, timezone: 'Europe/Berlin', plan: 'free', version: 1 });
    }
    expect((await getTenant(other.token)).body.id).toBe(other.tenantId);
    expect((await getTenant()).status).toBe(401);
  });

  it('lets owners and admins change it, with a tenant:updated event; others get 403', async () => {
    const t = await createTenant();
    const before = await lastSeq(t);
    const res = await patchTenant(t.token, {
      name: 'Acme North',
      timezone: 'America/New_York',
      checkInRadiusM: 120,
      expectedVersion: 1,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Acme North',
      timezone: 'America/New_York',
      checkInRadiusM: 120,
      version: 2,
    });
    const events = await eventsSince(t, before);
    expect(events.map((e) => e.type)).toEqual(['tenant:updated']);
    expect(events[0]?.payload).toMatchObject({ timezone: 'America/New_York', version: 2 });
    // Reports follow the new timezone.
    const report = await monthReport(t.token);
    expect(report.body.meta.timezone).toBe('America/New_York');

    const admin = await createUserWithRole(t, 'admin');
    expect((await patchTenant(admin.token, { name: 'By admin' })).status).toBe(200);
    const manager = await createUserWithRole(t, 'manager');
    const refused = await patchTenant(manager.token, { name: 'Mine now' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
  });

  it('refuses bad values, the plan, and a stale version', async () => {
    const t = await createTenant();
    const cases: [Record<string, unknown>, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'json.timezone'],
      [{ currency: 'euro' }, 'json.currency'],
      [{ checkInRadiusM: 2 }, 'json.checkInRadiusM'],
      [{ name: '' }, 'json.name'],
      [{ plan: 'enterprise' }, 'json'],
      [{ locale: 'xx-not-a-tag!' }, 'json.locale'],
      [{ holidays: [{ date: '2026-02-30', name: 'No such day' }] }, 'json.holidays.0.date'],
      [{ holidays: [{ date: '13-01', name: 'No such month' }] }, 'json.holidays.0.date'],
      [{ holidays: [{ date: '12-25', name: '' }] }, 'json.holidays.0.name'],
      [
        {
          holidays: [
            { date: '12-25', name: 'A' },
            { date: '12-25', name: 'B' },
          ],
        },
        'json.holidays',
      ],
    ];
    // Untyped: the cases hold a plan, which is not a setting.
    for (const [body, path] of cases) {
      const res = await api('PATCH', '/v1/tenant', body, { token: t.token });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const stale = await patchTenant(t.token, { name: 'X', expectedVersion: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    expect((await getTenant(t.token)).body.version).toBe(1);
  });

  it('changes the currency only before anything is priced in it', async () => {
    const t = await createTenant();
    const changed = await patchTenant(t.token, { currency: 'CHF' });
    expect(changed.body.currency).toBe('CHF');
    await createProduct(t, { priceMinor: 1_000 });
    const refused = await patchTenant(t.token, { currency: 'USD' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INVALID_STATE');
    // The same currency again is no change.
    expect((await patchTenant(t.token, { currency: 'CHF' })).status).toBe(200);
  });

  it('keeps a locale and a holiday calendar; CSV downloads follow the locale unless ?delimiter= says otherwise', async () => {
    const t = await createTenant();
    expect((await getTenant(t.token)).body).toMatchObject({
      locale: 'en-US',
      holidays: [],
    });
    const holidays = [
      { date: '12-25', name: 'Christmas Day' },
      { date: '2026-04-03', name: 'Good Friday' },
    ];
    const res = await patchTenant(t.token, { locale: 'de-de', holidays });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The tag is kept in its canonical form.
    expect(res.body).toMatchObject({ locale: 'de-DE', holidays });
    await createConfirmedOrder(t, await createProduct(t, { priceMinor: 123_456 }), 1);

    // Untyped: the CSV downloads, and a delimiter the API does not have.
    const csv = await api('GET', '/v1/analytics/executive-report?period=month&format=csv', undefined, {
      token: t.token,
    });
    expect(csv.status).toBe(200);
    const [header, ...lines] = String(csv.body)
      .replace(/^\ufeff/, '')
      .split('\r\n');
    expect(header?.split(';').length).toBeGreaterThan(3);
    expect(lines.join('\n')).toMatch(/;1234,56(;|$)/m);
    const json = await monthReport(t.token);
    expect(json.body.meta.locale).toBe('de-DE');
    const comma = await api(
      'GET',
      '/v1/analytics/executive-report?period=month&format=csv&delimiter=comma',
      undefined,
      {
        token: t.token,
      },
    );
    expect(String(comma.body)).toMatch(/,1234\.56(,|\r|$)/m);
    const audit = await api('GET', '/v1/audit?format=csv', undefined, { token: t.token });
    expect(
      String(audit.body)
        .replace(/^\ufeff/, '')
        .startsWith('at;action;source;'),
    ).toBe(true);
    const bad = await api('GET', '/v1/audit?format=csv&delimiter=tab', undefined, { token: t.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('query.delimiter');
  });

  it('is the same over GraphQL', async () => {
    const t = await createTenant();
    const data = await gqlData(
      'mutation { updateTenant(input: {checkInRadiusM: 300}) { checkInRadiusM timezone } }',
      {},
      t.token,
    );
    expect(data.updateTenant).toEqual({ checkInRadiusM: 300, timezone: 'Europe/Berlin' });
    const set = await gqlData(
      'mutation { updateTenant(input: {locale: "fr-FR", holidays: [{date: "05-01", name: "Fête du Travail"}]}) { locale holidays { date name } } }',
      {},
      t.token,
    );
    expect(set.updateTenant).toEqual({ locale: 'fr-FR', holidays: [{ date: '05-01', name: 'Fête du Travail' }] });
    const viewer = await gqlData('{ viewer { tenant { checkInRadiusM } } }', {}, t.token);
    expect(viewer.viewer.tenant.checkInRadiusM).toBe(300);
  });
});
