import type { Repositories } from '../data-access.js';
import type { AppContext } from '../shared/context.js';
import type { LedgerDoc, PurchaseRefund } from '../infra/database/models.js';
import type { RewardStatus } from '../purchases/lifecycle.js';
import { CommitOutcomeUnknown, Conflict, IdempotencyKeyReused, NotFound, isDuplicateKeyError } from '../shared/errors.js';
import type { Id } from '../shared/ids.js';
import { outOfRange } from '../shared/money.js';
import { JOB_NAMES } from '../infra/queue/agenda.js';
import { enqueuePurchaseJob } from '../infra/queue/enqueue-purchase-job.js';

export interface RefundRequest {
  transactionId: string;
  /** The admin who asks. */
  by: string;
  reason?: string | null;
  idempotencyKey?: string;
}

export interface RefundResult {
  transactionId: string;
  /** True when the purchase had been refunded before: nothing changed now. */
  alreadyRefunded: boolean;
  refund: PurchaseRefund;
  amount: number;
  rewardsStatus: RewardStatus;
}

/**
 * docs/spec.md §11, in one unit of work: a `refund` ledger entry (its unique key admits one refund per
 * purchase), the purchase marked refunded with who/when/why, its
 * rewards settled — `cancelled` if not yet paid (no run will pay them), `reversing` if paid —
 * and the buyer's wallet credited the total and lifetime spend reduced by it (the level stays:
 * levels only go up). After commit, paid rewards get their reversal job. A second refund of the
 * same purchase changes nothing and says so.
 */
export async function refundPurchase(ctx: AppContext, request: RefundRequest): Promise<RefundResult> {
  if (request.idempotencyKey) {
    const seen = await ctx.data.refunds.findRefundByKey(request.idempotencyKey);
    if (seen && seen._id.toString() !== request.transactionId) throw new IdempotencyKeyReused('This Idempotency-Key was used to refund another purchase');
  }
  let result: RefundResult;
  try {
    result = await ctx.unitOfWork.run({ name: 'refund' }, async (tx) => {
      const purchase = await tx.purchases.findPurchase(request.transactionId);
      if (!purchase?.rewards) throw new NotFound('TRANSACTION', `Purchase ${request.transactionId} does not exist`);
      if (purchase.refund) return present(purchase, purchase.refund, purchase.rewards.status, true);

      const refund: PurchaseRefund = { refundedAt: new Date(), by: request.by, reason: request.reason ?? null, idempotencyKey: request.idempotencyKey ?? null };
      await tx.refunds.insertRefundEntry(purchase);

      // A rewards run writes its entries and `completed` in one transaction: paid means completed
      // (the lifecycle's refund move). In the transaction a run completing meanwhile is a write
      // conflict: the unit retries and reads it.
      const rewardsStatus = await tx.purchases.refund(purchase._id, purchase.rewards.status, refund);

      await creditBack(tx, purchase.user!, purchase.amount);
      return present(purchase, refund, rewardsStatus, false);
    });
  } catch (error) {
    if (error instanceof CommitOutcomeUnknown) {
      // Read the outcome back: a refund found is this one (or a concurrent one, which did the same).
      const purchase = await ctx.data.purchases.findPurchase(request.transactionId).catch(() => null);
      if (!purchase?.refund) {
        throw new CommitOutcomeUnknown('The refund may or may not have been applied: the database did not confirm it in time. Retry it: a refund is applied once, and a second one answers what the first did.');
      }
      result = present(purchase, purchase.refund, purchase.rewards!.status, false);
    } else {
      // Another refund of the same purchase won the race on the refund entry's key: say what it did.
      if (!isDuplicateKeyError(error)) throw error;
      const purchase = await ctx.data.purchases.findPurchase(request.transactionId);
      if (!purchase?.refund) throw new Conflict('A refund of this purchase is in progress; retry shortly');
      result = present(purchase, purchase.refund, purchase.rewards!.status, true);
    }
  }
  if (!result.alreadyRefunded) {
    ctx.log.info('purchase refunded', { transactionId: result.transactionId, amount: result.amount, by: request.by, rewards: result.rewardsStatus });
    // After the commit only the job is asked for, and its failure is logged, not thrown: the
    // refund is made (the reconciler gives a `reversing` purchase its job). The status was set in
    // the unit of work; setting it again here could move a purchase already `reversed` back.
    if (result.rewardsStatus === 'reversing') await enqueuePurchaseJob(ctx, JOB_NAMES.reversePurchaseRewards, result.transactionId);
  }
  return result;
}

/** Wallet back, lifetime spend down (src/wallet/data/credit-back-refund.ts); when it matches nothing, why. */
async function creditBack(tx: Pick<Repositories, 'wallet' | 'users'>, userId: Id, amount: number) {
  if (await tx.wallet.creditBackRefund(userId, amount)) return;
  if (!(await tx.users.userExists(userId))) throw new NotFound('USER', `Buyer ${userId.toString()} does not exist`);
  throw outOfRange(`Crediting ${amount} back`, 'wallet');
}

function present(purchase: LedgerDoc, refund: PurchaseRefund, rewardsStatus: RewardStatus, alreadyRefunded: boolean): RefundResult {
  return { transactionId: purchase._id.toString(), alreadyRefunded, refund, amount: purchase.amount, rewardsStatus };
}
