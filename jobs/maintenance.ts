import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { AppContext } from '../src/shared/context.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../src/infra/queue/agenda.js';
import { purgeFinishedJobs } from '../src/infra/queue/purge-finished-jobs.js';
import { expireIdempotencyKeys } from '../src/checkout/expire-idempotency-keys.js';
import { reconcileRewards } from '../src/rewards/reconcile.js';
import { defineAuditLedger, scheduleAuditLedger } from './audit-ledger.js';

/** Recurring jobs, one document per name however many workers schedule them (scheduleMaintenanceJobs). */
export function defineMaintenanceJobs(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JOB_NAMES.reconcileRewards, async () => {
    const counts = await reconcileRewards(ctx);
    ctx.log.info('job run', { job: JOB_NAMES.reconcileRewards, outcome: 'completed', ...counts });
  });
  agenda.define(JOB_NAMES.purgeFinishedJobs, async () => {
    const cutoff = new Date(Date.now() - ctx.config.queue.finishedJobRetentionMs);
    const removed = await purgeFinishedJobs(ctx.database.db, cutoff);
    ctx.log.info('job run', { job: JOB_NAMES.purgeFinishedJobs, outcome: 'completed', removed });
  });
  agenda.define(JOB_NAMES.expireIdempotencyKeys, async () => {
    const removed = await expireIdempotencyKeys(ctx, new Date(Date.now() - ctx.config.idempotencyKeyRetentionMs));
    ctx.log.info('job run', { job: JOB_NAMES.expireIdempotencyKeys, outcome: 'completed', removed });
  });
  defineAuditLedger(agenda, ctx);
}

const MAINTENANCE_JOBS = [JOB_NAMES.reconcileRewards, JOB_NAMES.purgeFinishedJobs, JOB_NAMES.expireIdempotencyKeys];

export async function scheduleMaintenanceJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await agenda.every(ctx.config.queue.reconcileEvery, JOB_NAMES.reconcileRewards);
  await agenda.every(ctx.config.queue.purgeEvery, JOB_NAMES.purgeFinishedJobs);
  await agenda.every(ctx.config.queue.purgeEvery, JOB_NAMES.expireIdempotencyKeys);
  await scheduleAuditLedger(agenda, ctx);
  const removed = await removeDuplicateCopies(ctx.database.db);
  if (removed > 0) ctx.log.info('removed duplicate maintenance jobs left by workers starting together', { removed });
}

/**
 * `every()` keeps one document per name by an upsert (findOneAndUpdate {name, type: 'single'},
 * upsert: true). Workers starting together run such upserts at once, and MongoDB may turn two of
 * them into two inserts when no unique index covers the query; the one that would (unique on
 * `name` where `type` is 'single') is a partial index, which FerretDB refuses. So each start
 * deletes every copy but the oldest — the same one for every worker, so concurrent starts agree —
 * unless it is locked (running somewhere: a later start removes it).
 */
async function removeDuplicateCopies(db: Db): Promise<number> {
  const jobs = db.collection(JOBS_COLLECTION);
  let removed = 0;
  for (const name of MAINTENANCE_JOBS) {
    const copies = await jobs.find({ name, type: 'single' }, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray();
    if (copies.length < 2) continue;
    const extra = copies.slice(1).map((c) => c._id);
    removed += (await jobs.deleteMany({ _id: { $in: extra }, lockedAt: null })).deletedCount;
  }
  return removed;
}
