import type { Agenda } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { JOB_NAMES } from '../src/infra/queue/agenda.js';
import { purgeFinishedJobs } from '../src/infra/queue/purge-finished-jobs.js';
import { reconcilePendingRewards } from '../src/rewards/reconcile.js';

/** Recurring jobs. `every()` keeps one document per name, so any number of workers may schedule them. */
export function defineMaintenanceJobs(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JOB_NAMES.reconcilePendingRewards, async () => {
    const count = await reconcilePendingRewards(ctx);
    ctx.log.info('job run', { job: JOB_NAMES.reconcilePendingRewards, outcome: 'completed', enqueued: count });
  });
  agenda.define(JOB_NAMES.purgeFinishedJobs, async () => {
    const cutoff = new Date(Date.now() - ctx.config.queue.finishedJobRetentionMs);
    const removed = await purgeFinishedJobs(ctx.database.db, cutoff);
    ctx.log.info('job run', { job: JOB_NAMES.purgeFinishedJobs, outcome: 'completed', removed });
  });
}

export async function scheduleMaintenanceJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await agenda.every(ctx.config.queue.reconcileEvery, JOB_NAMES.reconcilePendingRewards);
  await agenda.every(ctx.config.queue.purgeEvery, JOB_NAMES.purgeFinishedJobs);
}
