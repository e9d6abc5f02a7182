import {
  CreateCustomerBody,
  CustomerListQuery,
  CustomerSchema,
  UpdateCustomerBody,
} from '../contracts/customers.schemas';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../services/customers.service';
import { crudRouter } from './crud';
import { customersNearRoute } from './search.routes';

export const customersRouter = crudRouter({
  tag: 'Customers',
  singular: 'customer',
  plural: 'customers',
  schema: CustomerSchema,
  createBody: CreateCustomerBody,
  updateBody: UpdateCustomerBody,
  listQuery: CustomerListQuery,
  service: {
    list: listCustomers,
    create: createCustomer,
    get: getCustomer,
    update: updateCustomer,
    delete: deleteCustomer,
  },
  staticRoutes: (router) => customersNearRoute(router, CustomerSchema),
});
