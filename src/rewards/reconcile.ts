import { ensureRewardsJob, type EnsureOutcome } from '../infra/queue/ensure-rewards-job.js';
import type { AppContext } from '../shared/context.js';

const BATCH = 500;

export type ReconcileCounts = Record<EnsureOutcome, number>;

/**
 * Finds purchases whose rewards may have no job that will ever run, and makes sure they have one:
 * - still `pending` after the grace period: the enqueue after commit was lost (a crash between
 *   commit and enqueue);
 * - still `processing` after the lock lifetime plus the grace period since its last run started:
 *   a run that can't be finished by Agenda any more (its job unlocked after it had started, or
 *   removed).
 * A purchase whose job is merely waiting (a retry later, a lock not yet expired) is left alone,
 * and the log tells the two apart. Were a second job created anyway, the idempotent job pays once.
 */
export async function reconcileRewards(ctx: AppContext): Promise<ReconcileCounts> {
  const now = Date.now();
  const { reconcileGraceMs, lockLifetimeMs } = ctx.config.queue;
  const pendingCutoff = new Date(now - reconcileGraceMs);
  const processingCutoff = new Date(now - reconcileGraceMs - lockLifetimeMs);
  const { Ledger } = ctx.database.models;
  const [pending, processing] = await Promise.all([
    Ledger.find({ type: 'purchase', 'rewards.status': 'pending', createdAt: { $lte: pendingCutoff } }, { _id: 1 }).sort({ createdAt: 1 }).limit(BATCH).lean(),
    Ledger.find({ type: 'purchase', 'rewards.status': 'processing', 'rewards.attemptedAt': { $lte: processingCutoff } }, { _id: 1 })
      .sort({ createdAt: 1 })
      .limit(BATCH)
      .lean(),
  ]);
  const counts: ReconcileCounts = { waiting: 0, revived: 0, created: 0 };
  for (const [status, purchases] of [['pending', pending], ['processing', processing]] as const) {
    for (const purchase of purchases) {
      const transactionId = purchase._id.toString();
      const outcome = await ensureRewardsJob(ctx.database.db, ctx.agenda, transactionId);
      counts[outcome]++;
      if (outcome === 'created') ctx.log.warn('reconciler: rewards job missing, enqueued a new one', { transactionId, status });
      if (outcome === 'revived') ctx.log.warn('reconciler: rewards job would never run again, made it due', { transactionId, status });
      if (outcome === 'waiting') ctx.log.debug('reconciler: rewards job is waiting to run', { transactionId, status });
    }
  }
  return counts;
}
