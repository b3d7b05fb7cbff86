import { Gauge } from 'prom-client';
import type { AppContext } from '../shared/context.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../infra/queue/agenda.js';

const STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;

/**
 * Gauges read at scrape time: purchases by rewards status (a growing `pending` or `failed` needs
 * an operator) and rewards jobs due but not picked up (the queue's backlog).
 */
export function registerQueueMetrics(ctx: AppContext): void {
  const { models, db } = ctx.database;
  new Gauge({
    name: 'rewards_purchases',
    help: 'Purchases by rewards status',
    labelNames: ['status'] as const,
    registers: [ctx.metrics.registry],
    async collect() {
      const counts = await Promise.all(STATUSES.map((status) => models.Ledger.countDocuments({ type: 'purchase', 'rewards.status': status })));
      STATUSES.forEach((status, i) => this.set({ status }, counts[i]!));
    },
  });
  new Gauge({
    name: 'rewards_jobs_due',
    help: 'process-checkout-rewards jobs due and not locked by any worker',
    registers: [ctx.metrics.registry],
    async collect() {
      this.set(
        await db.collection(JOBS_COLLECTION).countDocuments({ name: JOB_NAMES.processCheckoutRewards, nextRunAt: { $lte: new Date() }, lockedAt: null }),
      );
    },
  });
}
