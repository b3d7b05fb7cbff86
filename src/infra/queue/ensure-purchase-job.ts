import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { JOBS_COLLECTION, JOB_NAMES } from './agenda.js';

/**
 * What the reconciler found for a purchase's rewards job:
 * - `waiting`: a job exists that Agenda will still run (due, scheduled for a retry, or locked — an
 *   expired lock is taken again by Agenda's lock query); nothing to do;
 * - `revived`: a job exists that nothing will ever run again (finished, or unlocked after it had
 *   started), so it is made due now — the same job, never a second live one;
 * - `created`: no job at all (lost between commit and enqueue, or purged), so one is enqueued.
 */
export type EnsureOutcome = 'waiting' | 'revived' | 'created';

export type PurchaseJobName = typeof JOB_NAMES.processCheckoutRewards | typeof JOB_NAMES.reversePurchaseRewards;

export interface EnsureOptions {
  now?: Date;
  /**
   * An operator's retry: a revived job also forgets its failures (like Agendash's Retry), so it
   * reads `queued` instead of `failed` and gets its full number of attempts again.
   */
  resetFailures?: boolean;
}

/**
 * Makes sure the purchase `transactionId` has a job of `name` (its rewards, or the reversal of
 * them) that will run. Reads by the {name, data.transactionId} index.
 */
export async function ensurePurchaseJob(db: Db, agenda: Agenda, name: PurchaseJobName, transactionId: string, options: EnsureOptions = {}): Promise<EnsureOutcome> {
  const now = options.now ?? new Date();
  const jobs = db.collection(JOBS_COLLECTION);
  const existing = await jobs.find({ name, 'data.transactionId': transactionId }).sort({ _id: -1 }).toArray();
  if (existing.some((job) => job.nextRunAt != null || job.lockedAt != null)) return 'waiting';
  const newest = existing[0];
  if (newest) {
    const due = options.resetFailures ? { $set: { nextRunAt: now, failCount: 0 }, $unset: { failedAt: '', failReason: '' } } : { $set: { nextRunAt: now } };
    // Conditional on still being dead, so a concurrent revival or run is not disturbed.
    const revived = await jobs.updateOne({ _id: newest._id, nextRunAt: null, lockedAt: null }, due);
    return revived.modifiedCount === 1 ? 'revived' : 'waiting';
  }
  // Insert-only on the transaction id: a job created meanwhile is kept as it is.
  await agenda
    .create(name, { transactionId })
    .unique({ 'data.transactionId': transactionId }, { insertOnly: true })
    .schedule(now)
    .save();
  return 'created';
}
