import { JOB_NAMES } from '../infra/queue/agenda.js';
import type { AppContext } from '../shared/context.js';

const BATCH = 500;

/**
 * Finds purchases still `pending` after the grace period — their enqueue was lost (a crash
 * between commit and enqueue) — and enqueues them. The enqueue is an insert-only upsert keyed
 * by the transaction id, so a purchase whose job is merely waiting gets no second job; and
 * were one created anyway, the idempotent job would pay once.
 */
export async function reconcilePendingRewards(ctx: AppContext): Promise<number> {
  const now = new Date();
  const cutoff = new Date(now.getTime() - ctx.config.queue.reconcileGraceMs);
  const stale = await ctx.database.models.Ledger.find(
    { type: 'purchase', 'rewards.status': 'pending', createdAt: { $lte: cutoff } },
    { _id: 1 },
  )
    .sort({ createdAt: 1 })
    .limit(BATCH)
    .lean();
  for (const purchase of stale) {
    const transactionId = purchase._id.toString();
    await ctx.agenda
      .create(JOB_NAMES.processCheckoutRewards, { transactionId })
      .unique({ 'data.transactionId': transactionId }, { insertOnly: true })
      .schedule(now)
      .save();
  }
  if (stale.length > 0) ctx.log.warn('reconciler enqueued purchases whose rewards job was missing', { count: stale.length });
  return stale.length;
}
