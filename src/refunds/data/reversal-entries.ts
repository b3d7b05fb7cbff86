import type { DataScope } from '../../infra/database/data-scope.js';
import { insertLedgerEntries } from '../../infra/database/insert-entries.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';
import { entryKeys, REWARD_ENTRY_TYPES, type RewardEntryType } from '../../shared/ledger-entries.js';

/** What a rewards run paid for the purchase: its reward, app-revenue and gifts-pool entries. */
export function findPaidEntries({ models, session }: DataScope, purchaseId: Id): Promise<LedgerDoc[]> {
  return models.Ledger.find({ purchase: purchaseId, type: { $in: REWARD_ENTRY_TYPES } })
    .session(session ?? null)
    .lean<LedgerDoc[]>()
    .exec();
}

/**
 * One reversal per paid entry, under the key `reversal:<entryKey>` (so none is reversed twice: a
 * duplicate-key error) and with the opposite amount (so the purchase's entries then sum to 0 and
 * each beneficiary's points drop by what it was paid). Written in the unit's transaction only.
 */
export async function insertReversals(scope: DataScope, purchaseId: Id, paid: readonly LedgerDoc[]): Promise<void> {
  await insertLedgerEntries(
    scope,
    paid.map((entry) => ({
      type: 'reversal' as const,
      reverses: entry.type as RewardEntryType,
      entryKey: entryKeys.reversal(entry.entryKey),
      user: entry.user,
      amount: -entry.amount,
      purchase: purchaseId,
      slot: entry.slot,
      depth: entry.depth ?? null,
    })),
  );
}
