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
 * The rewards job(s) of a purchase, newest first, through Agenda's `queryJobs` with a data filter
 * (the `{name, data.transactionId}` index answers it). More than one means someone requeued it.
 */
export async function jobsOfPurchase(agenda: Agenda, transactionId: string): Promise<PurchaseJob[]> {
  const { jobs } = await agenda.queryJobs({ name: JOB_NAMES.processCheckoutRewards, data: { transactionId } });
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
