import { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../shared/context.js';
import { objectId, validate, idempotencyKey } from '../http/validate.js';
import { checkout } from './checkout.js';
import { getPurchaseForOwner } from './transactions.js';

const checkoutBody = Joi.object({ cartVersion: Joi.number().integer().strict().min(0) });
const idParams = Joi.object({ id: objectId().required() });

export function checkoutRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/checkout', async (req, res) => {
    const body = validate(checkoutBody, req.body ?? {}, 'body');
    const key = req.get('idempotency-key');
    const validKey = key === undefined ? undefined : validate(idempotencyKey(), key, 'header');
    res.json(await checkout(ctx, { userId: req.userId!, idempotencyKey: validKey, cartVersion: body.cartVersion }));
  });
  router.get('/transactions/:id', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    res.json({ success: true, data: await getPurchaseForOwner(ctx, id, req.userId!) });
  });
  return router;
}
