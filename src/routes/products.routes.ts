import { CreateProductBody, ProductListQuery, ProductSchema, UpdateProductBody } from '../contracts/products.schemas';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from '../services/products.service';
import { crudRouter } from './crud';

export const productsRouter = crudRouter({
  tag: 'Products',
  singular: 'product',
  plural: 'products',
  schema: ProductSchema,
  createBody: CreateProductBody,
  updateBody: UpdateProductBody,
  listQuery: ProductListQuery,
  service: {
    list: listProducts,
    create: createProduct,
    get: getProduct,
    update: updateProduct,
    delete: deleteProduct,
  },
  summaries: { create: 'Create a product together with its inventory record' },
});
