import type { LedgerDoc, Models } from '../../infra/database/models.js';

/** Entries of the kinds that belong to a purchase but name none. */
export function streamUnboundEntries(models: Models): AsyncIterable<Pick<LedgerDoc, '_id' | 'type' | 'amount'>> {
  return models.Ledger.find({ purchase: null, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal', 'refund'] } }, { type: 1, amount: 1 })
    .lean<Pick<LedgerDoc, '_id' | 'type' | 'amount'>[]>()
    .cursor({ batchSize: 1000 });
}
