import type { CartDoc, UserDoc } from '../infra/database/models.js';
import type { Repositories } from '../data-access.js';
import { CartChanged, EmptyCart, InsufficientFunds, NotFound } from '../shared/errors.js';
import { outOfRange } from '../shared/money.js';

/** What the checkout's steps run in: the repositories bound to its transaction. */
type CheckoutTx = Pick<Repositories, 'cart' | 'users' | 'wallet'>;

/**
 * The cart as the customer last saw it. The user is not read on the way: the debit below is
 * conditional and answers for the wallet; only an error path asks whether the user exists.
 */
export async function loadCart(tx: CheckoutTx, userId: string, expectedVersion?: number): Promise<CartDoc> {
  const cart = await tx.cart.findCart(userId);
  if (!cart || cart.items.length === 0) {
    await mustExist(tx, userId);
    if (expectedVersion !== undefined && (cart?.version ?? 0) !== expectedVersion) throw cartChanged(cart?.version ?? 0, expectedVersion);
    throw new EmptyCart('The cart is empty');
  }
  if (expectedVersion !== undefined && cart.version !== expectedVersion) throw cartChanged(cart.version, expectedVersion);
  return cart;
}

const cartChanged = (version: number, expected: number) => new CartChanged(`The cart changed (version ${version}, expected ${expected})`);

async function mustExist(tx: CheckoutTx, userId: string): Promise<UserDoc> {
  const user = await tx.users.findUser(userId);
  if (!user) throw new NotFound('USER', `User ${userId} does not exist`);
  return user;
}

/** The conditional debit (src/wallet/data/debit-for-purchase.ts); when it matches nothing, why. Returns the balance after it. */
export async function debitWallet(tx: CheckoutTx, userId: string, total: number): Promise<number> {
  const debited = await tx.wallet.debitForPurchase(userId, total);
  if (!debited) {
    const user = await mustExist(tx, userId);
    if (user.walletBalance < total) throw new InsufficientFunds('Wallet balance is below the cart total', { cartTotal: total, walletBalance: user.walletBalance });
    throw outOfRange(`A purchase of ${total}`, 'lifetime spend');
  }
  return debited.walletBalance;
}

/** Only the version that was priced is cleared: an edit in between aborts the whole checkout. */
export async function clearCart(tx: CheckoutTx, cart: CartDoc) {
  if (!(await tx.cart.replaceCartItems(cart, []))) throw new CartChanged('The cart changed during checkout; nothing was charged');
}
