import type { Job } from 'agenda';
import type { RewardsUseCase } from '../../jobs/process-checkout-rewards.js';
import { JOBS_COLLECTION, JOB_NAMES } from '../../src/infra/queue/agenda.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import type { System } from '../../src/system.js';
import { toId } from '../../src/shared/ids.js';
import { CommandTally, type CommandCounts } from '../support/commands.js';
import { clientOf, type Lab } from '../support/lab.js';
import { pendingPurchases } from '../support/seed.js';
import { SETTINGS } from '../support/settings.js';
import { round1, round2, sleep, stats } from '../support/stats.js';

/**
 * Sees the rewards jobs from inside the workers, without polling the database (on FerretDB every
 * query scans, so polling would slow the very jobs measured): when each job was enqueued (its
 * `now()` resolved), when a worker started it, and when the use case marked it completed.
 */
class JobWatch {
  readonly enqueuedAt = new Map<string, number>();
  readonly startedAt = new Map<string, number>();
  readonly doneAt = new Map<string, number>();
  /** purchases whose job failed for good (every attempt failed) */
  readonly gaveUp = new Set<string>();
  readonly runMs: number[] = [];
  runs = 0;
  failures = 0;
  private readonly runStart = new Map<string, number>();

  readonly useCase: RewardsUseCase = async (ctx, transactionId) => {
    const outcome = await processCheckoutRewards(ctx, transactionId);
    // 'already-completed': an overlapping run (FerretDB's locks are not atomic) marked it first.
    if ((outcome.status === 'completed' || outcome.status === 'already-completed') && !this.doneAt.has(transactionId)) this.doneAt.set(transactionId, performance.now());
    return outcome;
  };

  attach(worker: System): void {
    const name = JOB_NAMES.processCheckoutRewards;
    const key = (job: Job) => `${String(job.attrs._id)}@${String(job.attrs.lastRunAt?.getTime())}`;
    worker.ctx.agenda.on(`start:${name}`, (job: Job) => {
      const id = (job.attrs.data as { transactionId: string }).transactionId;
      if (!this.startedAt.has(id)) this.startedAt.set(id, performance.now());
      this.runStart.set(key(job), performance.now());
    });
    worker.ctx.agenda.on(`success:${name}`, (job: Job) => {
      this.runs += 1;
      const started = this.runStart.get(key(job));
      if (started !== undefined) this.runMs.push(performance.now() - started);
    });
    worker.ctx.agenda.on(`fail:${name}`, () => (this.failures += 1));
    worker.ctx.agenda.on(`retry exhausted:${name}`, (_error: Error, job: Job) => this.gaveUp.add((job.attrs.data as { transactionId: string }).transactionId));
  }
}

/**
 * A burst of `jobs` pending purchases (written as checkout writes them) enqueued with Agenda's
 * own `now()` (SETTINGS.inFlight at a time) while `workers` workers run at the default settings.
 * jobs/s runs from the first enqueue to the last purchase completed. Commands: every worker's,
 * per job, Agenda's polling and locking included.
 */
export async function measureRewardsBurst(lab: Lab, database: string, api: System, buyerIds: string[], workers: number, jobs: number) {
  // Each burst starts on an empty queue: the checkouts measured before enqueued jobs of their own,
  // and on FerretDB an earlier burst may leave resurrected duplicates behind.
  await api.ctx.database.db.collection(JOBS_COLLECTION).deleteMany({ name: JOB_NAMES.processCheckoutRewards });
  const watch = new JobWatch();
  const started: System[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = await lab.start(database, { http: false, worker: true, rewardsUseCase: watch.useCase });
    watch.attach(worker);
    started.push(worker);
  }
  try {
    const ids = await pendingPurchases(api, buyerIds, jobs);
    const tally = new CommandTally(started.map(clientOf), lab.dbName(database));
    const t0 = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await api.ctx.agenda.now(JOB_NAMES.processCheckoutRewards, { transactionId: id });
        watch.enqueuedAt.set(id, performance.now());
      }
    };
    await Promise.all(Array.from({ length: SETTINGS.inFlight }, lane));
    const settled = (id: string) => watch.doneAt.has(id) || watch.gaveUp.has(id);
    // Bounded: a burst the server can't finish in time is reported as such, not waited for.
    const deadline = performance.now() + SETTINGS.burstTimeoutS * 1000;
    while (!ids.every(settled) && performance.now() < deadline) await sleep(5);
    const unsettled = ids.filter((id) => !settled(id)).length;
    if (process.env.BENCH_DEBUG) for (const id of ids) process.stderr.write(`${id} enq ${Math.round(watch.enqueuedAt.get(id)! - t0)} start ${Math.round((watch.startedAt.get(id) ?? NaN) - t0)} done ${Math.round((watch.doneAt.get(id) ?? NaN) - t0)}\n`);
    const wallMs = unsettled > 0 ? performance.now() - t0 : Math.max(...ids.map((id) => watch.doneAt.get(id) ?? 0)) - t0;
    const startedIds = ids.filter((id) => watch.startedAt.has(id));
    const commands: CommandCounts = tally.stop();
    const statuses = await api.ctx.database.models.Ledger.aggregate<{ _id: string; n: number }>([
      { $match: { _id: { $in: ids.map((id) => toId(id)) }, type: 'purchase' } },
      { $group: { _id: '$rewards.status', n: { $sum: 1 } } },
    ]);
    const purchaseStatuses = Object.fromEntries(statuses.map((s) => [s._id, s.n]));
    return {
      workers,
      concurrencyPerWorker: started[0]!.ctx.config.queue.concurrency,
      processEveryMs: started[0]!.ctx.config.queue.processEveryMs,
      jobs,
      wallMs: Math.round(wallMs),
      /** completed jobs per second of the burst */
      jobsPerSecond: round1((watch.doneAt.size / wallMs) * 1000),
      enqueueToStartMs: stats(startedIds.map((id) => watch.startedAt.get(id)! - watch.enqueuedAt.get(id)!)),
      runMs: stats(watch.runMs),
      commandsPerJob: Object.fromEntries(Object.entries(commands).map(([name, n]) => [name, round2(n / jobs)])),
      duplicateRuns: Math.max(0, watch.runs - watch.doneAt.size),
      failedRuns: watch.failures,
      failedForGood: watch.gaveUp.size,
      /** neither completed nor failed for good when the burst's time was up */
      unsettled,
      /** the burst's purchases by rewards status at the end */
      purchaseStatuses,
    };
  } finally {
    for (const worker of started) await lab.stop(worker);
  }
}
