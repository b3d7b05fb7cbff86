import type { DataScope } from '../../infra/database/data-scope.js';
import type { PricedLine } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';
import { entryKeys } from '../../shared/ledger-entries.js';

export interface NewPurchase {
  id: Id;
  user: Id;
  total: number;
  lines: PricedLine[];
  totalRewardPoints: number;
  walletBalanceAfter: number;
}

/** The purchase is the order and the first ledger entry (its wallet's journal entry too); its rewards start `pending`. */
export async function recordPurchase({ models, session }: DataScope, purchase: NewPurchase): Promise<void> {
  await models.Ledger.create(
    [
      {
        _id: purchase.id,
        type: 'purchase',
        entryKey: entryKeys.purchase(purchase.id.toString()),
        user: purchase.user,
        amount: purchase.total,
        lines: purchase.lines,
        walletBalanceAfter: purchase.walletBalanceAfter,
        rewards: { status: 'pending', totalRewardPoints: purchase.totalRewardPoints, distribution: null, attempts: 0, lastError: null, completedAt: null },
      },
    ],
    { session },
  );
}
