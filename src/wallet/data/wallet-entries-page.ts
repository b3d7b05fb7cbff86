import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import { WALLET_ENTRY_TYPES } from '../../shared/ledger-entries.js';
import { pageDocs } from '../../http/paging.js';

/** `limit + 1` of a user's wallet entries, newest first, after the cursor (the `{user, type, createdAt}` index). */
export function walletEntriesPage({ models, session }: DataScope, userId: string, page: { limit: number; cursor?: string }): Promise<LedgerDoc[]> {
  return pageDocs<LedgerDoc>(models.Ledger, { user: userId, type: { $in: WALLET_ENTRY_TYPES } }, page, session);
}
