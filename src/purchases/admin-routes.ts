import { Router } from 'express';
import Joi from 'joi';
import { REWARD_STATUSES } from './lifecycle.js';
import { jobsOfPurchase } from '../infra/queue/jobs-of-purchase.js';
import { objectId, validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { getPurchase, listPurchases, presentPurchaseDetail, presentPurchaseSummary } from './purchases.js';
import { processingStats } from './processing-stats.js';
import { retryRewards } from './retry-rewards.js';

const idParams = Joi.object({ id: objectId().required() });
const listQuery = Joi.object({
  status: Joi.string().valid(...REWARD_STATUSES),
  olderThanMinutes: Joi.number().integer().min(0).max(525_600),
  userId: objectId(),
  ...pageQuery,
});
const emptyBody = Joi.object({});
const statsQuery = Joi.object({ windowMinutes: Joi.number().integer().min(1).max(43_200).default(60) });

/** What happened to a purchase, lists to watch, and the operator's retry (mounted at /api/admin/purchases). */
export function adminPurchaseRoutes(ctx: AppContext): Router {
  const router = Router();
  const { models } = ctx.database;

  router.get('/', async (req, res) => {
    const query = validate(listQuery, req.query, 'query');
    res.json({ success: true, data: await listPurchases(models, query) });
  });

  router.get('/stats', async (req, res) => {
    const { windowMinutes } = validate(statsQuery, req.query, 'query');
    res.json({ success: true, data: await processingStats(models, windowMinutes) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    const [purchase, jobs] = await Promise.all([getPurchase(models, id), jobsOfPurchase(ctx.agenda, id)]);
    res.json({ success: true, data: presentPurchaseDetail(purchase, jobs) });
  });

  router.post('/:id/rewards/retry', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    validate(emptyBody, req.body ?? {}, 'body');
    const { outcome } = await retryRewards(ctx, id);
    const purchase = await getPurchase(models, id);
    res.status(202).json({ success: true, data: { id, outcome, rewards: presentPurchaseSummary(purchase).rewards, jobs: await jobsOfPurchase(ctx.agenda, id) } });
  });
  return router;
}
