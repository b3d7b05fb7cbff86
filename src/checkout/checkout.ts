import { createHash } from 'node:crypto';
import type { CartLine } from '../infra/database/models.js';
import { isDuplicateKeyError, ObjectId } from '../infra/database/models.js';
import { JOB_NAMES } from '../infra/queue/agenda.js';
import { priceLines } from '../catalog/products.js';
import type { AppContext } from '../shared/context.js';
import { CartChanged, Conflict, EmptyCart, IdempotencyKeyReused, InsufficientFunds, NotFound } from '../shared/errors.js';
import { bpsShare } from '../rewards/rules.js';

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
    rewards: { totalRewardPoints: number; status: 'processing' };
    note: string;
  };
}

const NOTE = 'Tree rewards and level upgrades are being processed in the background';

function fingerprint(lines: readonly CartLine[]): string {
  const canonical = [...lines].map((l) => `${l.sku}×${l.quantity}`).sort().join('|');
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * SPEC §4. Price the cart, debit the wallet, record the purchase, clear the cart — in one
 * transaction — then enqueue the rewards job. A lost enqueue is picked up by the reconciler.
 */
export async function checkout(ctx: AppContext, request: CheckoutRequest): Promise<CheckoutResponse> {
  const { models, unitOfWork } = ctx.database;
  const idempotencyId = request.idempotencyKey ? `${request.userId}:${request.idempotencyKey}` : undefined;

  if (idempotencyId) {
    const replay = await replayIfSeen(ctx, idempotencyId, request.userId);
    if (replay) return replay;
  }

  let response: CheckoutResponse;
  try {
    response = await unitOfWork.run(async (session, onRollback) => {
      const user = await models.User.findById(request.userId).session(session ?? null).lean();
      if (!user) throw new NotFound('USER', `User ${request.userId} does not exist`);
      const cart = await models.Cart.findOne({ user: user._id }).session(session ?? null).lean();
      if (request.cartVersion !== undefined && (cart?.version ?? 0) !== request.cartVersion) {
        throw new CartChanged(`The cart changed (version ${cart?.version ?? 0}, expected ${request.cartVersion})`);
      }
      if (!cart || cart.items.length === 0) throw new EmptyCart('The cart is empty');

      const { lines, total } = await priceLines(models, cart.items, session);
      const purchaseId = new ObjectId();
      const totalRewardPoints = bpsShare(total, ctx.config.rewards.rewardBps);
      const result: CheckoutResponse = {
        success: true,
        message: 'Checkout successful',
        data: {
          transactionId: purchaseId.toString(),
          cartTotal: total,
          newWalletBalance: user.walletBalance - total,
          rewards: { totalRewardPoints, status: 'processing' },
          note: NOTE,
        },
      };

      if (idempotencyId) {
        // First, so that a concurrent request with the same key fails before touching money.
        await models.Idempotency.create(
          [{ _id: idempotencyId, user: user._id, cartFingerprint: fingerprint(cart.items), transactionId: purchaseId, response: result }],
          { session },
        );
        onRollback(() => models.Idempotency.deleteOne({ _id: idempotencyId }));
      }

      const debited = await models.User.findOneAndUpdate(
        { _id: user._id, walletBalance: { $gte: total } },
        { $inc: { walletBalance: -total, lifetimeSpend: total } },
        { returnDocument: 'after', session },
      ).lean();
      if (!debited) {
        throw new InsufficientFunds(`Wallet balance is below the cart total`, { cartTotal: total, walletBalance: user.walletBalance });
      }
      onRollback(() => models.User.updateOne({ _id: user._id }, { $inc: { walletBalance: total, lifetimeSpend: -total } }));
      result.data.newWalletBalance = debited.walletBalance;

      await models.Ledger.create(
        [
          {
            _id: purchaseId,
            type: 'purchase',
            entryKey: `purchase:${purchaseId.toString()}`,
            user: user._id,
            amount: total,
            lines,
            rewards: { status: 'pending', totalRewardPoints, distribution: null, attempts: 0, lastError: null, completedAt: null },
          },
        ],
        { session },
      );
      onRollback(() => models.Ledger.deleteOne({ _id: purchaseId }));

      const cleared = await models.Cart.updateOne(
        { _id: cart._id, version: cart.version },
        { $set: { items: [] }, $inc: { version: 1 } },
        { session },
      );
      if (cleared.modifiedCount !== 1) throw new CartChanged('The cart changed during checkout; nothing was charged');

      if (idempotencyId) {
        await models.Idempotency.updateOne({ _id: idempotencyId }, { $set: { response: result } }, { session });
      }
      return result;
    });
  } catch (error) {
    if (idempotencyId && (isDuplicateKeyError(error) || error instanceof EmptyCart || error instanceof CartChanged)) {
      // Another request with the same key won the race (with transactions, the loser's retry then
      // finds the cart it emptied): answer as it did.
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

async function replayIfSeen(ctx: AppContext, idempotencyId: string, userId: string): Promise<CheckoutResponse | null> {
  const { models } = ctx.database;
  const seen = await models.Idempotency.findById(idempotencyId).lean();
  if (!seen) return null;
  // Without transactions the key is written before the purchase: until the purchase exists, the
  // first request may still fail, so its answer is not known yet.
  if (!(await models.Ledger.exists({ _id: seen.transactionId }))) {
    throw new Conflict('A checkout with this Idempotency-Key is still in progress; retry shortly');
  }
  const cart = await models.Cart.findOne({ user: userId }).lean();
  // The first checkout emptied the cart; a cart with other contents means the key is being reused.
  if (cart && cart.items.length > 0 && fingerprint(cart.items) !== seen.cartFingerprint) {
    throw new IdempotencyKeyReused('This Idempotency-Key was used for a different cart');
  }
  return seen.response as CheckoutResponse;
}

/** After commit. A failure here loses nothing: the purchase stays `pending` and the reconciler enqueues it. */
export async function enqueueRewards(ctx: AppContext, transactionId: string): Promise<void> {
  try {
    await ctx.agenda.now(JOB_NAMES.processCheckoutRewards, { transactionId });
  } catch (error) {
    ctx.log.error('could not enqueue rewards job; the reconciler will pick the purchase up', {
      transactionId,
      error: (error as Error).message,
    });
  }
}
