import Joi from 'joi';
import type { Agenda, Job } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { JOB_NAMES } from '../src/infra/queue/agenda.js';
import { processCheckoutRewards } from '../src/rewards/process-checkout-rewards.js';
import { recordRewardsFailure, startRewardsAttempt } from '../src/rewards/attempts.js';
import { UnrecoverableJobError } from '../src/shared/errors.js';
import { jobRetryPolicy } from './retry-policy.js';

export interface ProcessCheckoutRewardsData {
  transactionId: string;
}

const dataSchema = Joi.object<ProcessCheckoutRewardsData>({ transactionId: Joi.string().hex().length(24).required() }).unknown(false);

export type RewardsUseCase = typeof processCheckoutRewards;

/**
 * `process-checkout-rewards`: parses its data and calls the use case. Retries use Agenda's
 * built-in exponential backoff; a throw is what fails a job (job.fail() would count as success).
 * An error that can't succeed on retry fails the job at once (see jobRetryPolicy).
 */
export function defineProcessCheckoutRewards(agenda: Agenda, ctx: AppContext, useCase: RewardsUseCase = processCheckoutRewards): void {
  const q = ctx.config.queue;
  const { budgetMs, options } = jobRetryPolicy(ctx);
  agenda.define(
    JOB_NAMES.processCheckoutRewards,
    async (job: Job<ProcessCheckoutRewardsData>) => {
      const started = process.hrtime.bigint();
      const attempt = (job.attrs.failCount ?? 0) + 1;
      const jobId = job.attrs._id?.toString();
      const { value, error } = dataSchema.validate(job.attrs.data);
      if (error) throw new UnrecoverableJobError(`Invalid job data: ${error.message}`);
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      try {
        const outcome = (await startRewardsAttempt(ctx, value.transactionId))
          ? await useCase(ctx, value.transactionId, { budgetMs })
          : ({ status: 'already-settled' } as const);
        ctx.metrics.jobRuns.observe({ job: JOB_NAMES.processCheckoutRewards, outcome: outcome.status }, elapsed() / 1000);
        ctx.log.info('job run', { job: JOB_NAMES.processCheckoutRewards, jobId, transactionId: value.transactionId, attempt, outcome: outcome.status, durationMs: Math.round(elapsed()) });
      } catch (err) {
        const e = err as Error;
        const lastAttempt = attempt >= q.maxAttempts || e instanceof UnrecoverableJobError;
        ctx.metrics.jobRuns.observe({ job: JOB_NAMES.processCheckoutRewards, outcome: 'failed' }, elapsed() / 1000);
        ctx.log.warn('job run', { job: JOB_NAMES.processCheckoutRewards, jobId, transactionId: value.transactionId, attempt, outcome: lastAttempt ? 'failed' : 'will retry', error: e.message, durationMs: Math.round(elapsed()) });
        await recordRewardsFailure(ctx, value.transactionId, e, lastAttempt).catch((recordError: Error) =>
          ctx.log.error('could not record the failure on the purchase', { transactionId: value.transactionId, error: recordError.message }),
        );
        throw e;
      }
    },
    options,
  );
}
