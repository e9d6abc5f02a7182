import { z } from 'zod';
import type { Principal } from './auth/principal';
import type { Db } from './db/client';
import { AppError, ErrorCode } from './lib/errors';
import type { PlatformContext } from './services/context';

/** An unset or empty variable (wrangler passes `""` for a blank var) is absent. */
const optionalString = <T extends z.ZodType<string>>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/** Runtime configuration, parsed once per isolate so a bad deploy fails fast with a clear message. */
const ConfigSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CORS_ORIGINS: z.string().default('*'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** GPS updates to dashboards leave in frames batched over this window (ms); 0 sends each update alone. */
  REALTIME_LOCATION_BATCH_MS: z.coerce.number().int().min(0).max(1000).default(20),
  REALTIME_MAX_SOCKETS: z.coerce.number().int().min(1).max(32_768).default(10_000),
  /** Open sockets per user or API key, so one principal cannot fill the tenant's REALTIME_MAX_SOCKETS. */
  REALTIME_MAX_SOCKETS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(32_768).default(20),
  /** Per-socket token bucket: sustained messages per second, and burst size. */
  REALTIME_MESSAGES_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(10),
  REALTIME_BURST: z.coerce.number().int().min(1).max(10_000).default(30),
  /**
   * The plan-tier rate limits (src/limits, docs/security.md): `on`, or `off` (benchmarks of the request
   * path without them). Sign-in throttling and the signup limit stay on either way.
   */
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /**
   * Postgres (optional, a secret): a Neon connection string. Set, the whole product runs on Postgres
   * instead of D1 (src/db/connection.ts validates it and answers 503 DATABASE_UNAVAILABLE when it is
   * wrong or the database cannot be reached).
   */
  DATABASE_URL: optionalString(z.string()),
  /**
   * Local development and CI only: host:port of a WebSocket proxy (websockify) in front of a plain
   * PostgreSQL (scripts/pg.sh). Unset for Neon, which the driver reaches over secure WebSockets.
   */
  DATABASE_WS_PROXY: optionalString(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'host:port')),
  /** Meilisearch (optional): with host and API key set, search uses it instead of FTS5 in D1 (docs/search.md). */
  MEILI_HOST: optionalString(z.url()),
  /** An admin API key (not the master key). */
  MEILI_API_KEY: optionalString(z.string()),
  /** Signs tenant tokens (GET /v1/search/key); an API key with the `search` action. Defaults to MEILI_API_KEY. */
  MEILI_SEARCH_KEY: optionalString(z.string()),
  MEILI_INDEX_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, - and _ only')
    .default('fieldline_'),
  /** GraphQL introspection (docs/graphql.md); unset: on in development and test, off elsewhere. */
  GRAPHQL_INTROSPECTION: optionalString(z.enum(['true', 'false'])).transform((v) =>
    v === undefined ? undefined : v === 'true',
  ),
  /** Only operations from the persisted-operations manifest may run on /graphql (mobile-only deployments). */
  GRAPHQL_PERSISTED_ONLY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Sender of scheduled report e-mails (must be allowed for the send_email binding when deployed). */
  REPORT_EMAIL_FROM: z.email().default('reports@fieldline.dev'),
  /** Public origin of this API, for links in e-mails (unsubscribe). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:8787'),
  /**
   * Webhook deliveries (docs/webhooks.md): seconds between a failed attempt and the next one; after the
   * last, the delivery is given up. The default is about 24 hours of retries.
   */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('5,300,1800,7200,18000,36000,36000')
    .transform((raw, ctx) => {
      const delays = raw.split(',').map((s) => Number(s.trim()));
      if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0 || d > 43_200)) {
        ctx.addIssue({ code: 'custom', message: 'WEBHOOK_RETRY_SCHEDULE: comma-separated seconds, each 0..43200' });
        return z.NEVER;
      }
      return delays;
    }),
  /** How long a receiver has to answer one delivery attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  /** An endpoint whose every attempt has failed for this long is disabled and its owners told. */
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(72),
  /**
   * "true" lets webhook endpoints and push subscriptions use http:// and loopback or private addresses:
   * for local development and tests only. Production always requires https to a public host.
   */
  WEBHOOKS_ALLOW_PRIVATE_URLS: optionalString(z.enum(['true', 'false']))
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Web push (docs/notifications.md): the application server's VAPID key pair, base64url (a P-256 public
   * point of 65 bytes, and the 32-byte private scalar, a secret). Unset: no push is sent and the push
   * routes answer 503 PUSH_NOT_CONFIGURED. `npm start` generates local keys into .dev.vars.
   */
  VAPID_PUBLIC_KEY: optionalString(z.string().regex(/^[A-Za-z0-9_-]{87}$/, '65 bytes, base64url without padding')),
  VAPID_PRIVATE_KEY: optionalString(z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes, base64url without padding')),
  /**
   * Seconds between failed attempts of a push message or notification e-mail (429, 5xx, no answer); after
   * the last, or once the notification stops mattering (its TTL), the delivery is given up.
   */
  NOTIFICATION_RETRY_SCHEDULE: z
    .string()
    .default('30,120,600,1800,3600')
    .transform((raw, ctx) => {
      const delays = raw.split(',').map((s) => Number(s.trim()));
      if (delays.some((d) => !Number.isInteger(d) || d < 0 || d > 43_200)) {
        ctx.addIssue({
          code: 'custom',
          message: 'NOTIFICATION_RETRY_SCHEDULE: comma-separated seconds, each 0..43200',
        });
        return z.NEVER;
      }
      return delays;
    }),
  /** Where push services can reach the sender: a mailto: or https: URL. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'a mailto: or https: URL')
    .default('mailto:push@fieldline.dev'),
  /**
   * Comma-separated `kid:secret` pairs. The first key signs new tokens; all of them verify, so a key can
   * be rotated in by putting it first and retired once tokens signed by the old one have expired.
   */
  JWT_KEYS: z
    .string({ error: 'JWT_KEYS secret is not set (see README, Configuration)' })
    .min(1)
    .transform((raw, ctx) => {
      const keys = raw.split(',').map((pair) => {
        const i = pair.indexOf(':');
        return { kid: pair.slice(0, i).trim(), secret: pair.slice(i + 1).trim() };
      });
      for (const k of keys) {
        if (!k.kid || k.secret.length < 32) {
          ctx.addIssue({
            code: 'custom',
            message: 'each JWT_KEYS entry must be kid:secret with a secret of >= 32 characters',
          });
          return z.NEVER;
        }
      }
      return keys;
    }),
  /**
   * Comma-separated `id:secret` pairs keying the HMAC applied to passwords before PBKDF2 (src/auth/passwords.ts,
   * docs/security.md). The first hashes; all verify, and a login with an older one rehashes with the first.
   * Ids are letters, digits, - and _ (they are stored in every hash); secrets >= 32 characters.
   */
  PASSWORD_PEPPER: z
    .string({ error: 'PASSWORD_PEPPER secret is not set (see README, Configuration)' })
    .min(1, 'PASSWORD_PEPPER secret is not set (see README, Configuration)')
    .transform((raw, ctx) => {
      const peppers = raw.split(',').map((pair) => {
        const i = pair.indexOf(':');
        return { id: pair.slice(0, i).trim(), secret: pair.slice(i + 1).trim() };
      });
      const ids = new Set(peppers.map((p) => p.id));
      if (ids.size !== peppers.length || peppers.some((p) => !/^[\w-]{1,32}$/.test(p.id) || p.secret.length < 32)) {
        ctx.addIssue({
          code: 'custom',
          message:
            'PASSWORD_PEPPER must be comma-separated id:secret pairs with distinct ids of letters, digits, - and _ and secrets of >= 32 characters',
        });
        return z.NEVER;
      }
      return peppers;
    }),
});

/** What a production deployment must not leave at its development default. */
const ProductionConfig = ConfigSchema.superRefine((config, ctx) => {
  if (config.ENVIRONMENT !== 'production') return;
  const base = new URL(config.PUBLIC_BASE_URL);
  if (base.protocol !== 'https:' || /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(base.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_BASE_URL'],
      message: `PUBLIC_BASE_URL is ${config.PUBLIC_BASE_URL}: in production it must be the public https origin (unsubscribe links in e-mails use it)`,
    });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

export function loadConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    const parsed = ProductionConfig.safeParse(env);
    if (!parsed.success) {
      // The operator's mistake: named (never a secret's value) in a 503 and the log, not hidden in a 500.
      throw new AppError(ErrorCode.CONFIGURATION_INVALID, `Invalid configuration: ${z.prettifyError(parsed.error)}`);
    }
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    db: Db;
    /** The request's context before the caller is known; `serviceContext(c)` adds the principal. */
    platform: PlatformContext;
    principal: Principal;
  };
}
