import Joi from 'joi';
import type { Agenda, Job } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { JOB_NAMES } from '../src/infra/queue/agenda.js';
import { reversePurchaseRewards } from '../src/refunds/reverse-rewards.js';
import { UnrecoverableJobError } from '../src/shared/errors.js';
import { jobRetryPolicy } from './retry-policy.js';

const dataSchema = Joi.object<{ transactionId: string }>({ transactionId: Joi.string().hex().length(24).required() }).unknown(false);

/** `reverse-purchase-rewards`: parses its data and calls the use case; retried like the rewards job. */
export function defineReversePurchaseRewards(agenda: Agenda, ctx: AppContext): void {
  const policy = jobRetryPolicy(ctx);
  agenda.define(
    JOB_NAMES.reversePurchaseRewards,
    async (job: Job<{ transactionId: string }>) => {
      const started = process.hrtime.bigint();
      const { value, error } = dataSchema.validate(job.attrs.data);
      if (error) throw new UnrecoverableJobError(`Invalid job data: ${error.message}`);
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const base = { job: JOB_NAMES.reversePurchaseRewards, jobId: job.attrs._id?.toString(), transactionId: value.transactionId, attempt: (job.attrs.failCount ?? 0) + 1 };
      try {
        const outcome = await reversePurchaseRewards(ctx, value.transactionId, { budgetMs: policy.budgetMs });
        ctx.metrics.jobRuns.observe({ job: JOB_NAMES.reversePurchaseRewards, outcome: outcome.status }, elapsed() / 1000);
        ctx.log.info('job run', { ...base, outcome: outcome.status, durationMs: Math.round(elapsed()) });
      } catch (err) {
        ctx.metrics.jobRuns.observe({ job: JOB_NAMES.reversePurchaseRewards, outcome: 'failed' }, elapsed() / 1000);
        ctx.log.warn('job run', { ...base, outcome: 'failed', error: (err as Error).message, durationMs: Math.round(elapsed()) });
        throw err;
      }
    },
    policy.options,
  );
}
