import type { PostgresSettings } from './pg-client.mjs';

export const MIGRATIONS_FOLDER: string;
export function migratePostgres(settings: PostgresSettings): Promise<void>;
