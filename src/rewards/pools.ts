import type { Models } from '../infra/database/models.js';

export interface PoolTotals {
  appRevenue: number;
  giftsPool: number;
  rewardsPaid: number;
  /** Wallet money given back by refunds. */
  refunded: number;
}

/** Totals of the system accounts, from the ledger; reversals of refunded purchases count against what they reverse. */
export async function poolTotals(models: Models): Promise<PoolTotals> {
  const rows = await models.Ledger.aggregate<{ _id: { type: string; reverses: string | null }; total: number }>([
    { $match: { type: { $in: ['app_revenue', 'gifts_pool', 'reward', 'reversal', 'refund'] } } },
    { $group: { _id: { type: '$type', reverses: '$reverses' }, total: { $sum: '$amount' } } },
  ]);
  const total = (type: string) => rows.filter((r) => r._id.type === type || r._id.reverses === type).reduce((sum, r) => sum + r.total, 0);
  return { appRevenue: total('app_revenue'), giftsPool: total('gifts_pool'), rewardsPaid: total('reward'), refunded: total('refund') };
}
