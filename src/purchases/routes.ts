import { Router } from 'express';
import Joi from 'joi';
import { validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { listPurchases } from './purchases.js';

const historyQuery = Joi.object({ ...pageQuery });

/** The customer's own purchase history, newest first (mounted at /api, behind the bearer token). */
export function purchaseRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/purchases', async (req, res) => {
    const { limit, cursor } = validate(historyQuery, req.query, 'query');
    const page = await listPurchases(ctx.database.models, { userId: req.userId!, limit, cursor });
    // The customer sees where the rewards stand, not the operators' error texts.
    const items = page.items.map(({ rewards: { status, totalRewardPoints, completedAt }, refund, ...purchase }) => ({
      ...purchase,
      refundedAt: refund?.refundedAt ?? null,
      rewards: { status, totalRewardPoints, completedAt },
    }));
    res.json({ success: true, data: { items, nextCursor: page.nextCursor } });
  });
  return router;
}
