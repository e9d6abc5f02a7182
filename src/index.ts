import { buildApp } from './app';

export { TenantHub } from './durable/tenant-hub';

const app = buildApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
