import type { RewardsUseCase } from '../../jobs/process-checkout-rewards.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';

/** Wraps the real rewards use case; fails on demand, the way a database outage or a bug would. */
export class FaultInjector {
  failuresLeft = 0;
  calls = 0;
  constructor(readonly message = 'injected failure: ledger unavailable') {}
  readonly useCase: RewardsUseCase = async (ctx, transactionId, options) => {
    this.calls++;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error(this.message);
    }
    return processCheckoutRewards(ctx, transactionId, options);
  };
}
