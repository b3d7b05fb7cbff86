import type { DataScope } from '../../infra/database/data-scope.js';
import { toId } from '../../shared/ids.js';
import type { UserEntryRow } from '../user-books.js';

const BATCH = 1000;
const FIELDS = { user: 1, type: 1, amount: 1, entryKey: 1, createdAt: 1 };

/** Every entry that names a user, in user order (the `{user, type, createdAt}` index). */
export function streamUserEntries({ models, session }: DataScope): AsyncIterable<UserEntryRow> {
  return models.Ledger.find({ user: { $ne: null } }, FIELDS).session(session ?? null).sort({ user: 1 }).lean<UserEntryRow[]>().cursor({ batchSize: BATCH });
}

/** One user's entries (a re-check, inside its unit of work). */
export function streamEntriesOfUser({ models, session }: DataScope, userId: string): AsyncIterable<UserEntryRow> {
  return models.Ledger.find({ user: toId(userId) }, FIELDS)
    .session(session ?? null)
    .lean<UserEntryRow[]>()
    .cursor({ batchSize: BATCH });
}
