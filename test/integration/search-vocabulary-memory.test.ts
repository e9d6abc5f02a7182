import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { Fts5Backend } from '../../src/search/fts5-backend';
import type { SearchEntity } from '../../src/search/fts5-sql';
import { type VocabularyTerm, vocabularyLookup } from '../../src/search/fts5-vocabulary';
import { tokenize } from '../../src/search/text';
import { createProduct } from '../helpers/catalog-factories';
import { testDatabaseKind } from '../helpers/db';
import { createCustomer, createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/** The D1 binding, counting round trips (batches and single statements alike go through `batch` here). */
function countingD1() {
  const counter = { batches: 0 };
  const d1 = {
    prepare: (sql: string) => env.DB.prepare(sql),
    batch: (statements: D1PreparedStatement[]) => {
      counter.batches++;
      return env.DB.batch(statements);
    },
  } as unknown as D1Database;
  return { d1, counter };
}

const customers = (q: string) => ({
  type: 'customers' as const,
  q,
  limit: 20,
  sort: 'relevance' as const,
  filters: {},
});

async function vocabularyOf(tenantId: string) {
  const { results } = await env.DB.prepare('SELECT entity, term, docs, len, sig FROM search_terms WHERE tenant_id = ?')
    .bind(tenantId)
    .all<VocabularyTerm>();
  return results;
}

// FTS5 on D1 only: the Postgres backend keeps no copy (its lookups: test/integration/search-postgres.test.ts).
describe.skipIf(testDatabaseKind() === 'postgres')('vocabulary copy in the isolate', () => {
  it('predicts exactly what the D1 lookup decides', async () => {
    const t = await createTenant();
    for (const [name, company, city] of [
      ['Jonas Müller', 'Müller Haustechnik', 'Düsseldorf'],
      ['Anna Schmidt', 'Schmidt Metallbau', 'Braunschweig'],
      ['Lena Schmitt', 'Schmitt Elektro', 'Potsdam'],
      ['Paul Hoffmann', 'Hoffmann Sanitär', 'Mönchengladbach'],
      ['Marie Schmitz', 'Schmitz Logistik', 'Hamburg'],
      ['Anna Kraus', 'Kraus Bau', 'Kiel'],
    ]) {
      await createCustomer(t.token, { name, company, city });
    }
    await createProduct(t.token, { sku: 'HP-1', name: 'Hydraulic Hand Pump', category: 'Hydraulics', priceMinor: 100 });
    const terms = await vocabularyOf(t.tenantId);
    const queries = [
      'muler',
      'müller',
      'schmitd',
      'schmi',
      'potsdm',
      'dusseldrof',
      'metalbau haustechnk',
      'hofman',
      'braunschwieg',
      'monchengladbach',
      'hydrolic pmp',
      'hydarul',
      'zzzz',
      // One and two letters too many: the corrections are as short as a lookup allows.
      'annaa paul',
      'mullerr',
      'hamburgxx',
    ];
    const entitySets: SearchEntity[][] = [['customer'], ['product'], ['product', 'customer']];
    let corrected = 0;
    for (const entities of entitySets) {
      for (const q of queries) {
        const lookup = vocabularyLookup(env.DB, t.tenantId, entities, tokenize(q));
        const decided = lookup.apply(await env.DB.batch<VocabularyTerm>(lookup.statements));
        expect(lookup.applyTo(terms), `${q} in ${entities}`).toEqual(decided);
        corrected += decided.filter((g) => g.corrections.length > 0).length;
      }
    }
    expect(corrected).toBeGreaterThan(10);
  });

  it('saves the second round trip once the copy is loaded, and a stale copy never changes a result', async () => {
    const t = await createTenant();
    const hoffmann = await createCustomer(t.token, { name: 'Paul Hoffmann', company: 'Hoffmann Sanitär' });
    const { d1, counter } = countingD1();
    const backend = new Fts5Backend(d1);
    const run = async (q: string) => {
      counter.batches = 0;
      const result = await backend.search(t.tenantId, customers(q));
      const reference = await new Fts5Backend(env.DB).search(t.tenantId, customers(q));
      expect(result).toEqual(reference);
      return { ids: result.hits.map((h) => h.id), corrections: result.corrections, batches: counter.batches };
    };

    // The first search loads the copy in its batch; its query could not use it yet.
    expect(await run('hofman')).toEqual({ ids: [hoffmann.id], corrections: { hofman: ['hoffmann'] }, batches: 2 });
    expect(await run('hofman')).toEqual({ ids: [hoffmann.id], corrections: { hofman: ['hoffmann'] }, batches: 1 });
    expect((await run('paul')).batches).toBe(1);

    // A word the copy has never seen: the lookup decides, the copy learns it.
    const kowalczyk = await createCustomer(t.token, { name: 'Ewa Kowalczyk' });
    expect(await run('kowalcyk')).toEqual({
      ids: [kowalczyk.id],
      corrections: { kowalcyk: ['kowalczyk'] },
      batches: 2,
    });
    expect((await run('kowalcyk')).batches).toBe(1);

    // A word that left the vocabulary: the copy still offers it, the lookup in the same batch overrules it.
    const renamed = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: hoffmann.id } },
        body: { name: 'Paul Baumann', company: 'Baumann Sanitär' },
      }),
    );
    expect(renamed.status).toBe(200);
    expect(await run('hofman')).toEqual({ ids: [], corrections: {}, batches: 2 });
  });
});
