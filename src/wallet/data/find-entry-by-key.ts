import type { ClientSession } from 'mongoose';
import type { LedgerDoc, Models } from '../../infra/database/models.js';

export function findEntryByKey(models: Models, entryKey: string, session?: ClientSession): Promise<LedgerDoc | null> {
  return models.Ledger.findOne({ entryKey })
    .session(session ?? null)
    .lean<LedgerDoc>()
    .exec();
}
