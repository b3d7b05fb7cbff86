import { JOB_NAMES } from '../infra/queue/agenda.js';
import { ensurePurchaseJob, type EnsureOutcome, type PurchaseJobName } from '../infra/queue/ensure-purchase-job.js';
import type { AppContext } from '../shared/context.js';

const BATCH = 500;

export type ReconcileCounts = Record<EnsureOutcome, number>;

/**
 * Finds purchases whose rewards may have no job that will ever run, and makes sure they have one:
 * - still `pending` after the grace period: the enqueue after commit was lost (a crash between
 *   commit and enqueue);
 * - still `processing` after the lock lifetime plus the grace period since its last run started:
 *   a run that can't be finished by Agenda any more (its job unlocked after it had started, or
 *   removed);
 * - refunded and still `reversing` after the grace period: the reversal job was lost.
 * A purchase whose job is merely waiting (a retry later, a lock not yet expired) is left alone,
 * and the log tells the cases apart. Were a second job created anyway, the jobs are idempotent.
 */
export async function reconcileRewards(ctx: AppContext): Promise<ReconcileCounts> {
  const now = Date.now();
  const { reconcileGraceMs, lockLifetimeMs } = ctx.config.queue;
  const graceCutoff = new Date(now - reconcileGraceMs);
  const { purchases } = ctx.data;
  const [pending, processing, reversing] = await Promise.all([
    purchases.purchasesNeedingJob('pending', graceCutoff, BATCH),
    purchases.purchasesNeedingJob('processing', new Date(now - reconcileGraceMs - lockLifetimeMs), BATCH),
    purchases.purchasesNeedingJob('reversing', graceCutoff, BATCH),
  ]);
  const counts: ReconcileCounts = { waiting: 0, revived: 0, created: 0 };
  const rewards = JOB_NAMES.processCheckoutRewards;
  const reversal = JOB_NAMES.reversePurchaseRewards;
  const work: [string, PurchaseJobName, typeof pending][] = [['pending', rewards, pending], ['processing', rewards, processing], ['reversing', reversal, reversing]];
  for (const [status, job, found] of work) {
    for (const purchase of found) {
      const transactionId = purchase._id.toString();
      const outcome = await ensurePurchaseJob(ctx.database.db, ctx.agenda, job, transactionId);
      counts[outcome]++;
      if (outcome === 'created') ctx.log.warn(`reconciler: ${job} job missing, enqueued a new one`, { transactionId, status });
      if (outcome === 'revived') ctx.log.warn(`reconciler: ${job} job would never run again, made it due`, { transactionId, status });
      if (outcome === 'waiting') ctx.log.debug(`reconciler: ${job} job is waiting to run`, { transactionId, status });
    }
  }
  return counts;
}
