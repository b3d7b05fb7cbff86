import { newId } from '../shared/ids.js';
import { WALLET_ENTRY_TYPES, type LedgerType, type WalletEntryType } from '../shared/ledger-entries.js';

/**
 * The wallet journal (docs/spec.md §2): every change of a wallet balance is a ledger entry — a credit by
 * an admin (an initial balance included), a purchase, a refund — written in the same unit of work
 * as the change. Amounts are stored positive; the type says which way the money went.
 */
const DIRECTION: Record<WalletEntryType, 1 | -1> = { wallet_credit: 1, purchase: -1, refund: 1 };

export function isWalletEntryType(type: LedgerType | string): type is WalletEntryType {
  return (WALLET_ENTRY_TYPES as readonly string[]).includes(type);
}

/** What the entry did to the wallet: positive in, negative out. */
export function walletEffect(type: WalletEntryType, amount: number): number {
  return DIRECTION[type] * amount;
}

/**
 * Keys of credit entries, unique across the ledger like every entry's. A credit sent with an
 * Idempotency-Key is keyed by it, so a retry can't be applied twice; the initial balance of a
 * user is keyed by the user.
 */
export const creditKeys = {
  withIdempotencyKey: (key: string) => `wallet_credit:key:${key}`,
  initialBalance: (userId: string) => `wallet_credit:initial:${userId}`,
  unique: () => `wallet_credit:${newId().toString()}`,
};
