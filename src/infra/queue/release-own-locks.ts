import type { Db, ObjectId } from 'mongodb';
import { isDatabaseUnreachable } from '../database/availability.js';
import { JOBS_COLLECTION } from './agenda.js';

/** How long a release waits out an unreachable database (an election: a few seconds) before it gives up. */
const RETRY_WITHIN_MS = 10_000;
const RETRY_EVERY_MS = 500;

export interface OnlyLocks {
  /** Only locks taken before this moment. */
  lockedBefore?: Date;
  /** Not these jobs (the ones this process still runs or holds). */
  except?: ObjectId[];
}

/**
 * After a drain (or, with `only`, after a database outage: see release-forgotten-locks.ts), releases every job lock this process (Agenda `name`) still holds, so another
 * worker takes those jobs at once instead of after the lock lifetime: jobs it had locked ahead
 * and not started (drain() keeps their locks), and jobs still running when the drain timed out.
 *
 * A one-off job that started has `nextRunAt: null` (Agenda clears it when a run starts): without
 * its lock it would match neither branch of Agenda's lock query and never run again. Those are
 * made due now. Their handler may still be running here; the process stops right after, and the
 * rewards job is idempotent, so the next runner pays once.
 */
export async function releaseOwnLocks(db: Db, agendaName: string, only: OnlyLocks = {}): Promise<{ requeued: number; unlocked: number }> {
  // Two updateMany, which the driver never retries (multi-document writes are not retryable
  // writes): a step-down or a lost connection failed the whole release. Both are idempotent — a
  // released job no longer matches — so the release is run again while the database is
  // unreachable, within a bound. (Counts are those of the attempt that succeeded.)
  const deadline = Date.now() + RETRY_WITHIN_MS;
  for (;;) {
    try {
      return await releaseOnce(db, agendaName, only);
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() + RETRY_EVERY_MS > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}

async function releaseOnce(db: Db, agendaName: string, only: OnlyLocks): Promise<{ requeued: number; unlocked: number }> {
  const jobs = db.collection(JOBS_COLLECTION);
  const mine = {
    lastModifiedBy: agendaName,
    lockedAt: only.lockedBefore ? { $ne: null, $lt: only.lockedBefore } : { $ne: null },
    ...(only.except ? { _id: { $nin: only.except } } : {}),
  };
  const started = await jobs.updateMany({ ...mine, nextRunAt: null }, { $set: { nextRunAt: new Date() }, $unset: { lockedAt: '' } });
  const lockedAhead = await jobs.updateMany(mine, { $unset: { lockedAt: '' } });
  return { requeued: started.modifiedCount, unlocked: lockedAhead.modifiedCount };
}
