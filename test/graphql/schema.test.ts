import { GraphQLInputObjectType, isNonNullType, parse, printSchema, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import committed from '../../docs/schema.graphql?raw';
import { bodies } from '../../src/graphql/inputs';
import manifest from '../../src/graphql/persisted-operations.json';
import { schema } from '../../src/graphql/schema';
import { sha256Hex } from '../../src/lib/crypto';

describe('GraphQL schema document', () => {
  it('docs/schema.graphql is the schema the code builds (regenerate: node scripts/print-graphql-schema.mjs)', () => {
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });

  it('every persisted operation is keyed by the SHA-256 of its text and valid against the schema', async () => {
    const entries = Object.entries(manifest);
    expect(entries.length).toBeGreaterThan(0);
    for (const [hash, document] of entries) {
      expect(await sha256Hex(document), document).toBe(hash);
      expect(validate(schema, parse(document)), document).toEqual([]);
    }
  });
});

/**
 * GraphQL's input types are declared in Pothos (they are the published schema), and their values are
 * validated by the REST bodies' zod contracts (`parseInput`). Each input field must be one the contract
 * accepts (a strict contract refuses any other, so the field would answer 400 for every caller), and a
 * field the contract requires must be required in GraphQL too.
 */
describe('GraphQL inputs and their contracts', () => {
  const CONTRACT_OF: Record<string, keyof typeof bodies> = {
    UpdateTenantInput: 'updateTenant',
    CreateProductInput: 'createProduct',
    UpdateProductInput: 'updateProduct',
    CreateCustomerInput: 'createCustomer',
    UpdateCustomerInput: 'updateCustomer',
    CheckInInput: 'checkIn',
    CheckOutInput: 'checkOut',
    CreateOrderInput: 'createOrder',
    RecordPaymentInput: 'recordPayment',
    SendNotificationInput: 'sendNotification',
    CreateVisitInput: 'createVisit',
    UpdateVisitInput: 'updateVisit',
    CreateTargetInput: 'createTarget',
    UpdateTargetInput: 'updateTarget',
    AdjustStockInput: 'adjustStock',
  };

  /** The object shape under a contract's refinements and defaults. */
  const shapeOf = (schema: z.ZodType): Record<string, z.ZodType> => {
    let s: any = schema;
    while (s && !s.shape) s = s.def?.in ?? s.def?.schema ?? s.def?.innerType;
    return s?.shape ?? {};
  };

  it('covers every input type of the schema that is not a nested part', () => {
    const inputs = Object.values(schema.getTypeMap())
      .filter((t) => t instanceof GraphQLInputObjectType)
      .map((t) => t.name);
    const nested = ['HolidayInput', 'NotificationChoiceInput', 'QuietHoursInput', 'OrderLineInput'];
    expect(inputs.filter((name) => !nested.includes(name)).sort()).toEqual(Object.keys(CONTRACT_OF).sort());
  });

  for (const [typeName, contract] of Object.entries(CONTRACT_OF)) {
    it(`${typeName} asks only for what bodies.${contract} accepts`, () => {
      const type = schema.getType(typeName) as GraphQLInputObjectType;
      const shape = shapeOf(bodies[contract]);
      const fields = type.getFields();
      expect(Object.keys(shape).length, 'the contract has fields').toBeGreaterThan(0);
      expect(Object.keys(fields).filter((name) => !(name in shape))).toEqual([]);
      const requiredByContract = Object.entries(shape)
        .filter(([name, field]) => name in fields && !field.safeParse(undefined).success)
        .map(([name]) => name);
      for (const name of requiredByContract) {
        expect(isNonNullType(fields[name]?.type), `${typeName}.${name} is required by the contract`).toBe(true);
      }
    });
  }
});
