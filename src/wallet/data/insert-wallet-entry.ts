import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc, WalletCredit } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

export interface NewCreditEntry {
  entryKey: string;
  user: Id;
  amount: number;
  walletBalanceAfter: number;
  credit: WalletCredit;
}

/** A credit's ledger entry; its unique key refuses a second one (a duplicate-key error). */
export async function insertCreditEntry({ models, session }: DataScope, entry: NewCreditEntry): Promise<LedgerDoc> {
  const [created] = await models.Ledger.create([{ type: 'wallet_credit', purchase: null, ...entry }], { session });
  return created!.toObject<LedgerDoc>();
}
