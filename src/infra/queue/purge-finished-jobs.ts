import type { Db } from 'mongodb';
import { JOBS_COLLECTION, JOB_NAMES } from './agenda.js';

/**
 * Removes rewards jobs that succeeded before `cutoff`. Failed jobs stay (operators requeue them
 * from Agendash); so do jobs waiting for a retry. Keeps the collection — and the dashboard,
 * which loads every job of a name — from growing without bound.
 */
export async function purgeFinishedJobs(db: Db, cutoff: Date): Promise<number> {
  const result = await db.collection(JOBS_COLLECTION).deleteMany({
    name: JOB_NAMES.processCheckoutRewards,
    nextRunAt: null,
    lockedAt: null,
    lastFinishedAt: { $lte: cutoff },
    failCount: { $in: [0, null] },
  });
  return result.deletedCount;
}
