import type { Pool } from '@neondatabase/serverless';

export interface PostgresSettings {
  url: string;
  proxy?: string | undefined;
}
export const LOCAL_DATABASE_URL: string;
export const LOCAL_WS_PROXY: string;
export function postgresSettings(env?: Record<string, string | undefined>): PostgresSettings;
export function openPool(settings: PostgresSettings): Pool;
export function withDatabase(url: string, database: string): string;
