import Joi from 'joi';
import type { Agenda, Job } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { UnrecoverableJobError } from '../src/shared/errors.js';
import { jobRetryPolicy } from './retry-policy.js';

export interface PurchaseJobData {
  transactionId: string;
}

const dataSchema = Joi.object<PurchaseJobData>({ transactionId: Joi.string().hex().length(24).required() }).unknown(false);

export interface PurchaseJob {
  name: string;
  /** The use case: runs once per attempt, within `budgetMs`; its status is the run's outcome. */
  run(transactionId: string, options: { budgetMs: number }): Promise<{ status: string }>;
  /** Told of each failed attempt (e.g. to record it on the purchase); its own failure is logged. */
  onFailure?(transactionId: string, error: Error, lastAttempt: boolean): Promise<void>;
}

/**
 * A job about one purchase (`{ transactionId }`): parses its data, calls the use case, and logs
 * and measures each run once. Retries use Agenda's built-in backoff; a throw is what fails a job
 * (job.fail() would count as success); an error that can't succeed on retry fails the job at once
 * (see jobRetryPolicy).
 */
export function definePurchaseJob(agenda: Agenda, ctx: AppContext, job: PurchaseJob): void {
  const { budgetMs, options } = jobRetryPolicy(ctx);
  agenda.define(
    job.name,
    async (run: Job<PurchaseJobData>) => {
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const attempt = (run.attrs.failCount ?? 0) + 1;
      const { value, error } = dataSchema.validate(run.attrs.data);
      if (error) throw new UnrecoverableJobError(`Invalid job data: ${error.message}`);
      const line = { job: job.name, jobId: run.attrs._id?.toString(), transactionId: value.transactionId, attempt };
      try {
        const outcome = await job.run(value.transactionId, { budgetMs });
        ctx.metrics.jobRuns.observe({ job: job.name, outcome: outcome.status }, elapsed() / 1000);
        ctx.log.info('job run', { ...line, outcome: outcome.status, durationMs: Math.round(elapsed()) });
      } catch (err) {
        const e = err as Error;
        const lastAttempt = attempt >= ctx.config.queue.maxAttempts || e instanceof UnrecoverableJobError;
        ctx.metrics.jobRuns.observe({ job: job.name, outcome: 'failed' }, elapsed() / 1000);
        ctx.log.warn('job run', { ...line, outcome: lastAttempt ? 'failed' : 'will retry', error: e.message, durationMs: Math.round(elapsed()) });
        await job.onFailure?.(value.transactionId, e, lastAttempt).catch((recordError: Error) =>
          ctx.log.error('could not record the failure on the purchase', { transactionId: value.transactionId, error: recordError.message }),
        );
        throw e;
      }
    },
    options,
  );
}
