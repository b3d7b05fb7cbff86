import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import { canRaiseBy } from '../../shared/money.js';

/**
 * The checkout's conditional debit: it matches only while the balance covers the total, so it
 * never goes negative, and while the lifetime spend stays exact (src/shared/money.ts). Returns the
 * user after it, or null when nothing matched (no such user, too little money, or out of range).
 */
export function debitForPurchase({ models, session }: DataScope, userId: string, total: number): Promise<UserDoc | null> {
  return models.User.findOneAndUpdate(
    { _id: userId, walletBalance: { $gte: total }, lifetimeSpend: canRaiseBy(total) },
    { $inc: { walletBalance: -total, lifetimeSpend: total } },
    { returnDocument: 'after', session },
  )
    .lean<UserDoc>()
    .exec();
}
