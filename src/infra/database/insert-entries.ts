import type { ClientSession } from 'mongoose';
import type { LedgerDoc, Models } from './models.js';

export type NewLedgerEntry = Omit<Partial<LedgerDoc>, '_id' | 'user' | 'purchase' | 'createdAt'> &
  Pick<LedgerDoc, 'type' | 'entryKey' | 'amount'> & { user: unknown; purchase: unknown };

/**
 * Writes ledger entries in the unit's transaction, each under its unique key, so that none can
 * exist twice: a duplicate is an error and nothing of the unit is kept. Ordered, and validation
 * errors thrown: mongoose's unordered insertMany drops an invalid entry silently otherwise.
 */
export async function insertLedgerEntries(models: Models, entries: NewLedgerEntry[], session: ClientSession): Promise<void> {
  if (entries.length === 0) return;
  await models.Ledger.insertMany(entries, { session, ordered: true, throwOnValidationError: true });
}
