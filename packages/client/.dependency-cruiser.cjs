/**
 * @fieldline/client runs in browsers, phones and Node: it imports only its own modules. Nothing of the
 * Worker (the hub imports the package, never the other way round), no npm package (zod stays in the hub)
 * and no Node built-in. One exception: the IndexedDB sync storage, a separate entry
 * (`@fieldline/client/indexeddb`), uses `idb`; nothing else in the package may import it, so the main
 * entry stays dependency-free. Likewise the REST client (`@fieldline/client/rest`) uses `openapi-fetch`.
 * Checked by the root `npm run lint`.
 */

const IDB_STORAGE = '^packages/client/src/sync/indexeddb-storage\\.ts$';
const REST = '^packages/client/src/rest/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'client-package-stands-alone',
      severity: 'error',
      comment: 'The package ships without dependencies and must not reach into the Worker.',
      from: { path: '^packages/client/src/', pathNot: [IDB_STORAGE, REST] },
      to: { pathNot: '^packages/client/src/' },
    },
    {
      name: 'rest-client-uses-only-openapi-fetch',
      severity: 'error',
      comment: 'The REST client may use openapi-fetch (its declared dependency) and its generated types, nothing else.',
      from: { path: REST },
      to: { pathNot: [REST, '^node_modules/openapi-fetch/'] },
    },
    {
      name: 'main-entry-without-rest',
      severity: 'error',
      comment: 'Only the ./rest entry brings openapi-fetch in.',
      from: { path: '^packages/client/src/', pathNot: REST },
      to: { path: REST },
    },
    {
      name: 'indexeddb-storage-uses-only-idb',
      severity: 'error',
      comment: 'The IndexedDB storage may use idb (its declared dependency) and the package, nothing else.',
      from: { path: IDB_STORAGE },
      to: { pathNot: ['^packages/client/src/', '^node_modules/idb/'] },
    },
    {
      name: 'main-entry-without-idb',
      severity: 'error',
      comment: 'Only the ./indexeddb entry brings idb in: no other module of the package imports the storage.',
      from: { path: '^packages/client/src/', pathNot: IDB_STORAGE },
      to: { path: IDB_STORAGE },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'packages/client/tsconfig.json' },
  },
};
