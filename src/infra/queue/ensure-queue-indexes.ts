import type { Db } from 'mongodb';
import { JOBS_COLLECTION } from './agenda.js';

/**
 * The jobs collection's indexes, created at start where an error can be reported (the entry
 * points exit with one line): Agenda's own lock query index, under the name and keys the Mongo
 * backend would give it (its `{name, nextRunAt}` prefix also serves Agendash's list of one job
 * name, sorted by `nextRunAt`), and the reconciler's lookup of a purchase's job by transaction id.
 *
 * The dashboard's (src/admin/agendash-view.ts): the list of all names sorted by `nextRunAt`, and
 * one index per branch of the overview's "not plainly completed" filter (job-state-filters.ts),
 * so that MongoDB reads only live work and failures, never the finished jobs. Nearly every
 * finished job holds null in these fields, the values the filters skip.
 */
export async function ensureQueueIndexes(db: Db): Promise<void> {
  const jobs = db.collection(JOBS_COLLECTION);
  await jobs.createIndex({ name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 }, { name: 'findAndLockNextJobIndex' });
  await jobs.createIndex({ name: 1, 'data.transactionId': 1 }, { name: 'jobByTransactionId' });
  await jobs.createIndex({ nextRunAt: -1 }, { name: 'dashboardByNextRunAt' });
  await jobs.createIndex({ lockedAt: 1 }, { name: 'dashboardByLockedAt' });
  await jobs.createIndex({ failedAt: 1 }, { name: 'dashboardByFailedAt' });
  await jobs.createIndex({ repeatInterval: 1 }, { name: 'dashboardByRepeatInterval' });
  await jobs.createIndex({ disabled: 1 }, { name: 'dashboardByDisabled' });
}
