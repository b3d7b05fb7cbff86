import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import { entryKeys } from '../../shared/ledger-entries.js';

/**
 * The refund's ledger entry: the purchase's total back to its buyer. Its unique key
 * (`refund:<purchase id>`) admits one refund per purchase: a second is a duplicate-key error.
 */
export async function insertRefundEntry({ models, session }: DataScope, purchase: Pick<LedgerDoc, '_id' | 'user' | 'amount'>): Promise<void> {
  await models.Ledger.create([{ type: 'refund', entryKey: entryKeys.refund(purchase._id.toString()), user: purchase.user, amount: purchase.amount, purchase: purchase._id }], { session });
}

/** The purchase refunded under this Idempotency-Key (kept in its refund mark), or null. */
export function findRefundByKey({ models, session }: DataScope, idempotencyKey: string): Promise<LedgerDoc | null> {
  return models.Ledger.findOne({ type: 'purchase', 'refund.idempotencyKey': idempotencyKey }).session(session ?? null).lean<LedgerDoc>().exec();
}
