import type { ClientSession, Types } from 'mongoose';
import type { Models, UserDoc } from '../../infra/database/models.js';

/**
 * Adds `amount` to a wallet, conditional on the balance staying a safe integer (past it, further
 * credits would be lost to rounding). Returns the user after it, or null when no user matched.
 */
export function addToBalance(models: Models, userId: string | Types.ObjectId, amount: number, session: ClientSession): Promise<UserDoc | null> {
  return models.User.findOneAndUpdate(
    { _id: userId, walletBalance: { $lte: Number.MAX_SAFE_INTEGER - amount } },
    { $inc: { walletBalance: amount } },
    { returnDocument: 'after', session },
  )
    .lean<UserDoc>()
    .exec();
}
