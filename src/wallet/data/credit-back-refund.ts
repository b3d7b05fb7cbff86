import type { DataScope } from '../../infra/database/data-scope.js';
import type { Id } from '../../shared/ids.js';
import { canRaiseBy } from '../../shared/money.js';

/**
 * A refund's wallet side: the wallet back up by `amount`, the lifetime spend down by it (the
 * level stays: levels only go up). Conditional on both staying within the safe range
 * (src/shared/money.ts). False: nothing matched (no such user, or out of range).
 */
export async function creditBackRefund({ models, session }: DataScope, userId: Id | string, amount: number): Promise<boolean> {
  const credited = await models.User.updateOne(
    { _id: userId, walletBalance: canRaiseBy(amount), lifetimeSpend: { $gte: amount } },
    { $inc: { walletBalance: amount, lifetimeSpend: -amount } },
    { session },
  );
  return credited.modifiedCount === 1;
}
