/**
 * The Worker's layering, checked by `npm run lint` (and so by CI): no import cycles, and the core
 * (services, data layer, domain calculations, contracts, helpers) never imports an adapter (the HTTP
 * routes, GraphQL, the Durable Object, the cron/queue jobs, middleware). Type-only imports count too:
 * a type import is still a dependency on the adapter's shape.
 */
const ADAPTERS = '^src/(routes|graphql|durable|jobs|middleware|app\\.ts|index\\.ts)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make module order matter and hide layering mistakes.',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'core-imports-no-adapter',
      severity: 'error',
      comment: 'Services and everything below them are called by adapters, never the other way round.',
      from: { path: '^src/(services|db|lib|auth|analytics|search|contracts|limits)/' },
      to: { path: ADAPTERS },
    },
    {
      name: 'db-imports-no-service',
      severity: 'error',
      comment: 'The data layer sits below the services.',
      from: { path: '^src/db/' },
      to: { path: '^src/(services|analytics|search|contracts)/' },
    },
    {
      name: 'analytics-domain-is-pure',
      severity: 'error',
      comment: 'analytics/domain holds the calculations: no data access, no services, nothing outside the domain.',
      from: { path: '^src/analytics/domain/' },
      to: { path: '^src/(?!analytics/domain/)' },
    },
    {
      name: 'analytics-queries-below-services',
      severity: 'error',
      comment: 'analytics/queries builds and runs SQL over the domain and the db layer, never above it.',
      from: { path: '^src/analytics/queries/' },
      to: { path: '^src/(services|analytics/(services|documents|mail))/' },
    },
    {
      name: 'analytics-documents-no-data-access',
      severity: 'error',
      comment: 'Documents turn a report into CSV/PDF/HTML; they never load data themselves.',
      from: { path: '^src/analytics/(documents|mail)/' },
      to: { path: '^src/(db|services|analytics/(queries|services))/' },
    },
    {
      name: 'lib-imports-nothing-of-ours',
      severity: 'error',
      comment: 'src/lib holds dependency-free helpers.',
      from: { path: '^src/lib/' },
      to: { path: '^src/(?!lib/)' },
    },
    {
      name: 'no-adapter-to-adapter',
      severity: 'error',
      comment: 'An adapter reaches another adapter only through the services (the app and entry wire them).',
      from: { path: '^src/(routes|graphql|durable|jobs)/' },
      to: { path: '^src/(app\\.ts|index\\.ts)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
