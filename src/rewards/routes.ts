import { Router } from 'express';
import Joi from 'joi';
import { validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { poolTotals } from './pools.js';
import { rewardStatement } from './statement.js';

const statementQuery = Joi.object({ ...pageQuery });

/** The customer's reward statement (mounted at /api, behind the bearer token). */
export function rewardRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/rewards', async (req, res) => {
    const page = validate(statementQuery, req.query, 'query');
    res.json({ success: true, data: await rewardStatement(ctx.data, req.userId!, page) });
  });
  return router;
}

/** Admin: the totals of the app-revenue and gifts pools (mounted at /api/admin, behind the admin credentials). */
export function adminRewardRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/pools', async (_req, res) => {
    res.json({ success: true, data: await poolTotals(ctx.data) });
  });
  return router;
}
