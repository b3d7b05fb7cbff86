import type { ClientSession, Types } from 'mongoose';
import type { LedgerDoc, Models } from '../infra/database/models.js';

/** The purchase (the order) with this id, or null; inside `session` when one is given. */
export function findPurchase(models: Models, id: Types.ObjectId | string, session?: ClientSession | null): Promise<LedgerDoc | null> {
  return models.Ledger.findOne({ _id: id, type: 'purchase' })
    .session(session ?? null)
    .lean<LedgerDoc>()
    .exec();
}
