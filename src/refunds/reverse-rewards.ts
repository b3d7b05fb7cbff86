import type { AppContext } from '../shared/context.js';
import { UnrecoverableJobError } from '../shared/errors.js';

export type ReversalOutcome = { status: 'reversed'; reversed: number } | { status: 'already-reversed' } | { status: 'nothing-to-reverse' };

/**
 * The `reverse-purchase-rewards` job's use case (docs/spec.md §11). For a refunded purchase, writes one
 * reversal per reward, app-revenue and gifts-pool entry of the purchase, under the key
 * `reversal:<entryKey>` (so none is reversed twice) and with the opposite amount (so the
 * purchase's entries then sum to 0 and each beneficiary's points drop by what it was paid), then
 * marks the rewards `reversed`. Never skipped: points a referrer no longer has still come off, and
 * the balance goes negative (owed). Idempotent like the rewards job: one transaction, entries under unique keys.
 */
export async function reversePurchaseRewards(ctx: AppContext, transactionId: string, options: { budgetMs?: number } = {}): Promise<ReversalOutcome> {
  return ctx.unitOfWork.run({ name: 'reversal', budgetMs: options.budgetMs }, async (tx) => {
    const purchase = await tx.purchases.findPurchase(transactionId);
    if (!purchase?.rewards) throw new UnrecoverableJobError(`Purchase ${transactionId} does not exist`);
    if (!purchase.refund) throw new UnrecoverableJobError(`Purchase ${transactionId} is not refunded: nothing may be reversed`);
    if (purchase.rewards.status === 'reversed') return { status: 'already-reversed' } as const;
    if (purchase.rewards.status !== 'reversing') return { status: 'nothing-to-reverse' } as const;

    const paid = await tx.refunds.findPaidEntries(purchase._id);
    await tx.refunds.insertReversals(purchase._id, paid);
    await tx.purchases.finishReversal(purchase._id);
    return { status: 'reversed', reversed: paid.length } as const;
  });
}
