import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';

/** Every purchase, in id order (the `{type, _id}` index), without its lines. */
export function streamPurchases({ models, session }: DataScope): AsyncIterable<LedgerDoc> {
  return models.Ledger.find({ type: 'purchase' }, { lines: 0 }).session(session ?? null).sort({ _id: 1 }).lean<LedgerDoc[]>().cursor({ batchSize: 500 });
}
