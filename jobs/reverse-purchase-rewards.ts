import type { Agenda } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { JOB_NAMES } from '../src/infra/queue/agenda.js';
import { reversePurchaseRewards } from '../src/refunds/reverse-rewards.js';
import { definePurchaseJob } from './purchase-job.js';

/** `reverse-purchase-rewards`: takes back what a refunded purchase paid (docs/spec.md §11); retried like the rewards job. */
export function defineReversePurchaseRewards(agenda: Agenda, ctx: AppContext): void {
  definePurchaseJob(agenda, ctx, {
    name: JOB_NAMES.reversePurchaseRewards,
    run: (transactionId, options) => reversePurchaseRewards(ctx, transactionId, options),
  });
}
