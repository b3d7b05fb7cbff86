import type { ClientSession } from 'mongoose';
import type { CartLine, Models, PricedLine, ProductDoc } from '../infra/database/models.js';
import { after, newestFirst, pageOf } from '../http/paging.js';
import { NotFound, ValidationFailed } from '../shared/errors.js';

/** Keeps every money computation (total × basis points) far inside the safe integer range. */
export const MAX_ORDER_TOTAL = 100_000_000_000;

export function presentProduct(p: ProductDoc) {
  return { id: p._id.toString(), sku: p.sku, name: p.name, price: p.price, active: p.active };
}

/** Products newest first; `activeOnly` is the customers' catalogue. */
export async function listProducts(models: Models, filter: { activeOnly?: boolean; active?: boolean; limit: number; cursor?: string }) {
  const active = filter.activeOnly ? { active: true } : filter.active === undefined ? {} : { active: filter.active };
  const docs = await models.Product.find({ $and: [active, after(filter.cursor)] })
    .sort(newestFirst)
    .limit(filter.limit + 1)
    .lean();
  return pageOf(docs, filter.limit, presentProduct);
}

export async function upsertProduct(
  models: Models,
  input: { sku: string; name: string; price: number; active?: boolean },
): Promise<{ product: ProductDoc; created: boolean }> {
  const existing = await models.Product.findOne({ sku: input.sku }).lean();
  const update = { name: input.name, price: input.price, active: input.active ?? true };
  if (existing) {
    await models.Product.updateOne({ _id: existing._id }, { $set: update });
    return { product: { ...existing, ...update }, created: false };
  }
  const [product] = await models.Product.create([{ sku: input.sku, ...update }]);
  return { product: product!.toObject(), created: true };
}

export async function findActiveProduct(models: Models, sku: string): Promise<ProductDoc> {
  const product = await models.Product.findOne({ sku, active: true }).lean();
  if (!product) throw new NotFound('PRODUCT', `No active product with sku ${sku}`, { skus: [sku] });
  return product;
}

/** Prices cart lines from the catalog — never from the client. Unknown or inactive SKUs are a 404. */
export async function priceLines(
  models: Models,
  lines: readonly CartLine[],
  session?: ClientSession,
): Promise<{ lines: PricedLine[]; total: number }> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const products = await models.Product.find({ sku: { $in: skus }, active: true }).session(session ?? null).lean();
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const missing = skus.filter((s) => !bySku.has(s));
  if (missing.length > 0) throw new NotFound('PRODUCT', `Unknown or inactive products in cart: ${missing.join(', ')}`, { skus: missing });

  const priced = lines.map((line) => {
    const product = bySku.get(line.sku)!;
    return { sku: line.sku, name: product.name, unitPrice: product.price, quantity: line.quantity, lineTotal: product.price * line.quantity };
  });
  const total = priced.reduce((sum, l) => sum + l.lineTotal, 0);
  if (total > MAX_ORDER_TOTAL) throw new ValidationFailed(`Cart total ${total} exceeds the maximum order total of ${MAX_ORDER_TOTAL}`);
  return { lines: priced, total };
}
