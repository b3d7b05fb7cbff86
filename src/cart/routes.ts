import { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../shared/context.js';
import { noBody, sku, validate } from '../http/validate.js';
import { addItem, MAX_QUANTITY, removeItem, viewCart } from './cart.js';

const addItemBody = Joi.object({
  sku: sku().required(),
  quantity: Joi.number().integer().strict().min(1).max(MAX_QUANTITY).required(),
}).required();
const skuParams = Joi.object({ sku: sku().required() });

/** The customer's cart (mounted at /api, behind the bearer token). */
export function cartRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json({ success: true, data: await viewCart(ctx.data, req.userId!) });
  });
  router.post('/items', async (req, res) => {
    const body = validate(addItemBody, req.body, 'body');
    res.json({ success: true, data: await addItem(ctx.data, req.userId!, body.sku, body.quantity) });
  });
  router.delete('/items/:sku', async (req, res) => {
    const params = validate(skuParams, req.params, 'params');
    validate(noBody(), req.body ?? {}, 'body');
    res.json({ success: true, data: await removeItem(ctx.data, req.userId!, params.sku) });
  });
  return Router().use('/cart', router);
}
