import { TenantSchema, UpdateTenantBody } from '../contracts/tenant.schemas';
import { getTenant, updateTenant } from '../services/tenant.service';
import {
  createProtectedRouter,
  IdempotencyHeader,
  jsonBody,
  jsonResponse,
  protectedRoute,
  serviceContext,
} from './openapi';

/** The caller's organisation: read by anyone in it, changed by owners and admins (docs/api.md). */
const tags = ['Organisation'];

export const tenantRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'My organisation: name, plan, timezone, currency, check-in radius',
      responses: { 200: jsonResponse(TenantSchema, 'The organisation') },
    }),
    async (c) => c.json(await getTenant(serviceContext(c)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/',
      tags,
      summary: 'Change the organisation’s settings (owners and admins; the currency only before anything is priced)',
      request: { headers: IdempotencyHeader, ...jsonBody(UpdateTenantBody) },
      responses: { 200: jsonResponse(TenantSchema, 'The organisation after the change') },
    }),
    async (c) => c.json(await updateTenant(serviceContext(c), c.req.valid('json')), 200),
  );
