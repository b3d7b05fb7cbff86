import type { Models } from '../infra/database/models.js';
import { NotFound } from '../shared/errors.js';

/** A purchase with its rewards, for its owner only: another customer's id answers 404, like an unknown one. */
export async function getPurchaseForOwner(models: Models, transactionId: string, userId: string) {
  const purchase = await models.Ledger.findOne({ _id: transactionId, type: 'purchase', user: userId }).lean();
  if (!purchase) throw new NotFound('TRANSACTION', `Transaction ${transactionId} not found`);
  return {
    id: purchase._id.toString(),
    type: purchase.type,
    total: purchase.amount,
    lines: purchase.lines ?? [],
    createdAt: purchase.createdAt,
    rewards: purchase.rewards,
    refund: purchase.refund ? { refundedAt: purchase.refund.refundedAt, reason: purchase.refund.reason } : null,
  };
}
