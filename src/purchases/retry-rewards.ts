import { JOB_NAMES } from '../infra/queue/agenda.js';
import { ensurePurchaseJob, type EnsureOutcome } from '../infra/queue/ensure-purchase-job.js';
import type { AppContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
import { getPurchase } from './purchases.js';

/**
 * The operator's "make it pay": gives a purchase's rewards a job that will run, never a second
 * live one (ensurePurchaseJob). A failed purchase goes back to `pending` first — before its job can
 * start and say `processing` — and its failed job is made due again with its failures forgotten,
 * the same job rather than a new one. A completed purchase has nothing left to pay: 409.
 */
export async function retryRewards(ctx: AppContext, transactionId: string): Promise<{ outcome: EnsureOutcome }> {
  const purchase = await getPurchase(ctx.data, transactionId);
  if (purchase.rewards?.status === 'completed') throw new Conflict(`The rewards of purchase ${transactionId} are already completed; nothing to retry`);
  if (purchase.refund) throw new Conflict(`Purchase ${transactionId} is refunded: its rewards are ${purchase.rewards?.status}, nothing to pay`);
  await ctx.data.purchases.reopen(purchase._id);
  const outcome = await ensurePurchaseJob(ctx.database.db, ctx.agenda, JOB_NAMES.processCheckoutRewards, transactionId, { resetFailures: true });
  ctx.log.info('rewards retry requested by an operator', { transactionId, outcome });
  return { outcome };
}
