import type { CartDoc, CartLine, Models } from '../infra/database/models.js';
import { isDuplicateKeyError, ObjectId } from '../infra/database/models.js';
import { findActiveProduct, MAX_ORDER_TOTAL, priceLines } from '../catalog/products.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 1000;
const MAX_EDIT_ATTEMPTS = 10;

async function loadCart(models: Models, userId: string): Promise<CartDoc> {
  const existing = await models.Cart.findOne({ user: userId }).lean();
  if (existing) return existing;
  // A valid token can outlive its user; never create a cart nobody owns.
  if (!(await models.User.exists({ _id: userId }))) throw new NotFound('USER', `User ${userId} does not exist`);
  try {
    const [created] = await models.Cart.create([{ user: new ObjectId(userId), items: [], version: 0 }]);
    return created!.toObject();
  } catch (error) {
    // Two first requests raced; the unique index kept one cart.
    if (!isDuplicateKeyError(error)) throw error;
    const cart = await models.Cart.findOne({ user: userId }).lean();
    if (!cart) throw error;
    return cart;
  }
}

/**
 * Edits the cart with optimistic concurrency: the write applies only to the version that was
 * read, and every edit bumps the version (which checkout compares to detect a changed cart).
 */
async function editCart(models: Models, userId: string, edit: (items: CartLine[]) => CartLine[] | Promise<CartLine[]>): Promise<CartDoc> {
  for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
    const cart = await loadCart(models, userId);
    const items = await edit(cart.items.map((l) => ({ sku: l.sku, quantity: l.quantity })));
    const result = await models.Cart.updateOne({ _id: cart._id, version: cart.version }, { $set: { items }, $inc: { version: 1 } });
    if (result.modifiedCount === 1) return { ...cart, items, version: cart.version + 1 };
  }
  throw new Conflict('The cart is being edited concurrently; try again');
}

export async function viewCart(models: Models, userId: string) {
  return presentCart(models, await loadCart(models, userId));
}

/** The cart priced from the catalogue; lines whose product is gone are listed as unavailable. */
async function presentCart(models: Models, cart: CartDoc) {
  const lines = cart.items.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  let priced: Awaited<ReturnType<typeof priceLines>> | null = null;
  let unavailable: string[] = [];
  try {
    priced = lines.length ? await priceLines(models, lines) : { lines: [], total: 0 };
  } catch (error) {
    if (error instanceof NotFound) unavailable = (error.details as { skus?: string[] } | undefined)?.skus ?? [];
    else if (!(error instanceof ValidationFailed)) throw error;
  }
  return { version: cart.version, items: priced ? priced.lines : lines, total: priced ? priced.total : null, unavailable };
}

/**
 * Refuses an edit after which the cart could never be checked out because its total (at today's
 * prices) is above what checkout accepts. Lines whose product is gone are priced by checkout as an
 * error of their own, so they do not count here.
 */
async function ensureCheckoutable(models: Models, items: readonly CartLine[], sku: string, quantity: number): Promise<void> {
  const products = await models.Product.find({ sku: { $in: items.map((l) => l.sku) }, active: true }).lean();
  const price = new Map(products.map((p) => [p.sku, p.price]));
  const total = items.reduce((sum, l) => sum + (price.get(l.sku) ?? 0) * l.quantity, 0);
  if (Number.isSafeInteger(total) && total <= MAX_ORDER_TOTAL) return;
  throw new ValidationFailed(`Adding ${quantity} × ${sku} would bring the cart total above the maximum order total of ${MAX_ORDER_TOTAL}`, [
    { path: 'quantity', message: `the cart total would be ${total}, above ${MAX_ORDER_TOTAL}` },
  ]);
}

export async function addItem(models: Models, userId: string, sku: string, quantity: number) {
  await findActiveProduct(models, sku);
  const cart = await editCart(models, userId, async (items) => {
    const line = items.find((l) => l.sku === sku);
    if (line) {
      if (line.quantity + quantity > MAX_QUANTITY) throw new ValidationFailed(`At most ${MAX_QUANTITY} of one product per cart`);
      line.quantity += quantity;
    } else {
      if (items.length >= MAX_LINES) throw new ValidationFailed(`A cart holds at most ${MAX_LINES} different products`);
      items.push({ sku, quantity });
    }
    await ensureCheckoutable(models, items, sku, quantity);
    return items;
  });
  return presentCart(models, cart);
}

export async function removeItem(models: Models, userId: string, sku: string) {
  const cart = await editCart(models, userId, (items) => {
    if (!items.some((l) => l.sku === sku)) throw new NotFound('CART_ITEM', `No ${sku} in the cart`);
    return items.filter((l) => l.sku !== sku);
  });
  return presentCart(models, cart);
}
