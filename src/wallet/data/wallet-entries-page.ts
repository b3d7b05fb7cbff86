import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import { WALLET_ENTRY_TYPES } from '../../shared/ledger-entries.js';
import { after, newestFirst } from '../../http/paging.js';

/** `limit + 1` of a user's wallet entries, newest first, after the cursor (the `{user, type, createdAt}` index). */
export function walletEntriesPage({ models, session }: DataScope, userId: string, page: { limit: number; cursor?: string }): Promise<LedgerDoc[]> {
  return models.Ledger.find({ $and: [{ user: userId, type: { $in: WALLET_ENTRY_TYPES } }, after(page.cursor)] })
    .session(session ?? null)
    .sort(newestFirst)
    .limit(page.limit + 1)
    .lean<LedgerDoc[]>()
    .exec();
}
