import { Router } from 'express';
import type { AppContext } from '../shared/context.js';
import { pointsOfUser } from '../rewards/points.js';
import { getUser } from './users.js';

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
  return router;
}
