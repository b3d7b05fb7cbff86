import type { AppContext } from '../../shared/context.js';

/**
 * Enqueues a job about one purchase, after the commit that calls for it. A failure loses nothing:
 * the purchase's status says the work is due, and the reconciler gives it a job; so it is logged,
 * not thrown.
 */
export async function enqueuePurchaseJob(ctx: AppContext, name: string, transactionId: string): Promise<void> {
  try {
    await ctx.agenda.now(name, { transactionId });
  } catch (error) {
    ctx.log.error(`could not enqueue ${name}; the reconciler will pick the purchase up`, { transactionId, error: (error as Error).message });
  }
}
