import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { openDatabase } from './db/connection';
import { databaseFailure } from './db/failures';
import { type AppEnv, loadConfig } from './env';
import { graphqlRouter } from './graphql/route';
import { AppError, ErrorCode, problem, problemResponse } from './lib/errors';
import { analyticsRouter } from './routes/analytics.routes';
import { apiKeysRouter } from './routes/api-keys.routes';
import { auditRouter, usageRouter } from './routes/audit.routes';
import { authRouter } from './routes/auth.routes';
import { customersRouter } from './routes/customers.routes';
import { docsPage } from './routes/docs';
import { eventsRouter } from './routes/events.routes';
import { importsRouter } from './routes/imports.routes';
import { inventoryRouter } from './routes/inventory.routes';
import { invitationAcceptRouter, invitationsRouter } from './routes/invitations.routes';
import { meRouter, notificationRulesRouter, pushRouter } from './routes/notification-centre.routes';
import { notificationsRouter } from './routes/notifications.routes';
import { onboardingRouter } from './routes/onboarding.routes';
import { withOperationIds } from './routes/operation-ids';
import { ordersRouter } from './routes/orders.routes';
import { paymentsRouter } from './routes/payments.routes';
import { productsRouter } from './routes/products.routes';
import { realtimeSocketRouter, realtimeStatsRouter } from './routes/realtime.routes';
import { reportSubscriptionsRouter, reportUnsubscribeRouter } from './routes/report-subscriptions.routes';
import { reportsRouter } from './routes/reports.routes';
import { salesmenRouter } from './routes/salesmen.routes';
import { searchRouter } from './routes/search.routes';
import { syncRouter } from './routes/sync.routes';
import { targetsRouter } from './routes/targets.routes';
import { tenantRouter } from './routes/tenant.routes';
import { territoriesRouter } from './routes/territories.routes';
import { twoFactorRouter } from './routes/two-factor.routes';
import { usersRouter } from './routes/users.routes';
import { visitsRouter } from './routes/visits.routes';
import { webAppRouter } from './routes/web-app.routes';
import { webhooksRouter } from './routes/webhooks.routes';
import { createPlatformContext, requestOrigin } from './services/context';

export const API_VERSION = '1.0.0';

/** The REST surface, mounted one router per resource. Add new resources here. */
const v1 = new OpenAPIHono<AppEnv>()
  .route('/auth', authRouter)
  .route('/auth', twoFactorRouter)
  .route('/tenant', tenantRouter)
  .route('/onboarding', onboardingRouter)
  .route('/imports', importsRouter)
  .route('/users', usersRouter)
  // The invitation link first: it must answer before the protected router's authentication.
  .route('/invitations', invitationAcceptRouter)
  .route('/invitations', invitationsRouter)
  .route('/api-keys', apiKeysRouter)
  .route('/customers', customersRouter)
  .route('/products', productsRouter)
  .route('/inventory', inventoryRouter)
  .route('/territories', territoriesRouter)
  .route('/salesmen', salesmenRouter)
  .route('/visits', visitsRouter)
  .route('/targets', targetsRouter)
  .route('/orders', ordersRouter)
  .route('/payments', paymentsRouter)
  .route('/events', eventsRouter)
  .route('/notifications', notificationsRouter)
  .route('/me', meRouter)
  .route('/push', pushRouter)
  .route('/notification-rules', notificationRulesRouter)
  .route('/realtime', realtimeSocketRouter)
  .route('/realtime', realtimeStatsRouter)
  .route('/search', searchRouter)
  .route('/sync', syncRouter)
  .route('/analytics', analyticsRouter)
  .route('/reports', reportsRouter)
  // The public unsubscribe link first: it must answer before the protected router's authentication.
  .route('/report-subscriptions', reportUnsubscribeRouter)
  .route('/report-subscriptions', reportSubscriptionsRouter)
  .route('/webhooks', webhooksRouter)
  .route('/audit', auditRouter)
  .route('/usage', usageRouter);

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId({ generator: () => crypto.randomUUID() }));
  app.use(async (c, next) => {
    const config = loadConfig(c.env);
    c.set('config', config);
    const database = openDatabase(c.env, config);
    const db = database.db;
    c.set('db', db);
    c.set(
      'platform',
      createPlatformContext({
        db,
        hubs: c.env.TENANT_HUB,
        waitUntil: (promise) => c.executionCtx.waitUntil(promise),
        origin: requestOrigin(c.req.raw.headers, c.get('requestId')),
      }),
    );
    try {
      await next();
    } finally {
      // A Postgres pool lives for one request (Workers cannot share connections between requests). A
      // streamed answer (a GraphQL subscription over SSE) still queries after this point: its pool is left
      // to close its connections itself once they sit idle.
      if (!c.res.headers.get('content-type')?.startsWith('text/event-stream')) afterResponse(c, database.close());
    }
  });
  app.use(secureHeaders({ crossOriginResourcePolicy: 'cross-origin' }));
  app.use('*', async (c, next) => {
    const origins = c.get('config').CORS_ORIGINS;
    const allowed = origins === '*' ? '*' : origins.split(',').map((o) => o.trim());
    return cors({
      origin: allowed,
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-API-Key', 'X-Request-Id'],
      allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'ETag'],
      maxAge: 600,
    })(c, next);
  });
  app.use('/v1/*', async (c, next) =>
    bodyLimit({
      maxSize: c.get('config').MAX_BODY_BYTES,
      onError: (c) => {
        throw new AppError(
          ErrorCode.PAYLOAD_TOO_LARGE,
          `Bodies are limited to ${c.get('config').MAX_BODY_BYTES} bytes`,
        );
      },
    })(c, next),
  );

  app.route('/v1', v1);
  app.route('/graphql', graphqlRouter);
  app.route('/app', webAppRouter);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A JWT access token from /v1/auth/login, or an API key (flk_...)',
  });
  const documentHead = (c: Context<AppEnv>) => ({
    openapi: '3.1.0',
    info: {
      title: 'Fieldline API',
      version: API_VERSION,
      description:
        'Multi-tenant field-sales platform. Errors are application/problem+json with a stable `code`. ' +
        'Lists use cursor pagination ({data, nextCursor}). POSTs accept an Idempotency-Key header.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  });
  app.get('/openapi.json', (c) => c.json(withOperationIds(app.getOpenAPI31Document(documentHead(c)))));
  app.get('/docs', (c) => c.html(docsPage('/openapi.json')));
  app.get('/', (c) => c.json({ name: 'Fieldline API', version: API_VERSION, docs: '/docs', openapi: '/openapi.json' }));
  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.notFound((c) =>
    problemResponse(problem(ErrorCode.NOT_FOUND, `No route for ${c.req.method} ${c.req.path}`, c.get('requestId'))),
  );
  app.onError((err, c) => errorResponse(err, c));
  return app;
}

/** Every error leaves as problem+json with the request id; unexpected ones are logged, never shown. */
/** Keeps `work` alive after the response; called without an ExecutionContext (scripts), it just runs. */
function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    void work;
  }
}

export function errorResponse(thrown: unknown, c: Context<AppEnv>): Response {
  const rid = c.get('requestId');
  const err = databaseFailure(thrown) ?? thrown;
  if (err instanceof AppError) {
    // A refusal that tells when to come back (sign-in throttling) says so in the standard header too.
    const { retryAfter } = err.extensions;
    const headers = typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : undefined;
    return problemResponse(problem(err.code, err.message, rid, err.extensions), headers);
  }
  if (err instanceof HTTPException) {
    const code =
      err.status === 400
        ? /json/i.test(err.message)
          ? ErrorCode.MALFORMED_JSON
          : ErrorCode.BAD_REQUEST
        : err.status === 401
          ? ErrorCode.UNAUTHENTICATED
          : err.status === 413
            ? ErrorCode.PAYLOAD_TOO_LARGE
            : err.status === 415
              ? ErrorCode.UNSUPPORTED_MEDIA_TYPE
              : err.status === 404
                ? ErrorCode.NOT_FOUND
                : ErrorCode.BAD_REQUEST;
    return problemResponse(problem(code, err.message || 'Bad request', rid));
  }
  console.error(JSON.stringify({ level: 'error', requestId: rid, message: String(err), stack: (err as Error)?.stack }));
  return problemResponse(problem(ErrorCode.INTERNAL, 'An unexpected error occurred', rid));
}
