import type { ClientSession } from 'mongoose';
import { isDuplicateKeyError, type LedgerDoc, type Models } from './models.js';

export type NewLedgerEntry = Omit<Partial<LedgerDoc>, '_id' | 'user' | 'purchase' | 'createdAt'> &
  Pick<LedgerDoc, 'type' | 'entryKey' | 'amount'> & { user: unknown; purchase: unknown };

/**
 * Writes ledger entries, each under its unique key, so that none can exist twice. Without a
 * transaction, a re-run meets the entries a dead run wrote: those duplicates are skipped and the
 * missing ones written. In a transaction a duplicate is an error (nothing of the unit is kept).
 */
export async function insertLedgerEntriesOnce(models: Models, entries: NewLedgerEntry[], session: ClientSession | undefined): Promise<void> {
  if (entries.length === 0) return;
  try {
    await models.Ledger.insertMany(entries, { session, ordered: false });
  } catch (error) {
    if (session || !onlyDuplicates(error)) throw error;
  }
}

/** A bulk insert whose every failure is a duplicate key: the entries exist already. */
function onlyDuplicates(error: unknown): boolean {
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  if (raw === undefined) return isDuplicateKeyError(error);
  const list = Array.isArray(raw) ? raw : [raw];
  return list.length > 0 && list.every(isDuplicateKeyError);
}
