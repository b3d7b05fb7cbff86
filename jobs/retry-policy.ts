import { exponential, type BackoffContext, type BackoffStrategy } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { UnrecoverableJobError } from '../src/shared/errors.js';

/**
 * How the purchase jobs (rewards, reversal) run and retry: Agenda's exponential backoff with
 * jitter, except for an error no retry can mend (UnrecoverableJobError: bad data, no such
 * purchase), which fails the job at once; and a unit-of-work budget of at most a third of the
 * lock lifetime, so a run can't outlive its lock and meet a second runner of the same job.
 */
export interface JobRunOptions {
  concurrency: number;
  lockLimit: number;
  lockLifetime: number;
  backoff: BackoffStrategy;
}

export function jobRetryPolicy(ctx: AppContext): { budgetMs: number; options: JobRunOptions } {
  const q = ctx.config.queue;
  const retryDelay = exponential({
    delay: q.backoffDelayMs,
    factor: q.backoffFactor,
    maxDelay: q.backoffMaxDelayMs,
    jitter: q.backoffJitter,
    maxRetries: q.maxAttempts - 1,
  });
  return {
    budgetMs: Math.min(ctx.config.transactionBudgetMs, Math.floor(q.lockLifetimeMs / 3)),
    options: {
      concurrency: q.concurrency,
      lockLimit: q.lockLimit,
      lockLifetime: q.lockLifetimeMs,
      backoff: (context: BackoffContext) => (context.error instanceof UnrecoverableJobError ? null : retryDelay(context)),
    },
  };
}
