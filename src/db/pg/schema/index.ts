// The Postgres (Neon) twin of src/db/schema: the same tables under the same export names, plus
// `eventCounters` (Postgres only). test/unit/schema-parity.test.ts keeps the two in step.
export * from './analytics';
export * from './auth';
export * from './catalog';
export * from './events';
export * from './field';
export * from './imports';
export * from './outbound';
export * from './realtime';
export * from './sales';
export * from './search';
export * from './sync';
export * from './tenancy';
export * from './two-factor';
