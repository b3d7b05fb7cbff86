import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { QueueConfig } from '../../../config/index.js';
import { logger as processLogger, type Logger } from '../logger.js';
import { JobChangeNotifications } from './job-change-notifications.js';
import { pollSoon } from './one-poll-at-a-time.js';

export const JOBS_COLLECTION = 'agendaJobs';

export const JOB_NAMES = {
  processCheckoutRewards: 'process-checkout-rewards',
  reversePurchaseRewards: 'reverse-purchase-rewards',
  reconcileRewards: 'reconcile-rewards',
  purgeFinishedJobs: 'purge-finished-jobs',
  expireIdempotencyKeys: 'expire-idempotency-keys',
} as const;

/**
 * The one place Agenda is built (after the migration built its indexes: src/infra/database/migrate.ts). It shares the application's MongoDB connection (the app owns
 * it, Agenda never closes it). The name is unique per process: Agenda writes it to
 * `lastModifiedBy` when it locks a job, which is how shutdown finds the locks this process holds.
 */
export function createAgenda(db: Db, queue: QueueConfig, role: 'api' | 'worker', server: { changeStreams: boolean }, log: Logger = processLogger): Agenda {
  const name = `${role}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const agenda = new Agenda({
    // Its indexes are built by the migration (src/infra/queue/queue-indexes.ts): the backend's own
    // createIndex runs in a promise nobody awaits, and a failure there never settles `ready`.
    backend: new MongoBackend({ mongo: db, collection: JOBS_COLLECTION, ensureIndex: false }),
    name,
    processEvery: queue.processEveryMs,
    // Rewards jobs plus the two maintenance jobs may run side by side.
    maxConcurrency: queue.concurrency + 2,
    lockLimit: queue.lockLimit + 2,
    defaultConcurrency: 1,
    defaultLockLifetime: queue.lockLifetimeMs,
    // Off by default: each job run then writes its events (start, success or fail, retry) to
    // `agenda_logs`, 2-3 more writes per run into a collection nothing trims (docs/jobs-and-queue.md).
    logging: queue.logging,
  });
  // Where the server has change streams (a replica set), a worker hears of a due job at once
  // instead of on its next poll, so intake is not capped at lockLimit / processEvery; the poll
  // stays as the fallback (job-change-notifications.ts). An API process runs no job: no stream.
  if (role === 'worker' && server.changeStreams) {
    agenda.notifyVia(new JobChangeNotifications(db, JOBS_COLLECTION, log, queue.processEveryMs, () => pollSoon(agenda)));
  }
  return agenda;
}

export function agendaName(agenda: Agenda): string {
  return agenda.attrs.name ?? '';
}
