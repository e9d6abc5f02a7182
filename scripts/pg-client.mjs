// Node-side access to Postgres for scripts and test setup, through the same Neon serverless driver the
// Worker uses: over WebSockets, via the local proxy (scripts/pg.sh) when DATABASE_WS_PROXY is set.
import { neonConfig, Pool } from '@neondatabase/serverless';
import { WebSocket } from 'ws';

/** The local defaults of scripts/pg.sh; DATABASE_URL / DATABASE_WS_PROXY override them. */
export const LOCAL_DATABASE_URL = 'postgres://fieldline:fieldline@localhost:5432/fieldline';
export const LOCAL_WS_PROXY = '127.0.0.1:5488';

/**
 * The database to reach and the proxy in front of it. A server on this machine is reached through
 * scripts/pg.sh's proxy unless DATABASE_WS_PROXY names another (the driver speaks WebSockets only); a
 * remote one (Neon) directly.
 */
export function postgresSettings(env = process.env) {
  const url = env.DATABASE_URL || LOCAL_DATABASE_URL;
  const proxy = env.DATABASE_WS_PROXY ?? (isLoopback(url) ? LOCAL_WS_PROXY : '');
  return { url, proxy: proxy || undefined };
}

function isLoopback(url) {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** A Pool on `url` (Node has no global WebSocket the driver accepts; `ws` stands in). */
export function openPool({ url, proxy }) {
  neonConfig.webSocketConstructor = WebSocket;
  if (proxy) {
    neonConfig.wsProxy = () => `${proxy}/`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  return new Pool({ connectionString: url, max: 2 });
}

/** The same URL on another database of the same server. */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
