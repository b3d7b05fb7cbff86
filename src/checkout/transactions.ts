import type { AppContext } from '../shared/context.js';
import { NotFound } from '../shared/errors.js';

/** A purchase with its rewards, for its owner only: another customer's id answers 404, like an unknown one. */
export async function getPurchaseForOwner(ctx: AppContext, transactionId: string, userId: string) {
  const purchase = await ctx.data.purchases.findPurchaseOfUser(transactionId, userId);
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
