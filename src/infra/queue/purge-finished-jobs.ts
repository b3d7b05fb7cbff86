import type { Db } from 'mongodb';
import { JOBS_COLLECTION, JOB_NAMES } from './agenda.js';

/** The one-off jobs there is one of per purchase (or per refund): what makes the collection grow. */
const PER_PURCHASE_JOBS = [JOB_NAMES.processCheckoutRewards, JOB_NAMES.reversePurchaseRewards];

/**
 * Removes rewards and reversal jobs that succeeded before `cutoff`. Failed jobs stay (operators
 * requeue them from Agendash); so do jobs waiting for a retry. With it the collection holds about
 * one retention period of purchases plus the failures, whatever the shop's age; the dashboard
 * does not read the finished ones anyway (src/admin/agendash-view.ts).
 */
export async function purgeFinishedJobs(db: Db, cutoff: Date): Promise<number> {
  const result = await db.collection(JOBS_COLLECTION).deleteMany({
    name: { $in: PER_PURCHASE_JOBS },
    nextRunAt: null,
    lockedAt: null,
    lastFinishedAt: { $lte: cutoff },
    failCount: { $in: [0, null] },
  });
  return result.deletedCount;
}
