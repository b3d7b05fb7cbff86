import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

/** The purchase (the order) with this id, or null. */
export function findPurchase({ models, session }: DataScope, id: Id | string): Promise<LedgerDoc | null> {
  return models.Ledger.findOne({ _id: id, type: 'purchase' }).session(session ?? null).lean<LedgerDoc>().exec();
}

/** Whether a purchase with this id exists (whatever its status). */
export async function purchaseExists({ models, session }: DataScope, id: Id | string): Promise<boolean> {
  return (await models.Ledger.exists({ _id: id, type: 'purchase' }).session(session ?? null)) !== null;
}
