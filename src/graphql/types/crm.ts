import { countCustomers, getCustomer, listCustomers } from '../../services/customers.service';
import { countOrders, listOrders } from '../../services/orders.service';
import { getTerritory, listTerritories } from '../../services/territories.service';
import { countVisits, listVisits } from '../../services/visits.service';
import { builder } from '../builder';
import { connectionComplexity, pageRequest, toConnection } from '../connection';
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
import { entityFields } from './common';

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
    territory: t.field({ type: TerritoryRef, nullable: true, resolve: (c) => c.territoryId }),
    salesman: t.field({
      type: SalesmanRef,
      nullable: true,
      description: 'The salesman the customer is assigned to',
      resolve: (c) => c.salesmanId,
    }),
    orders: t.connection(
      {
        type: OrderRef,
        args: { sort: t.arg({ type: OrderSort, required: true, defaultValue: '-orderedAt' }) },
        complexity: connectionComplexity,
        resolve: async (c, args, ctx) => {
          const filters = { customerId: c.id };
          const page = await listOrders(ctx.service, filters, pageRequest(args, args.sort));
          return toConnection(page, args.sort, () => countOrders(ctx.service, filters));
        },
      },
      OrderConnection,
    ),
    visits: t.connection(
      {
        type: VisitRef,
        args: { sort: t.arg({ type: VisitSort, required: true, defaultValue: 'createdAt' }) },
        complexity: connectionComplexity,
        resolve: async (c, args, ctx) => {
          const filters = { customerId: c.id };
          const page = await listVisits(ctx.service, filters, pageRequest(args, args.sort));
          return toConnection(page, args.sort, () => countVisits(ctx.service, filters));
        },
      },
      VisitConnection,
    ),
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
      description: 'Customers of the tenant. With `search`, the search service ranks typo-tolerant matches.',
      args: {
        search: t.arg.string({ description: 'Typo-tolerant full-text search (name, company, city, ...)' }),
        territoryId: t.arg.id(),
        salesmanId: t.arg.id(),
        city: t.arg.string(),
        sort: t.arg({ type: CustomerSort, description: 'Default NAME_ASC, or RELEVANCE with search' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const territoryId = optionalLocalId(args.territoryId, 'Territory', 'territoryId') ?? undefined;
        const salesmanId = optionalLocalId(args.salesmanId, 'Salesman', 'salesmanId') ?? undefined;
        if (args.search != null) {
          if (salesmanId || args.city) throw badInput('search combines with territoryId only');
          return searchConnection(ctx, 'customers', args.search, args, { territoryId });
        }
        const sort = args.sort ?? 'name';
        if (sort === 'relevance') throw badInput('sort RELEVANCE needs search');
        const filters = { territoryId, salesmanId, city: args.city ?? undefined };
        const page = await listCustomers(ctx.service, filters, pageRequest(args, sort));
        return toConnection(page, sort, () => countCustomers(ctx.service, filters));
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
      args: {
        search: t.arg.string({ description: 'Substring of name or description' }),
        sort: t.arg({ type: TerritorySort, required: true, defaultValue: 'name' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) =>
        toConnection(
          await listTerritories(ctx.service, { q: args.search ?? undefined }, pageRequest(args, args.sort)),
          args.sort,
        ),
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
