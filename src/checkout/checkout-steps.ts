import type { ClientSession, Types } from 'mongoose';
import type { CartDoc, Models, PricedLine, UserDoc } from '../infra/database/models.js';
import { CartChanged, EmptyCart, InsufficientFunds, NotFound } from '../shared/errors.js';
import { canRaiseBy, outOfRange } from '../shared/money.js';

/** What every step of a checkout runs in: its transaction. */
export interface CheckoutTx {
  models: Models;
  session: ClientSession;
}

/**
 * The cart as the customer last saw it. The user is not read on the way: the debit below is
 * conditional and answers for the wallet; only an error path asks whether the user exists.
 */
export async function loadCart({ models, session }: CheckoutTx, userId: string, expectedVersion?: number): Promise<CartDoc> {
  const cart = await models.Cart.findOne({ user: userId }).session(session).lean();
  if (!cart || cart.items.length === 0) {
    await mustExist(models, userId, session);
    if (expectedVersion !== undefined && (cart?.version ?? 0) !== expectedVersion) throw cartChanged(cart?.version ?? 0, expectedVersion);
    throw new EmptyCart('The cart is empty');
  }
  if (expectedVersion !== undefined && cart.version !== expectedVersion) throw cartChanged(cart.version, expectedVersion);
  return cart;
}

const cartChanged = (version: number, expected: number) => new CartChanged(`The cart changed (version ${version}, expected ${expected})`);

async function mustExist(models: Models, userId: string, session: ClientSession): Promise<UserDoc> {
  const user = await models.User.findById(userId).session(session).lean();
  if (!user) throw new NotFound('USER', `User ${userId} does not exist`);
  return user;
}

/** Written first, so that a concurrent request with the same key fails before touching money. */
export async function reserveIdempotencyKey(
  { models, session }: CheckoutTx,
  key: { id: string; user: Types.ObjectId; cartFingerprint: string; transactionId: Types.ObjectId },
) {
  await models.Idempotency.create([{ _id: key.id, ...key }], { session });
}

/**
 * The conditional debit: it matches only while the balance covers the total, so it never goes
 * negative, and while the lifetime spend stays exact (src/shared/money.ts). Returns the balance after it.
 */
export async function debitWallet({ models, session }: CheckoutTx, userId: string, total: number): Promise<number> {
  const debited = await models.User.findOneAndUpdate(
    { _id: userId, walletBalance: { $gte: total }, lifetimeSpend: canRaiseBy(total) },
    { $inc: { walletBalance: -total, lifetimeSpend: total } },
    { returnDocument: 'after', session },
  ).lean();
  if (!debited) {
    const user = await mustExist(models, userId, session);
    if (user.walletBalance < total) throw new InsufficientFunds('Wallet balance is below the cart total', { cartTotal: total, walletBalance: user.walletBalance });
    throw outOfRange(`A purchase of ${total}`, 'lifetime spend');
  }
  return debited.walletBalance;
}

/** The purchase is the order and the first ledger entry; its rewards start `pending`. */
export async function recordPurchase(
  { models, session }: CheckoutTx,
  purchase: { id: Types.ObjectId; user: Types.ObjectId; total: number; lines: PricedLine[]; totalRewardPoints: number; walletBalanceAfter: number },
) {
  await models.Ledger.create(
    [
      {
        _id: purchase.id,
        type: 'purchase',
        entryKey: `purchase:${purchase.id.toString()}`,
        user: purchase.user,
        amount: purchase.total,
        lines: purchase.lines,
        walletBalanceAfter: purchase.walletBalanceAfter,
        rewards: { status: 'pending', totalRewardPoints: purchase.totalRewardPoints, distribution: null, attempts: 0, lastError: null, completedAt: null },
      },
    ],
    { session },
  );
}

/** Only the version that was priced is cleared: an edit in between aborts the whole checkout. */
export async function clearCart({ models, session }: CheckoutTx, cart: CartDoc) {
  const cleared = await models.Cart.updateOne({ _id: cart._id, version: cart.version }, { $set: { items: [] }, $inc: { version: 1 } }, { session });
  if (cleared.modifiedCount !== 1) throw new CartChanged('The cart changed during checkout; nothing was charged');
}
