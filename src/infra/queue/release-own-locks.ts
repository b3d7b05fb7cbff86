import type { Db, ObjectId } from 'mongodb';
import { JOBS_COLLECTION } from './agenda.js';

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
