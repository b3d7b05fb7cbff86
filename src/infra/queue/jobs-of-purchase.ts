import type { Agenda, JobState } from 'agenda';
import { JOB_NAMES } from './agenda.js';

export interface PurchaseJob {
  id: string;
  name: string;
  /** Computed by Agenda's own `computeJobState`, exactly as Agendash shows it. */
  state: JobState;
  failCount: number;
  failReason: string | null;
  lastRunAt: Date | null;
  lastFinishedAt: Date | null;
  nextRunAt: Date | null;
  lockedAt: Date | null;
}

/**
 * The jobs of a purchase — its rewards job(s), and after a refund its reversal job — newest first,
 * through Agenda's `queryJobs` with a data filter (the `{name, data.transactionId}` index answers
 * it). More than one rewards job means someone requeued it.
 */
export async function jobsOfPurchase(agenda: Agenda, transactionId: string): Promise<PurchaseJob[]> {
  const names = [JOB_NAMES.processCheckoutRewards, JOB_NAMES.reversePurchaseRewards];
  const jobs = (await Promise.all(names.map((name) => agenda.queryJobs({ name, data: { transactionId } })))).flatMap((r) => r.jobs);
  const newestFirst = jobs.sort((a, b) => String(b._id).localeCompare(String(a._id)));
  return newestFirst.map((job) => ({
    id: String(job._id),
    name: job.name,
    state: job.state,
    failCount: job.failCount ?? 0,
    failReason: job.failReason ?? null,
    lastRunAt: job.lastRunAt ?? null,
    lastFinishedAt: job.lastFinishedAt ?? null,
    nextRunAt: job.nextRunAt ?? null,
    lockedAt: job.lockedAt ?? null,
  }));
}
