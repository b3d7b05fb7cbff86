import type { DataScope } from '../../infra/database/data-scope.js';
import type { ProductDoc } from '../../infra/database/models.js';
import { pageDocs } from '../../http/paging.js';

/** `limit + 1` products newest first after the cursor; `active` filters when given. */
export function productsPage({ models, session }: DataScope, filter: { active?: boolean; limit: number; cursor?: string }): Promise<ProductDoc[]> {
  const active = filter.active === undefined ? {} : { active: filter.active };
  return pageDocs<ProductDoc>(models.Product, active, filter, session);
}

/** The active products among these skus (unknown and inactive ones are simply absent). */
export function findActiveProducts({ models, session }: DataScope, skus: readonly string[]): Promise<ProductDoc[]> {
  return models.Product.find({ sku: { $in: skus }, active: true }).session(session ?? null).lean<ProductDoc[]>().exec();
}

/**
 * Creates the product or updates it by sku in one findAndModify upsert. The sku comes from the
 * filter; `createdAt` is set on insert only (mongoose's timestamps add it as `$setOnInsert`).
 * Two upserts racing on a new sku can both insert; the unique index refuses the second (E11000).
 */
export async function upsertProductBySku(
  { models, session }: DataScope,
  input: { sku: string; name: string; price: number; active: boolean },
): Promise<{ product: ProductDoc; created: boolean }> {
  const result = await models.Product.findOneAndUpdate(
    { sku: input.sku },
    { $set: { name: input.name, price: input.price, active: input.active } },
    { upsert: true, returnDocument: 'after', includeResultMetadata: true, lean: true, session },
  );
  return { product: result.value as ProductDoc, created: result.lastErrorObject?.updatedExisting === false };
}
