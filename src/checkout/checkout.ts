import { createHash } from 'node:crypto';
import type { CartLine } from '../infra/database/models.js';
import { JOB_NAMES } from '../infra/queue/agenda.js';
import { priceLines } from '../catalog/products.js';
import type { AppContext } from '../shared/context.js';
import { CartChanged, CommitOutcomeUnknown, Conflict, EmptyCart, IdempotencyKeyReused, isDuplicateKeyError } from '../shared/errors.js';
import { newId, toId, type Id } from '../shared/ids.js';
import { clearCart, debitWallet, loadCart } from './checkout-steps.js';
import { bpsShare } from '../rewards/rules.js';
import { enqueuePurchaseJob } from '../infra/queue/enqueue-purchase-job.js';

export interface CheckoutRequest {
  userId: string;
  idempotencyKey?: string;
  /** The cart version the customer saw; a different current version means the cart changed. */
  cartVersion?: number;
}

export interface CheckoutResponse {
  success: true;
  message: 'Checkout successful';
  data: {
    transactionId: string;
    cartTotal: number;
    newWalletBalance: number;
    /**
     * The original system's answer, which its clients read (docs/spec.md §4): `processing` means "accepted
     * for background processing". It is not the purchase's own status, which stays `pending` until
     * a worker starts its job (README, "What a purchase's rewards status means"); a replay says the same.
     */
    rewards: { totalRewardPoints: number; status: 'processing' };
    note: string;
  };
}

const NOTE = 'Tree rewards and level upgrades are being processed in the background';

function checkoutResponse(transactionId: string, cartTotal: number, newWalletBalance: number, totalRewardPoints: number): CheckoutResponse {
  return {
    success: true,
    message: 'Checkout successful',
    data: { transactionId, cartTotal, newWalletBalance, rewards: { totalRewardPoints, status: 'processing' }, note: NOTE },
  };
}

function fingerprint(lines: readonly CartLine[]): string {
  const canonical = [...lines].map((l) => `${l.sku}×${l.quantity}`).sort().join('|');
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * docs/spec.md §4. Price the cart, debit the wallet, record the purchase, clear the cart — in one
 * transaction — then enqueue the rewards job. A lost enqueue is picked up by the reconciler.
 */
export async function checkout(ctx: AppContext, request: CheckoutRequest): Promise<CheckoutResponse> {
  const idempotencyId = request.idempotencyKey ? `${request.userId}:${request.idempotencyKey}` : undefined;

  if (idempotencyId) {
    const replay = await replayIfSeen(ctx, idempotencyId, request.userId);
    if (replay) return replay;
  }

  let response: CheckoutResponse;
  /** The purchase id of the attempt whose commit was sent last: an unknown outcome is read back by it. */
  let attempted: Id | undefined;
  try {
    response = await ctx.unitOfWork.run({ name: 'checkout' }, async (tx) => {
      const cart = await loadCart(tx, request.userId, request.cartVersion);
      const { lines, total } = await priceLines(tx, cart.items);
      const purchaseId = (attempted = newId());
      const buyer = toId(request.userId);
      const totalRewardPoints = bpsShare(total, ctx.config.rewards.rewardBps);

      if (idempotencyId) await tx.idempotencyKeys.reserveIdempotencyKey({ id: idempotencyId, user: buyer, cartFingerprint: fingerprint(cart.items), transactionId: purchaseId });
      const walletBalanceAfter = await debitWallet(tx, request.userId, total);
      await tx.purchases.recordPurchase({ id: purchaseId, user: buyer, total, lines, totalRewardPoints, walletBalanceAfter });
      await clearCart(tx, cart);
      return checkoutResponse(purchaseId.toString(), total, walletBalanceAfter, totalRewardPoints);
    });
  } catch (error) {
    if (error instanceof CommitOutcomeUnknown) return resolveUnknownOutcome(ctx, error, attempted, idempotencyId);
    if (idempotencyId && (isDuplicateKeyError(error) || error instanceof EmptyCart || error instanceof CartChanged)) {
      // Another request with the same key won the race (the loser's retry then finds the cart it
      // emptied): answer as it did.
      const replay = await replayIfSeen(ctx, idempotencyId, request.userId);
      if (replay) return replay;
    }
    ctx.metrics.checkouts.inc({ outcome: (error as { code?: string }).code ?? 'error' });
    throw error;
  }

  ctx.metrics.checkouts.inc({ outcome: 'success' });
  await enqueueRewards(ctx, response.data.transactionId);
  return response;
}

/**
 * The commit was sent but never confirmed (CommitOutcomeUnknown): read the outcome back. Found:
 * it applied — answer as committed, rewards enqueued. Not found: it may still apply, so the answer
 * says "unknown" and how to learn the outcome — never "nothing changed", after which a client that
 * rebuilds its cart would pay twice.
 */
async function resolveUnknownOutcome(ctx: AppContext, error: CommitOutcomeUnknown, purchaseId: Id | undefined, idempotencyId: string | undefined): Promise<CheckoutResponse> {
  const purchase = purchaseId ? await ctx.data.purchases.findPurchase(purchaseId).catch(() => null) : null;
  if (purchase) {
    ctx.metrics.checkouts.inc({ outcome: 'success' });
    ctx.log.warn('checkout commit confirmed by reading it back after an unknown commit result', { transactionId: purchase._id.toString() });
    await enqueueRewards(ctx, purchase._id.toString());
    return checkoutResponse(purchase._id.toString(), purchase.amount, purchase.walletBalanceAfter ?? 0, purchase.rewards?.totalRewardPoints ?? 0);
  }
  ctx.metrics.checkouts.inc({ outcome: error.code });
  ctx.log.error('checkout outcome unknown: its commit was sent but not confirmed', { transactionId: purchaseId?.toString(), error: (error.cause as Error | undefined)?.message });
  const howToFindOut = idempotencyId
    ? 'Retry with the same Idempotency-Key: it answers the outcome and charges nothing twice.'
    : 'Do not pay again before checking your purchases (GET /api/purchases); send an Idempotency-Key to make checkouts safe to retry.';
  throw new CommitOutcomeUnknown(`The checkout may or may not have been applied: the database did not confirm it in time. ${howToFindOut}`, purchaseId ? { transactionId: purchaseId.toString() } : undefined);
}

/** The answer of the first checkout with this key, rebuilt from its purchase; null if the key is new. */
async function replayIfSeen(ctx: AppContext, idempotencyId: string, userId: string): Promise<CheckoutResponse | null> {
  const { idempotencyKeys, purchases, cart: carts } = ctx.data;
  const seen = await idempotencyKeys.findCommittedIdempotencyKey(idempotencyId);
  if (!seen) return null;
  // The key and its purchase commit together; a key without one would be a hand edit.
  const purchase = await purchases.findPurchase(seen.transactionId);
  if (!purchase) throw new Conflict('A checkout with this Idempotency-Key is still in progress; retry shortly');
  const cart = await carts.findCart(userId);
  // The first checkout emptied the cart; a cart with other contents means the key is being reused.
  if (cart && cart.items.length > 0 && fingerprint(cart.items) !== seen.cartFingerprint) {
    throw new IdempotencyKeyReused('This Idempotency-Key was used for a different cart');
  }
  return checkoutResponse(purchase._id.toString(), purchase.amount, purchase.walletBalanceAfter ?? 0, purchase.rewards?.totalRewardPoints ?? 0);
}

/** After commit. A failure here loses nothing: the purchase stays `pending` and the reconciler enqueues it. */
export function enqueueRewards(ctx: AppContext, transactionId: string): Promise<void> {
  return enqueuePurchaseJob(ctx, JOB_NAMES.processCheckoutRewards, transactionId);
}
