import type { CartLine, PricedLine, ProductDoc } from '../infra/database/models.js';
import { pageOf } from '../http/paging.js';
import type { Repositories } from '../data-access.js';
import { isDuplicateKeyError, NotFound, ValidationFailed } from '../shared/errors.js';

type Catalog = Pick<Repositories, 'catalog'>;

/** Keeps every money computation (total × basis points) far inside the safe integer range. */
export const MAX_ORDER_TOTAL = 100_000_000_000;

export function presentProduct(p: ProductDoc) {
  return { id: p._id.toString(), sku: p.sku, name: p.name, price: p.price, active: p.active };
}

/** Products newest first; `activeOnly` is the customers' catalogue. */
export async function listProducts({ catalog }: Catalog, filter: { activeOnly?: boolean; active?: boolean; limit: number; cursor?: string }) {
  const docs = await catalog.productsPage({ active: filter.activeOnly ? true : filter.active, limit: filter.limit, cursor: filter.cursor });
  return pageOf(docs, filter.limit, presentProduct);
}

/**
 * Creates the product or updates it by sku, so two admins writing the same new sku at once get
 * one 201 and one 200. Two upserts racing on a new sku can both find nothing and both insert; the
 * unique index on sku refuses the second (E11000). MongoDB retries such an upsert itself in most
 * cases, but not all; FerretDB's findAndModify is read-then-write, so there it happens whenever
 * two meet. Retried once, the loser finds the winner's document and updates it: the product
 * exists by then, so once is enough.
 */
export async function upsertProduct({ catalog }: Catalog, input: { sku: string; name: string; price: number; active?: boolean }): Promise<{ product: ProductDoc; created: boolean }> {
  const product = { ...input, active: input.active ?? true };
  try {
    return await catalog.upsertProductBySku(product);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return catalog.upsertProductBySku(product);
  }
}

export async function findActiveProduct({ catalog }: Catalog, sku: string): Promise<ProductDoc> {
  const [product] = await catalog.findActiveProducts([sku]);
  if (!product) throw new NotFound('PRODUCT', `No active product with sku ${sku}`, { skus: [sku] });
  return product;
}

/** Prices cart lines from the catalog — never from the client. Unknown or inactive SKUs are a 404. */
export async function priceLines({ catalog }: Catalog, lines: readonly CartLine[]): Promise<{ lines: PricedLine[]; total: number }> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const products = await catalog.findActiveProducts(skus);
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
