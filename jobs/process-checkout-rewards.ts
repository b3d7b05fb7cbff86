import type { Agenda } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { JOB_NAMES } from '../src/infra/queue/agenda.js';
import { processCheckoutRewards } from '../src/rewards/process-checkout-rewards.js';
import { recordRewardsFailure, startRewardsAttempt } from '../src/rewards/attempts.js';
import { definePurchaseJob } from './purchase-job.js';

export type RewardsUseCase = typeof processCheckoutRewards;

/** `process-checkout-rewards`: counts the attempt on the purchase, then pays (docs/spec.md §5). */
export function defineProcessCheckoutRewards(agenda: Agenda, ctx: AppContext, useCase: RewardsUseCase = processCheckoutRewards): void {
  definePurchaseJob(agenda, ctx, {
    name: JOB_NAMES.processCheckoutRewards,
    run: async (transactionId, options) =>
      (await startRewardsAttempt(ctx, transactionId)) ? useCase(ctx, transactionId, options) : { status: 'already-settled' },
    onFailure: (transactionId, error, lastAttempt) => recordRewardsFailure(ctx, transactionId, error, lastAttempt),
  });
}
