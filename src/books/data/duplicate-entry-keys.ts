import type { DataScope } from '../../infra/database/data-scope.js';

/**
 * Keys held by more than one entry, grouped on the server. Only asked when the unique index is
 * missing (with it, none can exist); then no index helps and the whole ledger is grouped.
 */
export function duplicateEntryKeys({ models, session }: DataScope): AsyncIterable<{ _id: string; count: number }> {
  return models.Ledger.aggregate<{ _id: string; count: number }>([{ $group: { _id: '$entryKey', count: { $sum: 1 } } }, { $match: { count: { $gt: 1 } } }])
    .session(session ?? null)
    .allowDiskUse(true)
    .cursor({ batchSize: 1000 });
}
