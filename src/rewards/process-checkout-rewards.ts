import type { AppContext } from '../shared/context.js';
import { isSettled } from '../purchases/lifecycle.js';
import { UnrecoverableJobError } from '../shared/errors.js';
import { computeDistribution, type Distribution } from './distribution.js';
import { upgradedLevel } from './levels.js';

export type RewardsOutcome =
  | { status: 'completed'; distribution: Distribution; buyerLevel: string | null }
  | { status: 'already-completed' }
  /** Refunded before it was paid: nothing is paid, ever. */
  | { status: 'cancelled' };

/**
 * docs/spec.md §5. Load the purchase and the buyer's upline, compute the distribution (a pure function),
 * and apply it in one unit of work: ledger entries under unique keys, the buyer's level, the
 * purchase marked completed last.
 *
 * Points are not credited to user documents: a user's points are the sum of their ledger entries
 * (src/rewards/points.ts). So a run writes no referrer's document — purchases under one hot
 * referrer don't conflict with each other or with that referrer's own checkouts — and there is
 * no second write that a crash could separate from the entry.
 *
 * A refunded purchase is paid nothing (`cancelled`), whenever the run happens.
 *
 * Idempotent: the run is all or nothing (one transaction), and a second run finds the purchase
 * completed; two at once conflict, and the retry finds it completed.
 */
export async function processCheckoutRewards(ctx: AppContext, transactionId: string, options: { budgetMs?: number } = {}): Promise<RewardsOutcome> {
  return ctx.unitOfWork.run({ name: 'rewards', budgetMs: options.budgetMs }, async (tx) => {
    const purchase = await tx.purchases.findPurchase(transactionId);
    if (!purchase?.rewards) throw new UnrecoverableJobError(`Purchase ${transactionId} does not exist`);
    if (purchase.rewards.status === 'completed') return { status: 'already-completed' } as const;
    if (purchase.refund || isSettled(purchase.rewards.status)) return { status: 'cancelled' } as const;
    const buyer = purchase.user ? await tx.users.findUser(purchase.user) : null;
    if (!buyer) throw new UnrecoverableJobError(`Buyer ${String(purchase.user)} of purchase ${transactionId} does not exist`);

    const distribution = (purchase.rewards.distribution as Distribution | null) ?? computeDistribution({
      cartTotal: purchase.amount,
      buyerId: buyer._id.toString(),
      upline: await tx.rewards.findUpline(buyer, ctx.config.rewards.maxDepth),
      rules: ctx.config.rewards,
    });
    await tx.rewards.insertRewardEntries(purchase._id, distribution);
    await ctx.failpoints.hit('rewards.afterLedgerEntries');
    const buyerLevel = upgradedLevel(buyer.level, buyer.lifetimeSpend, ctx.config.levelThresholds);
    await tx.rewards.upgradeLevel(buyer, buyerLevel);

    // Last, so that `completed` means every entry above is written; conditional on no refund
    // having settled the purchase meanwhile.
    if (await tx.purchases.complete(purchase._id, distribution)) return { status: 'completed', distribution, buyerLevel } as const;
    // A concurrent completion or refund is a write conflict in the transaction, retried into one
    // of the returns above: this is not reached.
    throw new Error(`Purchase ${transactionId} was settled concurrently`);
  });
}
