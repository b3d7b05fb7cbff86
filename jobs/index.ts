import type { Agenda } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { defineMaintenanceJobs } from './maintenance.js';
import { defineReversePurchaseRewards } from './reverse-purchase-rewards.js';
import { defineProcessCheckoutRewards, type RewardsUseCase } from './process-checkout-rewards.js';

export { scheduleMaintenanceJobs } from './maintenance.js';

/** Every job a worker runs. Tests may wrap the rewards use case (e.g. to inject a failure). */
export function defineJobs(agenda: Agenda, ctx: AppContext, overrides: { rewardsUseCase?: RewardsUseCase } = {}): void {
  defineProcessCheckoutRewards(agenda, ctx, overrides.rewardsUseCase);
  defineReversePurchaseRewards(agenda, ctx);
  defineMaintenanceJobs(agenda, ctx);
}
