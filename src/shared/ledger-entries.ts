/**
 * The kinds of ledger entries (the ledger is the truth: docs/adr/001). The one home of these
 * lists: the schema, the validators, the OpenAPI document and the use cases import them here.
 */
export const LEDGER_TYPES = ['purchase', 'reward', 'app_revenue', 'gifts_pool', 'refund', 'reversal', 'wallet_credit'] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];
/** The entries that move a wallet: credits and refunds in, purchases out (src/wallet/journal.ts). */
export const WALLET_ENTRY_TYPES = ['wallet_credit', 'purchase', 'refund'] as const;
export type WalletEntryType = (typeof WALLET_ENTRY_TYPES)[number];
/** The entries a user's reward points are the sum of. */
export const POINT_ENTRY_TYPES = ['reward', 'reversal'] as const;
/** The entries a rewards run writes, and a refund reverses. */
export const REWARD_ENTRY_TYPES = ['reward', 'app_revenue', 'gifts_pool'] as const;
export type RewardEntryType = (typeof REWARD_ENTRY_TYPES)[number];
