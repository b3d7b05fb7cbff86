import { Gauge } from 'prom-client';
import type { AppContext } from '../shared/context.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../infra/queue/agenda.js';
import { OPEN_STATUSES } from '../purchases/lifecycle.js';

// Only the open statuses (lifecycle.ts) are counted at each scrape: settled ones grow with the
// shop's history, and a scrape costs what the backlog holds, not what the ledger holds.
const PURCHASE_JOBS = [JOB_NAMES.processCheckoutRewards, JOB_NAMES.reversePurchaseRewards];

/**
 * Gauges read at scrape time: purchases whose rewards are still open, by status (a growing
 * `pending` or `failed` needs an operator), and the queue's backlog by state. Finished jobs are
 * purged after FINISHED_JOB_RETENTION_MS and not counted either.
 */
export function registerQueueMetrics(ctx: AppContext): void {
  const { models, db } = ctx.database;
  new Gauge({
    name: 'rewards_purchases_open',
    help: 'Purchases whose rewards are not settled, by status (pending, processing, failed, reversing)',
    labelNames: ['status'] as const,
    registers: [ctx.metrics.registry],
    async collect() {
      const counts = await Promise.all(OPEN_STATUSES.map((status) => models.Ledger.countDocuments({ type: 'purchase', 'rewards.status': status })));
      OPEN_STATUSES.forEach((status, i) => this.set({ status }, counts[i]!));
    },
  });
  new Gauge({
    name: 'queue_jobs',
    help: 'Purchase jobs by name and state: due (waiting for a worker), running (locked), scheduled (a retry later), failed (retries exhausted, until an operator acts)',
    labelNames: ['job', 'state'] as const,
    registers: [ctx.metrics.registry],
    async collect() {
      const jobs = db.collection(JOBS_COLLECTION);
      const now = new Date();
      const states = {
        due: { nextRunAt: { $lte: now }, lockedAt: null },
        running: { lockedAt: { $ne: null } },
        scheduled: { nextRunAt: { $gt: now }, lockedAt: null },
        // Agenda resets failCount when a run succeeds.
        failed: { nextRunAt: null, lockedAt: null, failCount: { $gt: 0 } },
      };
      await Promise.all(
        PURCHASE_JOBS.flatMap((job) =>
          Object.entries(states).map(async ([state, filter]) => this.set({ job, state }, await jobs.countDocuments({ name: job, ...filter }))),
        ),
      );
    },
  });
}
