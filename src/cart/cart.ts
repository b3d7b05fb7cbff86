import type { CartDoc, CartLine } from '../infra/database/models.js';
import type { Repositories } from '../data-access.js';
import { findActiveProduct, MAX_ORDER_TOTAL, priceLines } from '../catalog/products.js';
import { Conflict, isDuplicateKeyError, NotFound, ValidationFailed } from '../shared/errors.js';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 1000;
const MAX_EDIT_ATTEMPTS = 10;

type CartData = Pick<Repositories, 'cart' | 'catalog' | 'users'>;

async function loadCart(data: CartData, userId: string): Promise<CartDoc> {
  const existing = await data.cart.findCart(userId);
  if (existing) return existing;
  // A valid token can outlive its user; never create a cart nobody owns.
  if (!(await data.users.userExists(userId))) throw new NotFound('USER', `User ${userId} does not exist`);
  try {
    return await data.cart.createCart(userId);
  } catch (error) {
    // Two first requests raced; the unique index kept one cart.
    if (!isDuplicateKeyError(error)) throw error;
    const cart = await data.cart.findCart(userId);
    if (!cart) throw error;
    return cart;
  }
}

/**
 * Edits the cart with optimistic concurrency: the write applies only to the version that was
 * read, and every edit bumps the version (which checkout compares to detect a changed cart).
 */
async function editCart(data: CartData, userId: string, edit: (items: CartLine[]) => CartLine[] | Promise<CartLine[]>): Promise<CartDoc> {
  for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
    const cart = await loadCart(data, userId);
    const items = await edit(cart.items.map((l) => ({ sku: l.sku, quantity: l.quantity })));
    if (await data.cart.replaceCartItems(cart, items)) return { ...cart, items, version: cart.version + 1 };
  }
  throw new Conflict('The cart is being edited concurrently; try again');
}

export async function viewCart(data: CartData, userId: string) {
  return presentCart(data, await loadCart(data, userId));
}

/** The cart priced from the catalogue; lines whose product is gone are listed as unavailable. */
async function presentCart(data: CartData, cart: CartDoc) {
  const lines = cart.items.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  let priced: Awaited<ReturnType<typeof priceLines>> | null = null;
  let unavailable: string[] = [];
  try {
    priced = lines.length ? await priceLines(data, lines) : { lines: [], total: 0 };
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
async function ensureCheckoutable(data: CartData, items: readonly CartLine[], sku: string, quantity: number): Promise<void> {
  const products = await data.catalog.findActiveProducts(items.map((l) => l.sku));
  const price = new Map(products.map((p) => [p.sku, p.price]));
  const total = items.reduce((sum, l) => sum + (price.get(l.sku) ?? 0) * l.quantity, 0);
  if (Number.isSafeInteger(total) && total <= MAX_ORDER_TOTAL) return;
  throw new ValidationFailed(`Adding ${quantity} × ${sku} would bring the cart total above the maximum order total of ${MAX_ORDER_TOTAL}`, [
    { path: 'quantity', message: `the cart total would be ${total}, above ${MAX_ORDER_TOTAL}` },
  ]);
}

export async function addItem(data: CartData, userId: string, sku: string, quantity: number) {
  await findActiveProduct(data, sku);
  const cart = await editCart(data, userId, async (items) => {
    const line = items.find((l) => l.sku === sku);
    if (line) {
      if (line.quantity + quantity > MAX_QUANTITY) throw new ValidationFailed(`At most ${MAX_QUANTITY} of one product per cart`);
      line.quantity += quantity;
    } else {
      if (items.length >= MAX_LINES) throw new ValidationFailed(`A cart holds at most ${MAX_LINES} different products`);
      items.push({ sku, quantity });
    }
    await ensureCheckoutable(data, items, sku, quantity);
    return items;
  });
  return presentCart(data, cart);
}

export async function removeItem(data: CartData, userId: string, sku: string) {
  const cart = await editCart(data, userId, (items) => {
    if (!items.some((l) => l.sku === sku)) throw new NotFound('CART_ITEM', `No ${sku} in the cart`);
    return items.filter((l) => l.sku !== sku);
  });
  return presentCart(data, cart);
}
