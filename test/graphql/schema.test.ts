import { parse, printSchema, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import committed from '../../docs/schema.graphql?raw';
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
