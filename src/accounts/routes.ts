import { Router } from 'express';
import type { AppContext } from '../shared/context.js';
import { getUser } from './users.js';

export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    const user = await getUser(ctx.database.models, req.userId!);
    res.json({
      success: true,
      data: {
        id: user._id.toString(),
        name: user.name,
        walletBalance: user.walletBalance,
        rewardPoints: user.rewardPoints,
        level: user.level,
        lifetimeSpend: user.lifetimeSpend,
      },
    });
  });
  return router;
}
