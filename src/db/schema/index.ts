export * from './analytics';
export * from './catalog';
export * from './events';
export * from './field';
export * from './realtime';
export * from './sales';
export * from './search';
export * from './tenancy';
