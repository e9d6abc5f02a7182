/**
 * Every GraphQL mutation, called with variables fast-check derives from the committed schema's input
 * types (docs/schema.graphql): shaped like the type (referencing records that exist), or with hostile
 * values where a scalar goes (the same set as the REST fuzz test). Variables of the wrong type are
 * refused by GraphQL itself before any resolver runs. Whatever arrives: no HTTP 5xx, no
 * INTERNAL_SERVER_ERROR, only documented codes, and a mutation that answers null with an error appended
 * nothing to the tenant's event log. Seeded; a failure prints the seed and the counterexample.
 */
import fc from 'fast-check';
import {
  buildSchema,
  type GraphQLArgument,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import committed from '../../docs/schema.graphql?raw';
import { testDatabaseKind } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { hostileValues } from '../helpers/openapi-arbitraries';
import { answered, rest } from '../helpers/rest';
import { type Fixtures, seedTenant } from '../helpers/tenant-fixtures';
import { gql } from './support';

const SEED = 20_261_204;
const runsPerMutation = () => (testDatabaseKind() === 'postgres' ? 4 : 15);
/** The codes docs/graphql.md documents (its Errors table). */
const DOCUMENTED = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'QUERY_TOO_COMPLEX',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_ONLY',
]);

const schema = buildSchema(committed);
const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});

let owner: TestTenant;
let fixtures: Fixtures;
let lastSeq = 0;

async function readLastSeq(): Promise<number> {
  for (;;) {
    const page = await answered(
      rest(owner.token).GET('/v1/events', { params: { query: { since: lastSeq, limit: 1000 } } }),
    );
    const last = page.body.data.at(-1);
    if (last === undefined) return lastSeq;
    lastSeq = last.seq;
    if (page.body.data.length < 1000) return lastSeq;
  }
}

/** An existing record's id for an argument or field named like its reference (`customerId`, `visitId`). */
function knownId(name: string): string | undefined {
  const resource = {
    customerId: 'customers',
    productId: 'products',
    salesmanId: 'salesmen',
    visitId: 'visits',
    orderId: 'orders',
    territoryId: 'territories',
  }[name];
  return resource ? fixtures[resource] : undefined;
}

const hostile = fc.constantFrom(...hostileValues);

function scalarFor(typeName: string, fieldName: string): fc.Arbitrary<unknown> {
  const id = knownId(fieldName);
  switch (typeName) {
    case 'ID':
      return id
        ? fc.oneof({ weight: 3, arbitrary: fc.constant(id) }, fc.uuid(), fc.string())
        : fc.oneof(fc.uuid(), fc.string());
    case 'Int':
    case 'SafeInt':
      return fc.integer({ min: -1000, max: 100_000 });
    case 'Float':
      return fc.double({ min: -200, max: 200, noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'JSON':
      return fc.jsonValue({ maxDepth: 3 });
    default:
      return id ? fc.constant(id) : fc.string({ maxLength: 40, unit: 'grapheme' });
  }
}

/** Values for `type` named `name`: shaped like it, or (one time in five) a hostile value instead. */
function valueFor(type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedFor(type, name, depth);
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: hostile });
}

function shapedFor(type: GraphQLInputType, name: string, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return shapedFor(type.ofType, name, depth);
  if (depth > 5) return fc.constant(null);
  if (isListType(type)) return fc.array(valueFor(type.ofType, name, depth + 1), { maxLength: 4 });
  const named = getNamedType(type);
  if (isEnumType(named)) return fc.constantFrom(...named.getValues().map((v) => v.name));
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields());
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) record[f.name] = valueFor(f.type, f.name, depth + 1);
    return fc.record(record, { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  }
  return scalarFor(named.name, name);
}

const argumentsFor = (args: readonly GraphQLArgument[]) =>
  fc.record(Object.fromEntries(args.map((a) => [a.name, valueFor(a.type, a.name)])), {
    requiredKeys: args.filter((a) => isNonNullType(a.type)).map((a) => a.name),
  });

beforeAll(async () => {
  owner = await createTenant('GraphQL Fuzz Co');
  fixtures = await seedTenant(owner, await createSalesmanUser(owner));
  await readLastSeq();
});

describe('GraphQL fuzz: every mutation', () => {
  it('has mutations to try', () => {
    expect(mutations.length).toBeGreaterThan(10);
  });

  it.each(mutations.map((m, index) => ({ name: m.name, args: m.args, index })))(
    '$name',
    async ({ name, args, index }) => {
      const declared = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const document = `mutation Fuzz${declared ? `(${declared})` : ''} { ${name}${passed ? `(${passed})` : ''} { __typename } }`;
      await fc.assert(
        fc.asyncProperty(argumentsFor(args), async (variables) => {
          const before = await readLastSeq();
          const res = await gql(document, variables, { token: owner.token });
          const summary = JSON.stringify(res.body).slice(0, 500);
          expect(res.status, summary).toBeLessThan(500);
          for (const error of res.body.errors ?? []) {
            const code = error.extensions?.code;
            expect(code, summary).not.toBe('INTERNAL_SERVER_ERROR');
            expect(DOCUMENTED.has(code), `undocumented code ${code}: ${summary}`).toBe(true);
          }
          if (!res.body.data?.[name]) {
            expect(await readLastSeq(), `a refused ${name} appended to the event log`).toBe(before);
          }
        }),
        { seed: SEED + index, numRuns: runsPerMutation(), endOnFailure: true },
      );
    },
    120_000,
  );
});
