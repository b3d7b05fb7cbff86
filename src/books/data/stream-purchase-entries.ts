import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';

/** Every entry that names a purchase (rewards, pools, reversals, refunds), in purchase order (the `{purchase}` index). */
export function streamPurchaseEntries({ models, session }: DataScope): AsyncIterable<LedgerDoc> {
  return models.Ledger.find({ purchase: { $ne: null } }, { lines: 0 }).session(session ?? null).sort({ purchase: 1 }).lean<LedgerDoc[]>().cursor({ batchSize: 1000 });
}
