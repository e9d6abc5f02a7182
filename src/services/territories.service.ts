import { requirePermission } from '../auth/principal';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { containing } from '../db/sql';
import { type GeoJsonGeometry, territories } from '../db/tables';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { findEntitiesByIds, findEntity, insertEntity, newEntity, softDeleteEntity, updateEntity } from './entity';

export type Territory = typeof territories.$inferSelect;

export interface TerritoryInput {
  name: string;
  description?: string | null | undefined;
  /** Already validated as a closed Polygon / MultiPolygon by the route schema (lib/geojson.ts). */
  boundary?: GeoJsonGeometry | null | undefined;
}

export async function listTerritories(
  ctx: ServiceContext,
  filters: { q?: string | undefined },
  page: PageRequest,
): Promise<Page<Territory>> {
  requirePermission(ctx.principal, 'territories:read');
  return listPage(ctx.db, territories, {
    tenantId: ctx.principal.tenantId,
    filters: [filters.q ? containing(filters.q, [territories.name, territories.description]) : undefined],
    sortable: { name: territories.name, createdAt: territories.createdAt, updatedAt: territories.updatedAt },
    defaultSort: 'name',
    page,
  });
}

export async function getTerritory(ctx: ServiceContext, id: string): Promise<Territory> {
  requirePermission(ctx.principal, 'territories:read');
  return findEntity(ctx, territories, id, 'Territory');
}

export async function getTerritoriesByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Territory[]> {
  requirePermission(ctx.principal, 'territories:read');
  return findEntitiesByIds(ctx, territories, ids);
}

/** Name uniqueness is enforced by the partial unique index, so two racing creates cannot both win (409). */
export async function createTerritory(
  ctx: ServiceContext,
  input: TerritoryInput & { id?: string | undefined },
): Promise<Territory> {
  requirePermission(ctx.principal, 'territories:write');
  const row: Territory = {
    ...newEntity(ctx, input.id ?? newId()),
    name: input.name,
    description: input.description ?? null,
    boundary: input.boundary ?? null,
  };
  return insertEntity(ctx, territories, row, { event: 'territory:created', entityType: 'territory' });
}

export async function updateTerritory(
  ctx: ServiceContext,
  id: string,
  input: Partial<TerritoryInput> & { expectedVersion?: number | undefined },
): Promise<Territory> {
  requirePermission(ctx.principal, 'territories:write');
  const existing = await findEntity(ctx, territories, id, 'Territory');
  const { expectedVersion, ...patch } = input;
  return updateEntity(ctx, territories, existing, patch as Partial<Territory>, {
    event: 'territory:updated',
    entityType: 'territory',
    expectedVersion,
  });
}

export async function deleteTerritory(ctx: ServiceContext, id: string, expectedVersion?: number): Promise<Territory> {
  requirePermission(ctx.principal, 'territories:write');
  const existing = await findEntity(ctx, territories, id, 'Territory');
  return softDeleteEntity(ctx, territories, existing, {
    event: 'territory:deleted',
    entityType: 'territory',
    expectedVersion,
  });
}
