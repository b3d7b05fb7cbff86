import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import { pageDocs } from '../../http/paging.js';
import type { RewardStatus } from '../lifecycle.js';

export interface PurchasesFilter {
  status?: RewardStatus;
  /** Only purchases created at or before this. */
  createdUpTo?: Date;
  userId?: string;
  limit: number;
  cursor?: string;
}

/** `limit + 1` purchases newest first after the cursor (the `{type, rewards.status, createdAt}` index). */
export function purchasesPage({ models, session }: DataScope, filter: PurchasesFilter): Promise<LedgerDoc[]> {
  const query: Record<string, unknown> = { type: 'purchase' };
  if (filter.status) query['rewards.status'] = filter.status;
  if (filter.userId) query.user = filter.userId;
  if (filter.createdUpTo !== undefined) query.createdAt = { $lte: filter.createdUpTo };
  return pageDocs<LedgerDoc>(models.Ledger, query, filter, session);
}

/** The purchase with this id if `userId` bought it, else null (another customer's purchase is not theirs to see). */
export function findPurchaseOfUser({ models, session }: DataScope, id: string, userId: string): Promise<LedgerDoc | null> {
  return models.Ledger.findOne({ _id: id, type: 'purchase', user: userId }).session(session ?? null).lean<LedgerDoc>().exec();
}
