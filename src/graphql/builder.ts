import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError, type GraphQLSchema, isObjectType, Kind } from 'graphql';
import type { GraphQLContext } from './context';
import { recordGlobalId } from './ids';
import { LIMITS } from './limits';

const NO_NODE = { typename: '', id: '' };

const isNodeType = (schema: GraphQLSchema, typename: string) => {
  const type = typename ? schema.getType(typename) : undefined;
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node');
};

/**
 * The one Pothos builder. Code-first: every GraphQL type is declared next to the TypeScript shape it
 * resolves from (the service row types), so schema and code cannot drift.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  /** Connection resolvers may attach a counter; `totalCount` calls it only when selected. */
  Connection: { totalCount?: (() => Promise<number>) | undefined };
  Scalars: {
    DateTime: { Input: string; Output: string };
    SafeInt: { Input: number; Output: number };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false, complexity: { field: 0, multiplier: 1 } },
    nodeFieldOptions: { nullable: false },
    // Relay's connection spec has both directions; these lists page forwards only (keyset cursors).
    beforeArgOptions: { description: 'Not supported: connections page forwards (BAD_USER_INPUT); use `after`' },
    lastArgOptions: { description: 'Not supported: connections page forwards (BAD_USER_INPUT); use `first`' },
    // `nodes(ids:)` would let one request fan out into any number of single lookups; `node` is enough.
    nodesQueryOptions: false,
    // `node(id:)` answers null, never an error, for an id that names no node: malformed, not base64, not a
    // record id, or of a type that is not a Node (docs/graphql.md). Only that argument is a relay global id.
    decodeGlobalID: (globalID) => recordGlobalId(globalID) ?? NO_NODE,
    nodeQueryOptions: {
      resolve: (_root, { id }, _ctx, info, resolveNode) =>
        isNodeType(info.schema, id.typename) ? resolveNode(id) : null,
    },
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    // Depth is refused earlier, while validating (graphql-armor); cost and breadth need the arguments.
    limit: { complexity: LIMITS.complexity, breadth: LIMITS.breadth },
    complexityError: (kind, result) => {
      const limit = kind.toLowerCase() as 'complexity' | 'depth' | 'breadth';
      const max = { complexity: result.maxComplexity, depth: result.maxDepth, breadth: result.maxBreadth }[limit];
      return new GraphQLError(`Query ${limit} ${result[limit]} exceeds the limit of ${max}`, {
        extensions: { code: 'QUERY_TOO_COMPLEX', limit, value: result[limit], max },
      });
    },
  },
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

builder.scalarType('DateTime', {
  description: 'An ISO-8601 instant. Output is always UTC (`2026-11-21T17:54:55.475Z`); input may carry an offset.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an ISO-8601 instant such as 2026-11-21T17:54:55Z');
    }
    return value;
  },
});

/** GraphQL's Int is 32-bit; money in minor units can exceed it. */
builder.scalarType('SafeInt', {
  description: 'An integer between -(2^53-1) and 2^53-1. Money is in minor units (1999 = 19.99).',
  serialize: (value) => Number(value),
  parseValue: (value) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new GraphQLError('SafeInt must be an integer within ±(2^53-1)');
    }
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT || !Number.isSafeInteger(Number(ast.value))) {
      throw new GraphQLError('SafeInt must be an integer within ±(2^53-1)');
    }
    return Number(ast.value);
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value (notification data, GeoJSON boundaries).',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
