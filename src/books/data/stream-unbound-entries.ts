import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';

/** Entries of the kinds that belong to a purchase but name none. */
export function streamUnboundEntries({ models, session }: DataScope): AsyncIterable<Pick<LedgerDoc, '_id' | 'type' | 'amount'>> {
  return models.Ledger.find({ purchase: null, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal', 'refund'] } }, { type: 1, amount: 1 })
    .session(session ?? null)
    .lean<Pick<LedgerDoc, '_id' | 'type' | 'amount'>[]>()
    .cursor({ batchSize: 1000 });
}
