import { Router } from 'express';
import Joi from 'joi';
import { validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { pointsOfUser } from '../rewards/points.js';
import { referralsOf } from './referrals.js';
import { getUser } from './users.js';

const referralsQuery = Joi.object({ ...pageQuery });

export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    const user = await getUser(ctx.database.models, req.userId!);
    const rewardPoints = await pointsOfUser(ctx.database.models, user._id);
    res.json({
      success: true,
      data: {
        id: user._id.toString(),
        name: user.name,
        walletBalance: user.walletBalance,
        rewardPoints,
        level: user.level,
        lifetimeSpend: user.lifetimeSpend,
      },
    });
  });

  router.get('/referrals', async (req, res) => {
    const page = validate(referralsQuery, req.query, 'query');
    res.json({ success: true, data: await referralsOf(ctx.database.models, req.userId!, page) });
  });
  return router;
}
