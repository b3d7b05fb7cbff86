import type { Repositories } from '../data-access.js';
import type { LedgerDoc } from '../infra/database/models.js';
import { pageOf } from '../http/paging.js';
import { pointsOfUser } from './points.js';

function presentCredit(entry: LedgerDoc) {
  return {
    id: entry._id.toString(),
    purchaseId: entry.purchase?.toString() ?? null,
    /** `reward`, or `reversal` (negative) when the purchase was refunded. */
    type: entry.type,
    slot: entry.slot,
    depth: entry.depth ?? null,
    amount: entry.amount,
    createdAt: entry.createdAt,
  };
}

/** A customer's reward statement: every credit and every reversal of one, newest first, and the total (the sum of all of them). */
export async function rewardStatement(data: Pick<Repositories, 'rewards' | 'points'>, userId: string, page: { limit: number; cursor?: string }) {
  const [docs, total] = await Promise.all([data.rewards.pointEntriesPage(userId, page), pointsOfUser(data, userId)]);
  return { total, ...pageOf(docs, page.limit, presentCredit) };
}
