import type { Agenda, Job } from 'agenda';
import type { Metrics } from '../infra/metrics.js';

/**
 * Counts every job run of this worker by name and outcome from Agenda's own events, so the
 * maintenance jobs are counted like the rewards and reversal jobs: run, succeeded, failed,
 * retried, failed for good.
 */
export function countJobOutcomes(agenda: Agenda, metrics: Metrics): void {
  const count = (job: Job, outcome: string) => metrics.jobOutcomes.inc({ job: job.attrs.name, outcome });
  agenda.on('start', (job: Job) => count(job, 'started'));
  agenda.on('success', (job: Job) => count(job, 'succeeded'));
  agenda.on('fail', (_error: Error, job: Job) => count(job, 'failed'));
  agenda.on('retry', (job: Job) => count(job, 'retried'));
  agenda.on('retry exhausted', (_error: Error, job: Job) => count(job, 'failed_for_good'));
}
