import type { ClientSession, Types } from 'mongoose';
import type { LedgerDoc, Models, WalletCredit } from '../../infra/database/models.js';

export interface NewCreditEntry {
  entryKey: string;
  user: Types.ObjectId;
  amount: number;
  walletBalanceAfter: number;
  credit: WalletCredit;
}

/** A credit's ledger entry; its unique key refuses a second one (a duplicate-key error). */
export async function insertCreditEntry(models: Models, entry: NewCreditEntry, session: ClientSession): Promise<LedgerDoc> {
  const [created] = await models.Ledger.create([{ type: 'wallet_credit', purchase: null, ...entry }], { session });
  return created!.toObject<LedgerDoc>();
}
