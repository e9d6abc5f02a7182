import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/factories';
import { gql } from './support';

/** With introspection off, "Did you mean …?" hints would read the schema out one guess at a time. */
describe('GraphQL name suggestions', () => {
  it('are hidden for unknown fields, enum values, arguments and variable values', async () => {
    const t = await createTenant();
    const documents: [string, Record<string, unknown>][] = [
      ['{ viewr { role } }', {}],
      ['{ orders(status: confirmd) { totalCount } }', {}],
      ['{ orders(statu: CONFIRMED) { totalCount } }', {}],
      ['query($s: OrderStatus) { orders(status: $s) { totalCount } }', { s: 'confirmed' }],
      ['query($s: OrderStats) { orders(status: $s) { totalCount } }', {}],
    ];
    for (const [query, variables] of documents) {
      const res = await gql(query, variables, { token: t.token });
      const messages = (res.body.errors ?? []).map((e) => e.message);
      expect(messages.length, query).toBeGreaterThan(0);
      for (const message of messages) expect(message, query).not.toMatch(/Did you mean|CONFIRMED|OrderStatus"\?/);
    }
  });
});
