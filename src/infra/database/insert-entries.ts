import type { DataScope } from './data-scope.js';
import type { LedgerDoc } from './models.js';

export type NewLedgerEntry = Omit<Partial<LedgerDoc>, '_id' | 'user' | 'purchase' | 'createdAt'> &
  Pick<LedgerDoc, 'type' | 'entryKey' | 'amount'> & { user: unknown; purchase: unknown };

/**
 * Writes ledger entries in the unit's transaction, each under its unique key, so that none can
 * exist twice: a duplicate is an error and nothing of the unit is kept. Ordered, and validation
 * errors thrown: mongoose's unordered insertMany drops an invalid entry silently otherwise.
 */
export async function insertLedgerEntries({ models, session }: DataScope, entries: NewLedgerEntry[]): Promise<void> {
  if (!session) throw new Error('ledger entries are written inside a unit of work, with what they account for');
  if (entries.length === 0) return;
  await models.Ledger.insertMany(entries, { session, ordered: true, throwOnValidationError: true });
}
