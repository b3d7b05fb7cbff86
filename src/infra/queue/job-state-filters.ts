import type { Filter, Document } from 'mongodb';

/**
 * Agenda computes a job's state in code (`computeJobState`: running, failed, repeating,
 * scheduled, queued, completed — in that order of precedence). Its one test the server can't do
 * without `$expr` (which FerretDB lacks) is "failed at least as recently as finished". So each
 * state here is a server-side filter on indexed fields that is exact or a SUPERSET of the state,
 * and callers finish the few superset documents with Agenda's own `computeJobState`.
 *
 * The supersets hold live work and failures only — never the mass of plainly completed jobs
 * (not locked, never failed, not repeating, nothing due), which is what grows with the shop.
 */
const noRepeat = { repeatInterval: { $in: [null, ''] } };

export const STATE_FILTERS = {
  /** exact */
  running: { lockedAt: { $ne: null } },
  /** superset: jobs that failed at least once, finished since or not */
  failed: { lockedAt: null, failedAt: { $ne: null } },
  /** superset: minus the failed ones */
  repeating: { lockedAt: null, repeatInterval: { $nin: [null, ''] } },
  scheduled: (now: Date) => ({ lockedAt: null, ...noRepeat, nextRunAt: { $gt: now } }),
  queued: (now: Date) => ({ lockedAt: null, ...noRepeat, nextRunAt: { $lte: now } }),
  /** exact, and every one of them completed: the documents that grow with the shop */
  plainCompleted: { lockedAt: null, ...noRepeat, nextRunAt: null, failedAt: null },
  /** superset of the completed jobs that are not plain: they failed once, then succeeded */
  completedAfterFailure: { lockedAt: null, ...noRepeat, nextRunAt: null, failedAt: { $ne: null } },
  /** exact (Agenda's 'paused' filter is `disabled === true`) */
  paused: { disabled: true },
} as const;

/** Every document whose state is not plainly `completed` (each branch on an index of its own). */
export const NOT_PLAIN_COMPLETED: Filter<Document> = {
  $or: [
    { lockedAt: { $ne: null } },
    { failedAt: { $ne: null } },
    { nextRunAt: { $ne: null } },
    { repeatInterval: { $nin: [null, ''] } },
    { disabled: true },
  ],
};

/** The fields computeJobState and the paused count read. */
export const STATE_FIELDS = { name: 1, lockedAt: 1, failedAt: 1, lastFinishedAt: 1, nextRunAt: 1, repeatInterval: 1, disabled: 1 } as const;
