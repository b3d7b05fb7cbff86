import type { Repositories } from '../data-access.js';

export interface PoolTotals {
  appRevenue: number;
  giftsPool: number;
  rewardsPaid: number;
  /** Wallet money given back by refunds. */
  refunded: number;
}

/** Totals of the system accounts, from the ledger; reversals of refunded purchases count against what they reverse. */
export async function poolTotals({ rewards }: Pick<Repositories, 'rewards'>): Promise<PoolTotals> {
  const rows = await rewards.sumPoolEntries();
  const total = (type: string) => rows.filter((r) => r._id.type === type || r._id.reverses === type).reduce((sum, r) => sum + r.total, 0);
  return { appRevenue: total('app_revenue'), giftsPool: total('gifts_pool'), rewardsPaid: total('reward'), refunded: total('refund') };
}
