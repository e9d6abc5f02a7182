import { countCustomers, getCustomer, listCustomers } from '../../services/customers.service';
import { countOrders, listOrders } from '../../services/orders.service';
import { getTerritory, listTerritories } from '../../services/territories.service';
import { countVisits, listVisits } from '../../services/visits.service';
import { builder } from '../builder';
import { connectionComplexity, listConnection } from '../connection';
import { badInput } from '../errors';
import { localId, optionalLocalId } from '../ids';
import {
  CustomerConnection,
  CustomerRef,
  OrderConnection,
  OrderRef,
  SalesmanRef,
  TerritoryConnection,
  TerritoryRef,
  VisitConnection,
  VisitRef,
} from '../refs';
import { searchConnection } from '../search';
import { CustomerSort, OrderSort, TerritorySort, VisitSort } from '../sorts';
import { type BuilderTypes, entityFields } from './common';

/**
 * A customer's or a salesman's orders and visits (team.ts): the top-level lists narrowed to the owner,
 * with the same sorts and defaults.
 */
export function activityConnections<T extends { id: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<BuilderTypes, T>,
  owner: 'customerId' | 'salesmanId',
) {
  return {
    orders: t.connection(
      {
        type: OrderRef,
        nullable: true,
        args: { sort: t.arg({ type: OrderSort, required: true, defaultValue: '-orderedAt' }) },
        complexity: connectionComplexity,
        resolve: (row, args, ctx) => listConnection(ctx, args, listOrders, { [owner]: row.id }, countOrders),
      },
      OrderConnection,
    ),
    visits: t.connection(
      {
        type: VisitRef,
        nullable: true,
        args: { sort: t.arg({ type: VisitSort, required: true, defaultValue: 'createdAt' }) },
        complexity: connectionComplexity,
        resolve: (row, args, ctx) => listConnection(ctx, args, listVisits, { [owner]: row.id }, countVisits),
      },
      VisitConnection,
    ),
  };
}

CustomerRef.implement({
  description: 'A customer (shop, business) that salesmen visit and take orders from.',
  fields: (t) => ({
    ...entityFields(t),
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    company: t.exposeString('company', { nullable: true }),
    address: t.exposeString('address', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    lat: t.exposeFloat('lat', { nullable: true }),
    lng: t.exposeFloat('lng', { nullable: true }),
    notes: t.exposeString('notes', { nullable: true }),
    externalId: t.exposeString('externalId', {
      nullable: true,
      description: "The customer's id in your own system (ERP, CRM); what CSV imports upsert by",
    }),
    territory: t.field({ type: TerritoryRef, nullable: true, resolve: (c) => c.territoryId }),
    salesman: t.field({
      type: SalesmanRef,
      nullable: true,
      description: 'The salesman the customer is assigned to',
      resolve: (c) => c.salesmanId,
    }),
    ...activityConnections(t, 'customerId'),
  }),
});

TerritoryRef.implement({
  description: 'A sales territory (optionally with a GeoJSON boundary).',
  fields: (t) => ({
    ...entityFields(t),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    boundary: t.field({
      type: 'JSON',
      nullable: true,
      description: 'GeoJSON Polygon or MultiPolygon',
      resolve: (r) => r.boundary,
    }),
  }),
});

builder.queryFields((t) => ({
  customers: t.connection(
    {
      type: CustomerRef,
      nullable: true,
      description: 'Customers of the tenant. With `search`, the search service ranks typo-tolerant matches.',
      args: {
        search: t.arg.string({ description: 'Typo-tolerant full-text search (name, company, city, ...)' }),
        territoryId: t.arg.id(),
        salesmanId: t.arg.id(),
        city: t.arg.string(),
        sort: t.arg({ type: CustomerSort, description: 'Default NAME_ASC, or RELEVANCE with search' }),
      },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => {
        const territoryId = optionalLocalId(args.territoryId, 'Territory', 'territoryId') ?? undefined;
        const salesmanId = optionalLocalId(args.salesmanId, 'Salesman', 'salesmanId') ?? undefined;
        if (args.search != null) {
          if (salesmanId || args.city) throw badInput('search combines with territoryId only');
          return searchConnection(ctx, 'customers', args.search, args, { territoryId });
        }
        const sort = args.sort ?? 'name';
        if (sort === 'relevance') throw badInput('sort RELEVANCE needs search');
        const filters = { territoryId, salesmanId, city: args.city ?? undefined };
        return listConnection(ctx, { ...args, sort }, listCustomers, filters, countCustomers);
      },
    },
    CustomerConnection,
  ),
  customer: t.field({
    type: CustomerRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getCustomer(ctx.service, localId(args.id, 'Customer')),
  }),
  territories: t.connection(
    {
      type: TerritoryRef,
      nullable: true,
      args: {
        search: t.arg.string({ description: 'Substring of name or description' }),
        sort: t.arg({ type: TerritorySort, required: true, defaultValue: 'name' }),
      },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => listConnection(ctx, args, listTerritories, { q: args.search ?? undefined }),
    },
    TerritoryConnection,
  ),
  territory: t.field({
    type: TerritoryRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getTerritory(ctx.service, localId(args.id, 'Territory')),
  }),
}));
