/**
 * @fieldline/client runs in browsers, phones and Node: it imports only its own modules. Nothing of the
 * Worker (the hub imports the package, never the other way round), no npm package (zod stays in the hub)
 * and no Node built-in. Checked by the root `npm run lint`.
 */

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'client-package-stands-alone',
      severity: 'error',
      comment: 'The package ships without dependencies and must not reach into the Worker.',
      from: { path: '^packages/client/src/' },
      to: { pathNot: '^packages/client/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'packages/client/tsconfig.json' },
  },
};
