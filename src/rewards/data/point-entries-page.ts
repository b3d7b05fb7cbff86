import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import { pageDocs } from '../../http/paging.js';
import { POINT_ENTRY_TYPES } from '../../shared/ledger-entries.js';

/** `limit + 1` of the user's point entries (rewards and their reversals) newest first after the cursor: a page of their reward statement. */
export function pointEntriesPage({ models, session }: DataScope, userId: string, page: { limit: number; cursor?: string }): Promise<LedgerDoc[]> {
  return pageDocs<LedgerDoc>(models.Ledger, { user: userId, type: { $in: POINT_ENTRY_TYPES } }, page, session);
}
