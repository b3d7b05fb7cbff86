import type { ClientSession, Types } from 'mongoose';
import type { Models } from '../../infra/database/models.js';
import type { UserEntryRow } from '../user-books.js';

const BATCH = 1000;
const FIELDS = { user: 1, type: 1, amount: 1, entryKey: 1, createdAt: 1 };

/** Every entry that names a user, in user order (the `{user, type, createdAt}` index). */
export function streamUserEntries(models: Models): AsyncIterable<UserEntryRow> {
  return models.Ledger.find({ user: { $ne: null } }, FIELDS).sort({ user: 1 }).lean<UserEntryRow[]>().cursor({ batchSize: BATCH });
}

/** One user's entries (a re-check), inside `session` when given. */
export function streamEntriesOfUser(models: Models, userId: Types.ObjectId, session?: ClientSession): AsyncIterable<UserEntryRow> {
  return models.Ledger.find({ user: userId }, FIELDS)
    .session(session ?? null)
    .lean<UserEntryRow[]>()
    .cursor({ batchSize: BATCH });
}
