import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';

/** The ledger entry under this key (unique across the ledger), or null. */
export function findEntryByKey({ models, session }: DataScope, entryKey: string): Promise<LedgerDoc | null> {
  return models.Ledger.findOne({ entryKey })
    .session(session ?? null)
    .lean<LedgerDoc>()
    .exec();
}
