import type { DataScope } from '../../infra/database/data-scope.js';
import { insertLedgerEntries } from '../../infra/database/insert-entries.js';
import type { Id } from '../../shared/ids.js';
import type { Distribution } from '../distribution.js';
import { entryKeys } from '../../shared/ledger-entries.js';

/**
 * A purchase's distribution as ledger entries, in the rewards run's transaction: one `reward` per
 * payout plus the two system shares, each under a unique key (`reward:<purchase>:<user>:<slot>`,
 * `app_revenue:<purchase>`, `gifts_pool:<purchase>`), so that no entry can be written twice (see
 * insertLedgerEntries). Points are these entries: no user document is written.
 */
export async function insertRewardEntries(scope: DataScope, purchaseId: Id, distribution: Distribution): Promise<void> {
  const pid = purchaseId.toString();
  const base = { purchase: purchaseId };
  await insertLedgerEntries(
    scope,
    [
      { ...base, type: 'app_revenue', entryKey: entryKeys.appRevenue(pid), user: null, amount: distribution.appRevenue, slot: null },
      ...distribution.payouts.map((p) => ({
        ...base,
        type: 'reward' as const,
        entryKey: entryKeys.reward(pid, p.userId, p.slot),
        user: p.userId,
        amount: p.amount,
        slot: p.slot,
        depth: p.depth,
      })),
      { ...base, type: 'gifts_pool', entryKey: entryKeys.giftsPool(pid), user: null, amount: distribution.giftsPool, slot: null },
    ],
  );
}
