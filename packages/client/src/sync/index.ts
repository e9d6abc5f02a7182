// IndexedDbSyncStorage is not re-exported here: it is `@fieldline/client/indexeddb` (it needs `idb`).
export * from './batches.js';
export * from './memory-storage.js';
export * from './mutators.js';
export * from './protocol.js';
export * from './realtime.js';
export * from './single-flight.js';
export * from './storage.js';
export * from './sync-client.js';
export * from './sync-state.js';
export * from './transport.js';
export * from './uuid.js';
export * from './view.js';
