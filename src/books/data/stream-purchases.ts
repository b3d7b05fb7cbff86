import type { Models, LedgerDoc } from '../../infra/database/models.js';

/** Every purchase, in id order (the `{type, _id}` index), without its lines. */
export function streamPurchases(models: Models): AsyncIterable<LedgerDoc> {
  return models.Ledger.find({ type: 'purchase' }, { lines: 0 }).sort({ _id: 1 }).lean<LedgerDoc[]>().cursor({ batchSize: 500 });
}
