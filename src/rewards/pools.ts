import type { Models } from '../infra/database/models.js';

/** Totals of the system accounts, from the ledger. */
export async function poolTotals(models: Models): Promise<{ appRevenue: number; giftsPool: number; rewardsPaid: number }> {
  const rows = await models.Ledger.aggregate<{ _id: string; total: number }>([
    { $match: { type: { $in: ['app_revenue', 'gifts_pool', 'reward'] } } },
    { $group: { _id: '$type', total: { $sum: '$amount' } } },
  ]);
  const total = (type: string) => rows.find((r) => r._id === type)?.total ?? 0;
  return { appRevenue: total('app_revenue'), giftsPool: total('gifts_pool'), rewardsPaid: total('reward') };
}
