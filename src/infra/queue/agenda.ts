import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Agenda } from 'agenda';
import { MongoBackend, MongoChangeStreamNotificationChannel } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { QueueConfig } from '../../../config/index.js';

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
export function createAgenda(db: Db, queue: QueueConfig, role: 'api' | 'worker', server: { changeStreams: boolean }): Agenda {
  const name = `${role}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  return new Agenda({
    // Where the server has change streams (a replica set), a worker hears of a new or retried job
    // at once instead of on its next poll, so intake is not capped at lockLimit / processEvery;
    // the poll stays as the fallback. Elsewhere (FerretDB) polling alone.
    // The channel reconnects after an outage on its own, but by default gives up for good after
    // 10 attempts (exponential from 100 ms: about 100 s), leaving intake on the poll for the rest of
    // the process's life; here it never gives up and retries at least every 5 s. (Not testable on
    // FerretDB, which has no change streams; read from agenda 6.2.6 BaseNotificationChannel.)
    notificationChannel: server.changeStreams
      ? new MongoChangeStreamNotificationChannel({ db, collection: JOBS_COLLECTION, reconnect: { enabled: true, maxAttempts: Number.MAX_SAFE_INTEGER, initialDelayMs: 100, maxDelayMs: 5_000 } })
      : undefined,
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
    // `agenda_logs`, 2-3 more writes per run into a collection nothing trims (README, Jobs).
    logging: queue.logging,
  });
}

export function agendaName(agenda: Agenda): string {
  return agenda.attrs.name ?? '';
}
