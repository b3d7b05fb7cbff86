import { Router } from 'express';
import Joi from 'joi';
import { amount, sku, validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { listProducts, presentProduct, upsertProduct } from './products.js';

const catalogueQuery = Joi.object({ ...pageQuery });
const productBody = Joi.object({
  sku: sku().required(),
  name: Joi.string().trim().min(1).max(200).required(),
  price: amount().max(1_000_000_000).required(),
  active: Joi.boolean().strict(),
}).required();
const productsQuery = Joi.object({ active: Joi.boolean(), ...pageQuery });

/** The active catalogue for customers (mounted at /api, behind the bearer token). */
export function catalogRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/products', async (req, res) => {
    const page = validate(catalogueQuery, req.query, 'query');
    res.json({ success: true, data: await listProducts(ctx.data, { ...page, activeOnly: true }) });
  });
  return router;
}

/** Admin: create or update a product, list every product (mounted at /api/admin, behind the admin credentials). */
export function adminCatalogRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/products', async (req, res) => {
    const body = validate(productBody, req.body, 'body');
    const { product, created } = await upsertProduct(ctx.data, body);
    res.status(created ? 201 : 200).json({ success: true, data: presentProduct(product) });
  });

  router.get('/products', async (req, res) => {
    res.json({ success: true, data: await listProducts(ctx.data, validate(productsQuery, req.query, 'query')) });
  });
  return router;
}
