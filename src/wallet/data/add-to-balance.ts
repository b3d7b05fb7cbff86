import type { ClientSession, Types } from 'mongoose';
import type { Models, UserDoc } from '../../infra/database/models.js';
import { canRaiseBy } from '../../shared/money.js';

/**
 * Adds `amount` to a wallet, conditional on the balance staying exact (src/shared/money.ts).
 * Returns the user after it, or null when no user matched.
 */
export function addToBalance(models: Models, userId: string | Types.ObjectId, amount: number, session: ClientSession): Promise<UserDoc | null> {
  return models.User.findOneAndUpdate(
    { _id: userId, walletBalance: canRaiseBy(amount) },
    { $inc: { walletBalance: amount } },
    { returnDocument: 'after', session },
  )
    .lean<UserDoc>()
    .exec();
}
