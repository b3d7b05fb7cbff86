import { repositoriesOf } from '../data-access.js';
import { type LedgerDoc, type Models } from '../infra/database/models.js';
import { POINT_ENTRY_TYPES } from '../shared/ledger-entries.js';
import { after, newestFirst, pageOf } from '../http/paging.js';
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
export async function rewardStatement(models: Models, userId: string, page: { limit: number; cursor?: string }) {
  const cursor = after(page.cursor);
  const [docs, total] = await Promise.all([
    models.Ledger.find({ $and: [{ user: userId, type: { $in: POINT_ENTRY_TYPES } }, cursor] })
      .sort(newestFirst)
      .limit(page.limit + 1)
      .lean(),
    pointsOfUser(repositoriesOf(models), userId),
  ]);
  return { total, ...pageOf(docs, page.limit, presentCredit) };
}
