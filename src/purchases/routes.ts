import { Router } from 'express';
import Joi from 'joi';
import { jobsOfPurchase } from '../infra/queue/jobs-of-purchase.js';
import { objectId, validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { REWARD_STATUSES } from './lifecycle.js';
import { processingStats } from './processing-stats.js';
import { getPurchase, listPurchases, presentPurchaseDetail, presentPurchaseSummary } from './purchases.js';
import { retryRewards } from './retry-rewards.js';

const historyQuery = Joi.object({ ...pageQuery });
const idParams = Joi.object({ id: objectId().required() });
const listQuery = Joi.object({
  status: Joi.string().valid(...REWARD_STATUSES),
  olderThanMinutes: Joi.number().integer().min(0).max(525_600),
  userId: objectId(),
  ...pageQuery,
});
const emptyBody = Joi.object({});
const statsQuery = Joi.object({ windowMinutes: Joi.number().integer().min(1).max(43_200).default(60) });

/** The customer's own purchase history, newest first (mounted at /api, behind the bearer token). */
export function purchaseRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/purchases', async (req, res) => {
    const { limit, cursor } = validate(historyQuery, req.query, 'query');
    const page = await listPurchases(ctx.data, { userId: req.userId!, limit, cursor });
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

/**
 * Admin: what happened to a purchase, lists to watch, and the operator's retry (mounted at
 * /api/admin, behind the admin credentials). The refund is the refunds capability's.
 */
export function adminPurchaseRoutes(ctx: AppContext): Router {
  const purchases = Router();

  purchases.get('/', async (req, res) => {
    const query = validate(listQuery, req.query, 'query');
    res.json({ success: true, data: await listPurchases(ctx.data, query) });
  });

  purchases.get('/stats', async (req, res) => {
    const { windowMinutes } = validate(statsQuery, req.query, 'query');
    res.json({ success: true, data: await processingStats(ctx.data, windowMinutes) });
  });

  purchases.get('/:id', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    const [purchase, jobs] = await Promise.all([getPurchase(ctx.data, id), jobsOfPurchase(ctx.agenda, id)]);
    res.json({ success: true, data: presentPurchaseDetail(purchase, jobs) });
  });

  purchases.post('/:id/rewards/retry', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    validate(emptyBody, req.body ?? {}, 'body');
    const { outcome } = await retryRewards(ctx, id);
    const purchase = await getPurchase(ctx.data, id);
    res.status(202).json({ success: true, data: { id, outcome, rewards: presentPurchaseSummary(purchase).rewards, jobs: await jobsOfPurchase(ctx.agenda, id) } });
  });
  return Router().use('/purchases', purchases);
}
