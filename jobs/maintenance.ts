import type { Agenda } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { JOB_NAMES } from '../src/infra/queue/agenda.js';
import { removeDuplicateSingleJobs } from '../src/infra/queue/remove-duplicate-single-jobs.js';
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
  const removed = await removeDuplicateSingleJobs(ctx.database.db, MAINTENANCE_JOBS);
  if (removed > 0) ctx.log.info('removed duplicate maintenance jobs left by workers starting together', { removed });
}
