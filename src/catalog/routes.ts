import { Router } from 'express';
import Joi from 'joi';
import { validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { listProducts } from './products.js';

const catalogueQuery = Joi.object({ ...pageQuery });

/** The active catalogue for customers (mounted at /api, behind the bearer token). */
export function catalogRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/products', async (req, res) => {
    const page = validate(catalogueQuery, req.query, 'query');
    res.json({ success: true, data: await listProducts(ctx.database.models, { ...page, activeOnly: true }) });
  });
  return router;
}
