import type { CreateIndexesOptions, IndexSpecification } from 'mongodb';

/**
 * The jobs collection's indexes (built by the migration, checked at start): Agenda's own lock
 * query index, under the name and keys the Mongo backend would give it (its `{name, nextRunAt}`
 * prefix also serves Agendash's list of one job name, sorted by `nextRunAt`), and the reconciler's
 * lookup of a purchase's job by transaction id.
 *
 * The dashboard's (src/admin/agendash-view.ts): the list of all names sorted by `nextRunAt`, and
 * one index per branch of the overview's "not plainly completed" filter (job-state-filters.ts),
 * so that MongoDB reads only live work and failures, never the finished jobs. Nearly every
 * finished job holds null in these fields, the values the filters skip.
 */
export const QUEUE_INDEXES: { key: IndexSpecification & Record<string, 1 | -1>; options: CreateIndexesOptions & { name: string } }[] = [
  { key: { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 }, options: { name: 'findAndLockNextJobIndex' } },
  { key: { name: 1, 'data.transactionId': 1 }, options: { name: 'jobByTransactionId' } },
  { key: { nextRunAt: -1 }, options: { name: 'dashboardByNextRunAt' } },
  { key: { lockedAt: 1 }, options: { name: 'dashboardByLockedAt' } },
  { key: { failedAt: 1 }, options: { name: 'dashboardByFailedAt' } },
  { key: { repeatInterval: 1 }, options: { name: 'dashboardByRepeatInterval' } },
  { key: { disabled: 1 }, options: { name: 'dashboardByDisabled' } },
];
