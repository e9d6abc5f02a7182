import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { addCustomer } from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { createTenant } from '../helpers/factories';
import { answeredJson, rest } from '../helpers/rest';

describe('report exports are complete', () => {
  it('lists every customer of the segmentation in its CSV, not one page', async () => {
    const t = await createTenant();
    for (let i = 0; i < 230; i++) await addCustomer(t, { name: `Export customer ${String(i).padStart(3, '0')}` });
    // One page of the JSON API holds at most 200.
    const json = await answeredJson(
      rest(t.token).GET('/v1/analytics/customer-segmentation', { params: { query: { limit: 200 } } }),
    );
    expect(json.body.customers.data).toHaveLength(200);
    expect(json.body.customers.nextCursor).not.toBeNull();

    // Untyped: the answer is CSV.
    const res = await api('GET', '/v1/analytics/customer-segmentation?format=csv', undefined, { token: t.token });
    expect(res.status).toBe(200);
    const rows = Papa.parse<string[]>(String(res.body).replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
    const names = rows.map((r) => r[0]).filter((v) => v?.startsWith('Export customer '));
    expect(new Set(names).size).toBe(230);
  });
});
