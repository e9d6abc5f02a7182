import fc from 'fast-check';

/**
 * fast-check arbitraries derived from the OpenAPI 3.1 request schemas (/openapi.json), plus the hostile
 * values an attacker or a broken client sends: deep and huge JSON, wrong types, unicode edge cases,
 * non-UUID ids, bad cursors. Used by the fuzz tests over every operation.
 */
type Schema = Record<string, any>;

function resolve(schema: Schema, doc: Schema): Schema {
  if (!schema.$ref) return schema;
  const target = (schema.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Schema, key: string) => node?.[key], doc);
  return resolve(target ?? {}, doc);
}

const nested = (depth: number, leaf: unknown, wrap: (inner: unknown) => unknown) => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
};

/** Values no schema here accepts as they are, or accepts only with care. */
export const hostileValues: unknown[] = [
  null,
  0,
  -1,
  -0,
  1e308,
  2 ** 53 + 1,
  -(2 ** 63),
  0.1,
  true,
  '',
  ' ',
  [],
  {},
  'x'.repeat(70_000),
  '\u0000',
  '\uD800',
  '\uFEFF\u202Eevil',
  'a\u0301\u0302\u0303',
  '🧪'.repeat(500),
  "'; DROP TABLE customers; --",
  '../../etc/passwd',
  '%00%ff',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${{7*7}}',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF',
  '2026-02-30T25:61:00Z',
  '9999-12-31',
  'eyJ0IjoiYWJjIn0',
  nested(2_000, 1, (inner) => [inner]),
  nested(2_000, 'leaf', (inner) => ({ a: inner })),
  Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i])),
  Array.from({ length: 5_000 }, (_, i) => i),
];

const hostile = fc.constantFrom(...hostileValues);

/** Strings for query and path parameters (they are strings on the wire). */
export const hostileStrings = fc.constantFrom(
  '',
  'null',
  '-1',
  '1e999',
  '99999999999999999999',
  'NaN',
  'true',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  '%',
  '%25%00',
  '\u0000',
  '🧪',
  'x'.repeat(5_000),
  '2026-13-45',
  'eyJ0IjoiYWJjIn0',
  '!!!!',
  "' OR 1=1 --",
  '__proto__',
);

function stringFor(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // A pattern fast-check cannot generate from: plain strings below.
    }
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({
    minLength,
    maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)),
    unit: 'grapheme',
  });
}

/**
 * Ids of records that exist, by the property that references them (`customerId` → a customer's id), so
 * shaped requests reach past "not found" into the services.
 */
export type KnownIds = Record<string, string>;

/** Values shaped like `schema` (what a well-behaved client sends), mostly valid. */
export function valueFor(
  schema: Schema | undefined,
  doc: Schema,
  depth = 0,
  known: KnownIds = {},
): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant({});
  const s = resolve(schema, doc);
  if (depth > 6) return fc.constant(null);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v: Schema) => valueFor(v, doc, depth + 1, known)));
  if (s.allOf) {
    return fc
      .tuple(...s.allOf.map((v: Schema) => valueFor(v, doc, depth + 1, known)))
      .map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object')));
  }
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const properties: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, prop] of Object.entries<Schema>(s.properties ?? {})) {
        const id = known[key];
        properties[key] = id
          ? fc.oneof(
              { weight: 3, arbitrary: fc.constant(id) },
              { weight: 1, arbitrary: valueFor(prop, doc, depth + 1, known) },
            )
          : valueFor(prop, doc, depth + 1, known);
      }
      return fc.record(properties, { requiredKeys: (s.required ?? []).filter((k: string) => k in properties) });
    }
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(valueFor(s.items, doc, depth + 1, known), {
        minLength,
        maxLength: Math.max(minLength, Math.min(s.maxItems ?? 4, 4)),
      });
    }
    case 'integer':
      return fc.integer({
        min: Math.max(s.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
        max: Math.min(s.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringFor(s);
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** `value` with one property (or item) replaced by a hostile value, or the hostile value itself. */
function corrupt(value: unknown): fc.Arbitrary<unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    const keys = Object.keys(value);
    return fc
      .tuple(fc.constantFrom(...keys), hostile)
      .map(([key, bad]) => ({ ...(value as Record<string, unknown>), [key]: bad }));
  }
  return hostile;
}

/** Request bodies for an operation: shaped like its schema, with one field corrupted, or plain hostile. */
export function bodyFor(schema: Schema | undefined, doc: Schema, known: KnownIds = {}): fc.Arbitrary<unknown> {
  const shaped = valueFor(schema, doc, 0, known);
  return fc.oneof(
    { weight: 3, arbitrary: shaped },
    { weight: 3, arbitrary: shaped.chain(corrupt) },
    { weight: 1, arbitrary: fc.record({ unexpected: hostile }) },
    { weight: 1, arbitrary: hostile },
  );
}

/** A query or path parameter's text: from its schema, or hostile. */
export function parameterFor(schema: Schema | undefined, doc: Schema, known: KnownIds = {}): fc.Arbitrary<string> {
  const shaped = valueFor(schema, doc, 0, known).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  return fc.oneof({ weight: 2, arbitrary: shaped }, { weight: 1, arbitrary: hostileStrings });
}
