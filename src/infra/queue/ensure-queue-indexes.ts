import type { Db } from 'mongodb';
import { JOBS_COLLECTION } from './agenda.js';

/**
 * The jobs collection's indexes, created at start where an error can be reported (the entry
 * points exit with one line): Agenda's own lock query index, under the name and keys the Mongo
 * backend would give it, and the reconciler's lookup of a purchase's job by transaction id.
 */
export async function ensureQueueIndexes(db: Db): Promise<void> {
  const jobs = db.collection(JOBS_COLLECTION);
  await jobs.createIndex({ name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 }, { name: 'findAndLockNextJobIndex' });
  await jobs.createIndex({ name: 1, 'data.transactionId': 1 }, { name: 'jobByTransactionId' });
}
