import type { DataScope } from '../../infra/database/data-scope.js';
import type { CartDoc, CartLine } from '../../infra/database/models.js';
import { toId } from '../../shared/ids.js';

/** The user's cart, or null: a user has at most one (a unique index on `user`). */
export function findCart({ models, session }: DataScope, userId: string): Promise<CartDoc | null> {
  return models.Cart.findOne({ user: userId }).session(session ?? null).lean<CartDoc>().exec();
}

/** A new empty cart; a second one for the same user is a duplicate-key error. */
export async function createCart({ models, session }: DataScope, userId: string): Promise<CartDoc> {
  const [created] = await models.Cart.create([{ user: toId(userId), items: [], version: 0 }], { session });
  return created!.toObject<CartDoc>();
}

/**
 * Replaces the items of the version that was read, and bumps the version (which checkout
 * compares to detect a changed cart). False: the cart changed since it was read.
 */
export async function replaceCartItems({ models, session }: DataScope, cart: Pick<CartDoc, '_id' | 'version'>, items: CartLine[]): Promise<boolean> {
  const result = await models.Cart.updateOne({ _id: cart._id, version: cart.version }, { $set: { items }, $inc: { version: 1 } }, { session });
  return result.modifiedCount === 1;
}
