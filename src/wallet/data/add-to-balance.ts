import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';
import { canRaiseBy } from '../../shared/money.js';

/**
 * Adds `amount` to a wallet, conditional on the balance staying exact (src/shared/money.ts).
 * Returns the user after it, or null when no user matched.
 */
export function addToBalance({ models, session }: DataScope, userId: string | Id, amount: number): Promise<UserDoc | null> {
  return models.User.findOneAndUpdate(
    { _id: userId, walletBalance: canRaiseBy(amount) },
    { $inc: { walletBalance: amount } },
    { returnDocument: 'after', session },
  )
    .lean<UserDoc>()
    .exec();
}
