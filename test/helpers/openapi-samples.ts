/**
 * Builds a minimal valid JSON value for an OpenAPI 3.1 schema (required properties only), so tests
 * generated from the route table can call every route with a body that passes validation and reaches
 * the service layer.
 */
type Schema = Record<string, any>;

export function sampleFor(schema: Schema | undefined, doc: Schema): unknown {
  if (!schema) return {};
  if (schema.$ref) return sampleFor(resolveRef(schema.$ref, doc), doc);
  if (schema.example !== undefined) return schema.example;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const nonNull = variants.find((v: Schema) => v.type !== 'null');
    return sampleFor(nonNull ?? variants[0], doc);
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s: Schema) => sampleFor(s, doc)));
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sampleFor(schema.properties?.[key], doc);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleFor(schema.items, doc));
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined);
      const value = min !== undefined && min > 1 ? min : 1;
      return schema.maximum !== undefined ? Math.min(value, schema.maximum) : value;
    }
    case 'boolean':
      return false;
    case 'string':
      return sampleString(schema);
    default:
      return {};
  }
}

function sampleString(schema: Schema): string {
  switch (schema.format) {
    case 'uuid':
      return crypto.randomUUID();
    case 'email':
      return `sample-${crypto.randomUUID().slice(0, 8)}@example.test`;
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
  }
  return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

function resolveRef(ref: string, doc: Schema): Schema {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Schema, part) => node?.[part], doc);
}
