import type { Types } from 'mongoose';
import { JOB_NAMES } from '../infra/queue/agenda.js';
import { enqueuePurchaseJob } from '../infra/queue/enqueue-purchase-job.js';
import type { AppContext } from '../shared/context.js';

/**
 * After a refund commits, for a purchase whose rewards were paid: enqueue the job that reverses
 * them. A failed enqueue loses nothing: the purchase says `reversing`, and the reconciler gives it
 * a job. Also called when a run without a transaction wrote entries for a purchase refunded
 * meanwhile: it is then set `reversing` again first.
 */
export async function requestReversal(ctx: AppContext, purchaseId: Types.ObjectId | string): Promise<void> {
  await ctx.database.models.Ledger.updateOne(
    { _id: purchaseId, refund: { $ne: null }, 'rewards.status': { $in: ['cancelled', 'reversed'] } },
    { $set: { 'rewards.status': 'reversing' } },
  );
  await enqueuePurchaseJob(ctx, JOB_NAMES.reversePurchaseRewards, purchaseId.toString());
}
