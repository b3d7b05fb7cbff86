import { computeJobState, type JobParameters } from 'agenda';
import { Gauge } from 'prom-client';
import type { Db } from 'mongodb';
import type { AppContext } from '../shared/context.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../infra/queue/agenda.js';
import { STATE_FIELDS, STATE_FILTERS } from '../infra/queue/job-state-filters.js';
import { OPEN_STATUSES } from '../purchases/lifecycle.js';

// Only the open statuses (lifecycle.ts) are counted at each scrape: settled ones grow with the
// shop's history, and a scrape costs what the backlog holds, not what the ledger holds.
const PURCHASE_JOBS = [JOB_NAMES.processCheckoutRewards, JOB_NAMES.reversePurchaseRewards];

type BacklogState = 'due' | 'running' | 'scheduled' | 'failed';

/**
 * The purchase jobs by state, each job in the state Agendash shows it in: "failed" is Agenda's
 * computeJobState (its last run failed — `failedAt` at least as recent as `lastFinishedAt` — and
 * it is not running), the one definition the dashboard's filters (job-state-filters.ts) use too.
 * So a job waiting for its next attempt counts as failed, as the operator sees it in Agendash,
 * and the gauge and the dashboard never disagree about what needs a look. Jobs that never failed
 * are counted on the server; the ones that did (STATE_FILTERS.failed: live failures, and the few
 * that succeeded since, until purged) are read and classified by that function, as the
 * dashboard does: the server can't compare two fields without `$expr`.
 */
async function countPurchaseJobs(db: Db, now: Date): Promise<Map<string, Record<BacklogState, number>>> {
  const jobs = db.collection(JOBS_COLLECTION);
  const neverFailed = { failedAt: null };
  const counted = (name: string, filter: object) => jobs.countDocuments({ name, ...filter });
  const [counts, failedOnce] = await Promise.all([
    Promise.all(
      PURCHASE_JOBS.map(async (name) => {
        const [running, due, scheduled] = await Promise.all([
          counted(name, STATE_FILTERS.running),
          counted(name, { ...STATE_FILTERS.queued(now), ...neverFailed }),
          counted(name, { ...STATE_FILTERS.scheduled(now), ...neverFailed }),
        ]);
        return [name, { running, due, scheduled, failed: 0 }] as const;
      }),
    ),
    jobs.find({ name: { $in: PURCHASE_JOBS }, ...STATE_FILTERS.failed }, { projection: STATE_FIELDS }).toArray(),
  ]);
  const byName = new Map<string, Record<BacklogState, number>>(counts);
  const AS_BACKLOG: Partial<Record<string, BacklogState>> = { failed: 'failed', queued: 'due', scheduled: 'scheduled' };
  for (const doc of failedOnce) {
    const state = AS_BACKLOG[computeJobState(doc as unknown as JobParameters, now)];
    if (state) byName.get(doc.name as string)![state] += 1;
  }
  return byName;
}

/**
 * Gauges read at scrape time: purchases whose rewards are still open, by status (a growing
 * `pending` or `failed` needs an operator), and the queue's backlog by state. Finished jobs are
 * purged after FINISHED_JOB_RETENTION_MS and not counted either.
 */
export function registerQueueMetrics(ctx: AppContext): void {
  const { db } = ctx.database;
  new Gauge({
    name: 'rewards_purchases_open',
    help: 'Purchases whose rewards are not settled, by status (pending, processing, failed, reversing)',
    labelNames: ['status'] as const,
    registers: [ctx.metrics.registry],
    async collect() {
      const counts = await Promise.all(OPEN_STATUSES.map((status) => ctx.data.purchases.countPurchasesWithStatus(status)));
      OPEN_STATUSES.forEach((status, i) => this.set({ status }, counts[i]!));
    },
  });
  new Gauge({
    name: 'queue_jobs',
    help: "Purchase jobs by name and state, as Agendash shows them: due (waiting for a worker), running (locked), scheduled (due later), failed (its last run failed: waiting for a retry, or retries exhausted until an operator acts)",
    labelNames: ['job', 'state'] as const,
    registers: [ctx.metrics.registry],
    async collect() {
      for (const [job, states] of await countPurchaseJobs(db, new Date())) {
        for (const [state, n] of Object.entries(states)) this.set({ job, state }, n);
      }
    },
  });
}
