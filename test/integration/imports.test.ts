import { assert, describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { parseCsv } from '../helpers/csv';
import { createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, createTerritory, squareAround } from '../helpers/field-factories';
import { answered, answeredJson, rest } from '../helpers/rest';
import { waitFor } from '../helpers/wait';

/** Untyped: the file goes as the raw text/csv body. */
const importCsv = (t: TestTenant, query: string, csv: string, token = t.token) =>
  api('POST', `/v1/imports?${query}`, undefined, {
    token,
    raw: csv,
    headers: { 'content-type': 'text/csv' },
  });

const customersOf = async (t: TestTenant) =>
  (await answered(rest(t.token).GET('/v1/customers', { params: { query: { limit: 200 } } }))).body.data;
const importOf = (token: string, id: string) =>
  answered(rest(token).GET('/v1/imports/{id}', { params: { path: { id } } }));
const errorsOf = (token: string, id: string) =>
  answeredJson(rest(token).GET('/v1/imports/{id}/errors', { params: { path: { id } } }));
const events = (t: TestTenant) => answered(rest(t.token).GET('/v1/events', { params: { query: { limit: 50 } } }));

describe('CSV import of customers', () => {
  it('imports the valid rows and lists the three bad ones, by row and column (valid_rows)', async () => {
    const t = await createTenant();
    const territory = await createTerritory(t.token, {
      name: 'Berlin Mitte',
      boundary: { type: 'Polygon', coordinates: [squareAround(13.405, 52.52)] },
    });
    const rep = await createSalesmanUser(t);
    const csv = [
      'External ID,Name,Email,City,Latitude,Longitude,Territory,Salesman',
      `C-1,Corner Shop,shop@example.test,Berlin,52.52,13.405,berlin mitte,${rep.email.toUpperCase()}`,
      'C-2,,nobody@example.test,Berlin,,,,',
      'C-3,Bakery,not-an-email,Berlin,,,,',
      'C-4,Kiosk,,Berlin,52.5,,,',
      '"C-5","Café ""Zum Eck""",,"Berlin, Mitte",,,,',
      'C-6,Florist,,Potsdam,,,Nowhere,',
    ].join('\r\n');
    const res = await importCsv(t, 'kind=customers&mode=valid_rows&fileName=shops.csv', csv);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/imports/${res.body.id}`);
    expect(res.body).toMatchObject({
      kind: 'customers',
      mode: 'valid_rows',
      status: 'completed',
      fileName: 'shops.csv',
      totalRows: 6,
      processedRows: 6,
      createdRows: 2,
      updatedRows: 0,
      failedRows: 4,
      failure: null,
      createdBy: t.ownerId,
    });
    expect(res.body.finishedAt).toEqual(expect.any(String));
    expect(
      res.body.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code]),
    ).toEqual([
      [3, 'name', 'required'],
      [4, 'email', 'invalid_format'],
      [5, 'lat', 'custom'],
      [7, 'territory', 'unknown_territory'],
    ]);
    const rows = await customersOf(t);
    expect(rows.map((c) => [c.externalId, c.name, c.city]).sort()).toEqual([
      ['C-1', 'Corner Shop', 'Berlin'],
      ['C-5', 'Café "Zum Eck"', 'Berlin, Mitte'],
    ]);
    expect(rows.find((c) => c.externalId === 'C-1')).toMatchObject({
      lat: 52.52,
      lng: 13.405,
      territoryId: territory.id,
      salesmanId: rep.salesmanId,
    });

    // Untyped: the report as CSV.
    const report = await api('GET', `/v1/imports/${res.body.id}/errors?format=csv`, undefined, { token: t.token });
    expect(report.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const table = parseCsv(report.body);
    expect(table[0]).toEqual(['row', 'column', 'code', 'message']);
    expect(table.slice(1).map((r) => r[0])).toEqual(['3', '4', '5', '7']);
    expect(table[4]?.[3]).toContain('Nowhere');
  });

  it('writes nothing when a row is invalid (all_or_nothing), and everything when all are valid', async () => {
    const t = await createTenant();
    const bad = 'externalId;name;lat;lng\nA;Shop A;52,52;13,40\nB;;;\n';
    const refused = await importCsv(t, 'kind=customers&mode=all_or_nothing', bad);
    expect(refused.status).toBe(201);
    expect(refused.body).toMatchObject({ status: 'failed', processedRows: 0, createdRows: 0, failedRows: 1 });
    expect(refused.body.failure).toBe('1 of 2 rows are invalid; nothing was imported');
    expect(await customersOf(t)).toEqual([]);

    const good = await importCsv(t, 'kind=customers', 'externalId;name;lat;lng\nA;Shop A;52,52;13,40\nB;Shop B;;\n');
    expect(good.body).toMatchObject({ mode: 'all_or_nothing', status: 'completed', createdRows: 2, failedRows: 0 });
    // A decimal comma in a `;` file is read as the decimal point.
    expect((await customersOf(t)).find((c) => c.externalId === 'A')).toMatchObject({ lat: 52.52, lng: 13.4 });
  });

  it('updates the customer with the same externalId instead of creating a second', async () => {
    const t = await createTenant();
    await importCsv(t, 'kind=customers', 'externalId,name,city\nK-1,Kiosk,Berlin\nK-2,Bakery,Hamburg\n');
    const [before] = (await customersOf(t)).filter((c) => c.externalId === 'K-1');
    const again = await importCsv(t, 'kind=customers', 'externalId,name,city\nK-1,Kiosk,Potsdam\nK-3,Florist,Bonn\n');
    expect(again.body).toMatchObject({ status: 'completed', createdRows: 1, updatedRows: 1 });
    const rows = await customersOf(t);
    expect(rows).toHaveLength(3);
    const after = rows.find((c) => c.id === before?.id);
    expect(after).toMatchObject({ city: 'Potsdam', version: 2, externalId: 'K-1' });
    const logged = await events(t);
    const types = logged.body.data.map((e) => e.type);
    expect(types.filter((x) => x === 'customer:created')).toHaveLength(3);
    expect(types.filter((x) => x === 'customer:updated')).toHaveLength(1);

    // The same file again: every record already holds its values, so nothing is written.
    const same = await importCsv(t, 'kind=customers', 'externalId,name,city\nK-1,Kiosk,Potsdam\nK-3,Florist,Bonn\n');
    expect(same.body).toMatchObject({ status: 'completed', createdRows: 0, updatedRows: 0, unchangedRows: 2 });
    expect((await events(t)).body.data).toHaveLength(logged.body.data.length);
  });

  it('queues a large file and works through it on the jobs queue, reporting progress', async () => {
    const t = await createTenant();
    const lines = ['externalId,name'];
    for (let i = 1; i <= 1_250; i++) lines.push(`Q-${i},Customer ${i}`);
    lines.push('Q-1,Customer 1 again');
    const res = await importCsv(t, 'kind=customers&mode=valid_rows', lines.join('\n'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', totalRows: 1_251, processedRows: 0 });
    const done = await waitFor(
      async () => {
        const current = await importOf(t.token, res.body.id);
        return current.body.status === 'completed' && current.body;
      },
      'the queued import',
      60_000,
    );
    expect(done).toMatchObject({ processedRows: 1_251, createdRows: 1_250, failedRows: 1 });
    expect(done.errors).toEqual([
      { row: 1_252, column: 'externalId', code: 'repeated_key', message: 'Q-1 is also on row 2' },
    ]);
    // Untyped: GraphQL is not in the OpenAPI document.
    const count = await api(
      'POST',
      '/graphql',
      { query: '{ customers(first: 1) { totalCount } }' },
      { token: t.token },
    );
    expect(count.body.data.customers.totalCount).toBe(1_250);
  });

  it('counts every row error but keeps the first 2,000 for the report', async () => {
    const t = await createTenant();
    const lines = ['externalId,name'];
    for (let i = 1; i <= 2_050; i++) lines.push(`E-${i},`);
    const res = await importCsv(t, 'kind=customers&mode=valid_rows', lines.join('\n'));
    expect(res.status).toBe(202);
    const done = await waitFor(
      async () => {
        const current = await importOf(t.token, res.body.id);
        return current.body.status === 'completed' && current.body;
      },
      'the queued import',
      60_000,
    );
    expect(done).toMatchObject({ failedRows: 2_050, errorCount: 2_050, createdRows: 0 });
    expect(done.errors).toHaveLength(100);
    const all = await errorsOf(t.token, res.body.id);
    expect(all.body.data).toHaveLength(2_000);
    expect(all.body.data.at(-1)).toMatchObject({ row: 2_001, column: 'name', code: 'required' });
  });
});

describe('CSV import of products', () => {
  it('converts prices to minor units, upserts by SKU and creates the inventory row', async () => {
    const t = await createTenant();
    const res = await importCsv(
      t,
      'kind=products&mode=valid_rows',
      'sku;name;category;price;active\nW-1;Water;Drinks;12,5;yes\nW-2;Juice;Drinks;3.999;\nW-3;Tea;;abc;\nW-1;Water again;;1;\n',
    );
    expect(res.body).toMatchObject({ status: 'completed', createdRows: 1, failedRows: 3 });
    expect(res.body.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [3, 'invalid_price'],
      [4, 'invalid_price'],
      [5, 'repeated_key'],
    ]);
    const list = await answered(rest(t.token).GET('/v1/products'));
    const [water] = list.body.data;
    assert.isDefined(water);
    expect(water).toMatchObject({ sku: 'W-1', priceMinor: 1250, currency: 'EUR', active: true, category: 'Drinks' });
    const stock = await answered(
      rest(t.token).GET('/v1/inventory/{productId}', { params: { path: { productId: water.id } } }),
    );
    expect(stock.status).toBe(200);
    expect(stock.body).toMatchObject({ onHand: 0, reserved: 0 });

    const update = await importCsv(t, 'kind=products', 'sku,name,priceMinor,active\nW-1,Still water,990,false\n');
    expect(update.body).toMatchObject({ status: 'completed', createdRows: 0, updatedRows: 1 });
    const after = await answered(rest(t.token).GET('/v1/products/{id}', { params: { path: { id: water.id } } }));
    expect(after.body).toMatchObject({ name: 'Still water', priceMinor: 990, active: false, version: 2 });
  });
});

describe('import refusals and access', () => {
  it('refuses files it cannot read with a clear 400, and oversize ones with 413', async () => {
    const t = await createTenant();
    const cases: [string, string, string][] = [
      ['kind=customers', 'externalId,name,colour\nA,B,red\n', 'Unknown column: colour'],
      ['kind=customers', 'externalId,email\nA,a@example.test\n', 'Missing column: name'],
      ['kind=customers', '', 'The file is empty: it needs a header row'],
      ['kind=customers', 'name\n', 'The file has a header but no rows'],
      ['kind=products', 'sku,name\nA,B\n', 'Missing column: price'],
      ['kind=customers', 'name,Name\nA,B\n', 'Column given twice: name'],
    ];
    for (const [query, csv, detail] of cases) {
      const res = await importCsv(t, query, csv);
      expect(res.status, detail).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', detail });
    }
    const badKind = await importCsv(t, 'kind=orders', 'name\nA\n');
    expect(badKind.status).toBe(400);
    const big = await importCsv(t, 'kind=customers', `name\n${'x'.repeat(1_100_000)}\n`);
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    const list = await answered(rest(t.token).GET('/v1/imports'));
    expect(list.body.data).toEqual([]);
  });

  it("is for those who may write the records; another organisation's import is a 404", async () => {
    const t = await createTenant();
    const ok = await importCsv(t, 'kind=customers', 'name\nShop\n');
    for (const role of ['salesman', 'viewer'] as const) {
      const user = await createUserWithRole(t, role);
      expect((await importCsv(t, 'kind=customers', 'name\nShop\n', user.token)).status).toBe(403);
      expect((await importOf(user.token, ok.body.id)).status).toBe(403);
    }
    const manager = await createUserWithRole(t, 'manager');
    expect((await importCsv(t, 'kind=products', 'sku,name,price\nA,B,1\n', manager.token)).status).toBe(201);
    const listed = await answered(rest(manager.token).GET('/v1/imports'));
    expect(listed.body.data.map((i) => i.kind)).toEqual(['products', 'customers']);

    const other = await createTenant();
    for (const res of [await importOf(other.token, ok.body.id), await errorsOf(other.token, ok.body.id)]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  it('hands out a template per kind', async () => {
    const t = await createTenant();
    // Untyped: the template is CSV.
    const res = await api('GET', '/v1/imports/template?kind=products', undefined, { token: t.token });
    expect(res.headers.get('content-disposition')).toContain('fieldline-products-template.csv');
    const [header, example] = parseCsv(res.body);
    expect(header).toEqual(['sku', 'name', 'description', 'category', 'price', 'active']);
    // The template imports as it is.
    const back = await importCsv(t, 'kind=products', res.body);
    expect(back.body).toMatchObject({ status: 'completed', createdRows: 1 });
    expect(example?.[0]).toBe('SKU-001');
  });
});
