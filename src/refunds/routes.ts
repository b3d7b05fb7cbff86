import { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../shared/context.js';
import { objectId, validate, idempotencyKey } from '../http/validate.js';
import { refundPurchase } from './refund-purchase.js';

const idParams = Joi.object({ id: objectId().required() });
const refundBody = Joi.object({ reason: Joi.string().trim().min(1).max(500) });

/** Admin: refund a purchase (docs/spec.md §11). Mounted at /api/admin, behind the admin credentials. */
export function adminRefundRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/purchases/:id/refund', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    const body = validate(refundBody, req.body ?? {}, 'body');
    const key = req.get('idempotency-key');
    const result = await refundPurchase(ctx, {
      transactionId: id,
      by: ctx.config.admin.username,
      reason: body.reason,
      idempotencyKey: key === undefined ? undefined : validate(idempotencyKey(), key, 'header'),
    });
    res.json({
      success: true,
      message: result.alreadyRefunded ? 'This purchase was already refunded; nothing changed' : 'Purchase refunded',
      data: result,
    });
  });
  return router;
}
