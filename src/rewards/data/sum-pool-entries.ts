import type { DataScope } from '../../infra/database/data-scope.js';

/** The sum of the entries of one kind, and of the reversals of that kind (`reverses`: the kind a reversal undoes). */
export interface PoolEntrySum {
  _id: { type: string; reverses: string | null };
  total: number;
}

/**
 * The ledger's system-account entries (app revenue, gifts pool), rewards paid, refunds, and the
 * reversals of them, summed on the server by kind and by the kind a reversal reverses.
 */
export function sumPoolEntries({ models, session }: DataScope): Promise<PoolEntrySum[]> {
  return models.Ledger.aggregate<PoolEntrySum>([
    { $match: { type: { $in: ['app_revenue', 'gifts_pool', 'reward', 'reversal', 'refund'] } } },
    { $group: { _id: { type: '$type', reverses: '$reverses' }, total: { $sum: '$amount' } } },
  ]).session(session ?? null).exec();
}
