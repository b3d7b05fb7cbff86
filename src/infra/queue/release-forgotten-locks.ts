import type { Agenda } from 'agenda';
import { ObjectId, type Db } from 'mongodb';
import type { Availability } from '../database/availability.js';
import type { Logger } from '../logger.js';
import { agendaName } from './agenda.js';
import { releaseOwnLocks } from './release-own-locks.js';

/**
 * Why a worker did not recover from a database outage by itself (read from agenda 6.2.6's
 * Job.run and JobProcessor):
 *  - a job running when the database went away fails, and Agenda's final save of its state
 *    (`lockedAt` cleared, next run) fails too; Agenda ignores that error ("in case this fails,
 *    we ignore it"). The document keeps `lockedAt` and, since the save at the start of the run
 *    set it, `nextRunAt: null`;
 *  - jobs locked ahead of running fail their first save and are dropped from the processor's
 *    memory, still locked in the database;
 *  - the processor's timer keeps polling (and emitting `error`) throughout, and picks these
 *    jobs up again only once their lock has expired (`JOB_LOCK_LIFETIME_MS`, 60 s here, 10 min
 *    by Agenda's default); until then their purchases stay `pending`/`processing`, and the
 *    reconciler can't help (the job exists: its enqueue is insert-only).
 * So, when the database is back, the worker gives those locks back: every job locked by this
 * process before the outage that it is neither running nor holding is unlocked, and one whose
 * interrupted run left `nextRunAt: null` is due at once (the handlers are idempotent).
 */
export async function releaseForgottenLocks(db: Db, agenda: Agenda, lockedBefore: Date): Promise<number> {
  const stats = await agenda.getRunningStats(true);
  const held = [stats.runningJobs, stats.lockedJobs]
    .flatMap((jobs) => (Array.isArray(jobs) ? jobs : []))
    .map((job) => String((job as { _id?: unknown })._id))
    .filter((id) => ObjectId.isValid(id))
    .map((id) => new ObjectId(id));
  const released = await releaseOwnLocks(db, agendaName(agenda), { lockedBefore, except: held });
  return released.requeued + released.unlocked;
}

const ATTEMPTS = 5;
const RETRY_MS = 1_000;

/** In a worker: each time the database comes back, release the locks the outage left behind. */
export function releaseForgottenLocksAfterOutages(db: Db, agenda: Agenda, availability: Availability, log: Logger): void {
  availability.onChange((available) => {
    if (!available) return;
    const since = new Date();
    void (async () => {
      for (let attempt = 1; attempt <= ATTEMPTS && availability.available; attempt++) {
        try {
          const released = await releaseForgottenLocks(db, agenda, since);
          if (released > 0) log.info('released job locks an outage left behind; those jobs run again now', { released });
          return;
        } catch (error) {
          if (attempt === ATTEMPTS) log.warn('could not release job locks after the outage; they expire with JOB_LOCK_LIFETIME_MS', { error: (error as Error).message });
          else await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    })();
  });
}
