// Vite's `import.meta.glob` (the Postgres migration files in schema-parity.test.ts), as far as the tests use it.
interface ImportMeta {
  glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
}
