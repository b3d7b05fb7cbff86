import type { AppContext } from '../shared/context.js';
import { UnrecoverableJobError } from '../shared/errors.js';

/**
 * Marks the start of a job run on the purchase: `processing`, one more attempt, and when (the
 * reconciler's clock for a purchase stuck in `processing`). Returns false when the purchase is
 * settled — completed, or refunded — and there is nothing to do.
 */
export async function startRewardsAttempt(ctx: AppContext, transactionId: string): Promise<boolean> {
  const { purchases } = ctx.data;
  if (await purchases.startRun(transactionId)) return true;
  if (!(await purchases.purchaseExists(transactionId))) throw new UnrecoverableJobError(`Purchase ${transactionId} does not exist`);
  return false;
}

/** Records a failed attempt on the purchase; after the last one the purchase says `failed`. */
export async function recordRewardsFailure(ctx: AppContext, transactionId: string, error: Error, lastAttempt: boolean): Promise<void> {
  await ctx.data.purchases.recordFailure(transactionId, error, lastAttempt);
}
