import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import type { RewardStatus } from '../lifecycle.js';

/** How many purchases have this rewards status. */
export function countPurchasesWithStatus({ models, session }: DataScope, status: RewardStatus): Promise<number> {
  return models.Ledger.countDocuments({ type: 'purchase', 'rewards.status': status }).session(session ?? null).exec();
}

/** Up to `limit` purchases completed since `since`, newest first: their creation and rewards only. */
export function purchasesCompletedSince({ models, session }: DataScope, since: Date, limit: number): Promise<Pick<LedgerDoc, '_id' | 'createdAt' | 'rewards'>[]> {
  return models.Ledger.find({ type: 'purchase', 'rewards.status': 'completed', 'rewards.completedAt': { $gte: since } }, { createdAt: 1, rewards: 1 })
    .session(session ?? null)
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<Pick<LedgerDoc, '_id' | 'createdAt' | 'rewards'>[]>()
    .exec();
}

/**
 * Up to `limit` purchases, oldest first, that may have no job that will ever run: `pending` since
 * before `pendingBefore`, `processing` with a run started before `attemptedBefore`, `reversing`
 * with a refund before `refundedBefore` (the reconciler's three questions).
 */
export function purchasesNeedingJob(
  { models, session }: DataScope,
  status: 'pending' | 'processing' | 'reversing',
  before: Date,
  limit: number,
): Promise<Pick<LedgerDoc, '_id'>[]> {
  const since = { pending: 'createdAt', processing: 'rewards.attemptedAt', reversing: 'refund.refundedAt' }[status];
  return models.Ledger.find({ type: 'purchase', 'rewards.status': status, [since]: { $lte: before } }, { _id: 1 })
    .session(session ?? null)
    .sort({ createdAt: 1 })
    .limit(limit)
    .lean<Pick<LedgerDoc, '_id'>[]>()
    .exec();
}
