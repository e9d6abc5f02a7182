export * from './backoff.js';
export * from './protocol.js';
export * from './realtime-client.js';
export * from './stream-state.js';
export * from './sync/index.js';
